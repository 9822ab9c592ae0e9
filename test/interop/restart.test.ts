import { expect } from '@open-wc/testing';
import { inboundPackets, waitForCall } from '../helpers/phone-fixture.js';
import { sleep, waitFor } from '../helpers/sandbox.js';
import { bed, bedPhone, command, printLogsIfFailed, refreshAnswer, sippMessages } from './bed.js';

// Short clocks for the same RFC 5626 policy: the restarts take seconds, not minutes.
const FAST_RETRY = { retryBaseDelay: 500, retryMaxDelay: 2000 };

describe('interop: Kamailio restarts', function () {
  this.timeout(40_000);
  afterEach(printLogsIfFailed);
  afterEach(() => command('kamailio-start'));

  before(async function () {
    this.timeout(60_000);
    await bed();
  });

  it('while the phone registers: refused connections back off, and it registers once Kamailio is back', async () => {
    await command('kamailio-stop');
    const phone = await bedPhone('1002', { config: FAST_RETRY });
    await waitFor(() => phone.el.registrationState === 'failed', 'the connection refused');
    expect(phone.el.phone!.registration.cause).to.equal('connection-error');
    expect(phone.el.phone!.registration.retryAt).to.be.a('number');
    await sleep(2000);
    expect(phone.wire.filter((m) => m.method === 'REGISTER')).to.have.length(0);

    const startedAt = Date.now();
    await command('kamailio-start');
    await waitFor(() => phone.el.registrationState === 'registered', 'registered', 8000);
    // The backoff had reached 1–2 s: registered within that after Kamailio listens again.
    expect(Date.now() - startedAt).to.be.below(3000);
    const registers = phone.wire.filter((m) => m.method === 'REGISTER' && m.direction === 'out');
    expect(registers, 'one REGISTER transaction (challenge, then credentials)').to.have.length(2);
  });

  it('mid-call: the audio goes on through rtpengine, the phone re-registers, and its BYE reaches sipp', async () => {
    const { numbers } = await bed();
    const phone = await bedPhone('1003', { config: FAST_RETRY });
    await waitFor(() => phone.el.registrationState === 'registered', 'registered');
    phone.el.call(numbers.sipp);
    await waitForCall(phone, 'connected', 200);
    const callId = phone.el.currentCall!.callId!;
    await waitFor(async () => (await inboundPackets(phone.el)) > 25, 'echoed audio');
    await sleep(600); // a healthy connection: the first reconnection goes at once

    await command('kamailio-stop');
    await waitFor(() => phone.el.registrationState !== 'registered', 'the connection lost');
    const packets = await inboundPackets(phone.el);
    await sleep(1500);
    expect(await inboundPackets(phone.el), 'audio while Kamailio is down').to.be.greaterThan(
      packets + 25,
    );
    expect(phone.el.callState).to.equal('connected');

    await command('kamailio-start');
    await waitFor(() => phone.el.registrationState === 'registered', 're-registered', 8000);
    expect(phone.el.callState).to.equal('connected');

    phone.el.hangup();
    const ended = await waitForCall(phone, 'ended');
    expect(ended.cause).to.equal('hangup-local');
    const bye = await waitFor(
      async () =>
        (await sippMessages(numbers.sipp, callId)).find(
          (m) => m.direction === 'received' && m.startLine.startsWith('BYE'),
        ),
      'sipp received the BYE',
    );
    expect(bye.startLine).to.match(/^BYE sip:/);
    const byeOut = phone.wire.filter((m) => m.callId === callId && m.method === 'BYE');
    expect(byeOut.map((m) => m.status ?? 'request')).to.deep.equal(['request', 200]);
  });

  it('mid-call: after the restart the phone refreshes its target, and the far end’s BYE reaches it', async () => {
    const { numbers } = await bed();
    const phone = await bedPhone('1002', { config: FAST_RETRY });
    await waitFor(() => phone.el.registrationState === 'registered', 'registered');
    phone.el.call(numbers.sippHangsUpAfterRefresh);
    await waitForCall(phone, 'connected', 200);
    const callId = phone.el.currentCall!.callId!;
    await waitFor(async () => (await inboundPackets(phone.el)) > 25, 'echoed audio');

    // Kamailio restarts: the phone's WebSocket is gone, and with it the connection alias that
    // routed the far end's requests to the phone. sipp 2002 sends no BYE until it hears where
    // the phone is now.
    await command('kamailio-stop');
    await waitFor(() => phone.el.registrationState !== 'registered', 'the connection lost');
    await command('kamailio-start');
    await waitFor(() => phone.el.registrationState === 'registered', 're-registered', 8000);
    // The second 200 to an INVITE of this call: the answer to the refresh.
    const refreshed = await waitFor(
      () => refreshAnswer(phone, callId),
      'the target refresh answered',
      8000,
    );
    const ended = await waitForCall(phone, 'ended', undefined, 5000);
    expect(ended.cause).to.equal('hangup-remote');
    const bye = phone.wire.find(
      (m) => m.callId === callId && m.method === 'BYE' && m.direction === 'in' && !m.status,
    );
    // sipp waits 1 s after the refresh's ACK before its BYE.
    expect(bye!.at - refreshed.at, 'the BYE after the refresh').to.be.below(2000);
    const messages = await sippMessages(numbers.sippHangsUpAfterRefresh, callId);
    expect(
      messages.some((m) => m.direction === 'received' && m.startLine.startsWith('SIP/2.0 200')),
      'the phone answered the BYE',
    ).to.equal(true);
  });
});
