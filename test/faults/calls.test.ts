// Call faults: the connection drops while a call rings or talks, the audio path breaks, a BYE is
// lost, the server refuses the INVITE or sends a reason phrase JsSIP cannot parse. Each case counts
// what crossed the wire and checks the call state and the banner.
import { expect } from '@open-wc/testing';
import { banner, inboundPackets, textOf, waitForCall } from '../helpers/phone-fixture.js';
import { sleep, waitFor } from '../helpers/sandbox.js';
import {
  closeScenarios,
  faultPhone,
  registered,
  scenario,
  type FaultPhone,
  sandboxCalls,
  sandboxCallsUser,
  sandboxEndsCall,
} from './fault-helpers.js';

async function connectedTo(phone: FaultPhone, number: string): Promise<string> {
  phone.el.call(number);
  await waitForCall(phone, 'connected', 200);
  await waitFor(async () => (await inboundPackets(phone.el)) > 25, 'audio from the far end');
  return phone.el.currentCall!.callId!;
}

/** The call states the element reported, each once (a status change repeats the state). */
/** The phone said "reconnecting" after having been registered (it may last only milliseconds). */
const reconnecting = (phone: FaultPhone) =>
  phone.registrations.some((r) => r.state === 'registering' && r.previous === 'registered');

const callStates = (phone: FaultPhone) =>
  phone.calls.map((c) => c.state).filter((state, i, all) => state !== all[i - 1]);

describe('faults: calls', () => {
  afterEach(closeScenarios);

  it('403 on INVITE: the specific reason, the registration kept, no redial', async () => {
    const peer = await scenario();
    const phone = await faultPhone(peer);
    await registered(phone);
    phone.el.call('403');
    const failed = await waitForCall(phone, 'failed', 403);
    expect(failed.reason).to.match(/^Forbidden/);
    expect(textOf(banner(phone.el))).to.match(
      /^Forbidden The provider refused the call: usually the account has no credit/,
    );
    await sleep(2000);
    expect(await peer.count({ from: 'phone', method: 'INVITE', request: true })).to.equal(2); // 407, then 403
    expect(await peer.count({ from: 'phone', method: 'ACK', request: true })).to.equal(2);
    expect(phone.el.registrationState).to.equal('registered');
    expect(await peer.registers()).to.equal(2);
  });

  it('a final response whose reason phrase JsSIP cannot parse ends the call at once, not at Timer B', async () => {
    const reason =
      'Temporarily Unavailable [call Processing Released] <img src=x onerror=window.__xss=2>';
    const peer = await scenario({
      rules: [
        { from: 'server', method: 'INVITE', status: 480, action: { type: 'reason', reason } },
      ],
    });
    const phone = await faultPhone(peer);
    await registered(phone);
    phone.el.call('480');
    const failed = await waitForCall(phone, 'failed', 480, 3000);
    const [final] = await peer.frames({ to: 'phone', method: 'INVITE', status: 480 });
    expect(final!.reason).to.equal(reason);
    expect(Date.now() - final!.at, 'ended promptly').to.be.below(2000);
    // The reason as it was on the wire (made inert: text only, no control or bidi characters).
    expect(failed.reason).to.equal(reason);
    expect(textOf(banner(phone.el))).to.match(/^Temporarily unavailable /);
    expect(phone.el.shadowRoot!.querySelector('img')).to.equal(null);
    expect((window as { __xss?: number }).__xss).to.equal(undefined);
    // Its ACK went out: the transaction is complete on both sides.
    expect(await peer.count({ from: 'phone', method: 'ACK', request: true })).to.equal(2);
  });

  it('drop while ringing: the call fails at once as a connection error; its CANCEL leaves on the new connection', async () => {
    const peer = await scenario();
    const phone = await faultPhone(peer);
    await registered(phone);
    phone.el.call('ring');
    await waitForCall(phone, 'ringing', 180);
    const callId = phone.el.currentCall!.callId!;
    await peer.drop();
    const failed = await waitForCall(phone, 'failed', undefined, 2000);
    expect(failed.cause).to.equal('connection-error');
    expect(textOf(banner(phone.el))).to.match(/^No connection to the server/);
    await registered(phone, 8000);
    const cancel = await waitFor(
      async () => (await peer.frames({ from: 'phone', method: 'CANCEL' }))[0],
      'the CANCEL',
    );
    expect(cancel.conn, 'sent on the new connection').to.equal(2);
    const record = await waitFor(
      async () => (await sandboxCalls('ring')).find((c) => c.callId === callId && c.finalStatus),
      'the sandbox ended the ringing call',
    );
    expect(record.sawCancel).to.equal(true);
    expect(record.finalStatus).to.equal(487);
    expect(callStates(phone)).to.deep.equal(['calling', 'ringing', 'failed']);
  });

  it('drop mid-call: the call and its audio go on; re-registered; the hang-up BYE leaves on the new connection', async () => {
    const peer = await scenario({ media: true });
    const phone = await faultPhone(peer);
    await registered(phone);
    const callId = await connectedTo(phone, 'echo');
    await sleep(1200); // a healthy connection: reconnect at once
    const before = await peer.mediaStats();
    const packetsBefore = await inboundPackets(phone.el);
    await peer.drop();
    await waitFor(() => reconnecting(phone), 'reconnecting');
    expect(phone.el.callState).to.equal('connected');
    await registered(phone);
    await sleep(500);
    const after = await peer.mediaStats();
    expect(after.toPhone - before.toPhone, 'audio to the phone went on').to.be.greaterThan(10);
    expect(after.toServer - before.toServer, 'audio from the phone went on').to.be.greaterThan(10);
    expect(await inboundPackets(phone.el)).to.be.greaterThan(packetsBefore + 10);
    expect(banner(phone.el).dataset.state).to.equal('connected');

    phone.el.hangup();
    await waitForCall(phone, 'ended');
    const bye = await waitFor(
      async () => (await peer.frames({ from: 'phone', method: 'BYE' }))[0],
      'BYE',
    );
    expect(bye.conn).to.equal(2);
    await waitFor(
      async () => (await peer.frames({ to: 'phone', method: 'BYE', status: 200 }))[0],
      '200 to the BYE',
    );
    const record = (await sandboxCalls('echo')).find((c) => c.callId === callId)!;
    expect(record.receivedMethods).to.include('BYE');
    expect(callStates(phone)).to.deep.equal(['calling', 'ringing', 'connected', 'ended']);
  });

  it('hang-up while the connection is down: the BYE waits and leaves on the next connection', async () => {
    const peer = await scenario();
    const phone = await faultPhone(peer);
    await registered(phone);
    const callId = await connectedTo(phone, 'echo');
    await peer.update({ refuse: true });
    await peer.drop();
    await waitFor(() => phone.el.registrationState === 'failed', 'the reconnection refused');
    phone.el.hangup();
    const ended = await waitForCall(phone, 'ended');
    expect(ended.cause).to.equal('hangup-local');
    expect(await peer.count({ from: 'phone', method: 'BYE' })).to.equal(0);
    await peer.update({ refuse: false });
    const bye = await waitFor(
      async () => (await peer.frames({ from: 'phone', method: 'BYE' }))[0],
      'the BYE',
      8000,
    );
    expect(bye.conn).to.be.greaterThan(1);
    await waitFor(
      async () =>
        (await sandboxCalls('echo'))
          .find((c) => c.callId === callId)
          ?.receivedMethods.includes('BYE'),
      'the sandbox got the BYE',
    );
    await registered(phone);
  });

  it('audio path broken: "Reconnecting…", an ICE-restart re-INVITE, and the call kept when it heals', async function () {
    this.timeout(40_000);
    const peer = await scenario({ media: true });
    const phone = await faultPhone(peer);
    await registered(phone);
    await connectedTo(phone, 'echo');
    const [invite] = await peer.frames({ from: 'phone', method: 'INVITE', request: true });
    await peer.media(true);
    await waitFor(() => phone.el.callSnapshot?.reconnecting, 'reconnecting', 15_000);
    expect(textOf(banner(phone.el))).to.match(/^Connection lost, reconnecting… In a call with /);
    expect(banner(phone.el).dataset.state).to.equal('connected');
    const restart = await waitFor(() => peer.firstReinvite(), 'an ICE-restart re-INVITE', 10_000);
    expect(restart.iceUfrag, 'new ICE credentials')
      .to.be.a('string')
      .and.not.equal(invite!.iceUfrag);
    // The sandbox cannot restart ICE: 488. The phone rolls back and keeps the call.
    await waitFor(
      async () => (await peer.frames({ to: 'phone', method: 'INVITE', status: 488 })).length,
      '488',
    );
    await peer.media(false);
    await waitFor(
      () => phone.el.callSnapshot?.reconnecting === undefined,
      'the audio path back',
      15_000,
    );
    const packets = await inboundPackets(phone.el);
    await waitFor(async () => (await inboundPackets(phone.el)) > packets + 20, 'audio again');
    expect(phone.el.callState).to.equal('connected');
    expect(textOf(banner(phone.el))).to.match(/^Connected /);
    expect(await peer.count({ method: 'BYE' })).to.equal(0);
  });

  it('a lost BYE (ghost call) ends when the audio stops: the RTP watchdog hangs up', async () => {
    const peer = await scenario({
      rules: [{ from: 'server', method: 'BYE', action: { type: 'drop' } }],
    });
    const phone = await faultPhone(peer, 'carol', { config: { mediaTimeout: 3000 } });
    await registered(phone);
    const outbound = await sandboxCallsUser({ to: 'carol', media: 'tone' });
    await waitForCall(phone, 'incoming');
    phone.el.answer();
    await waitForCall(phone, 'connected');
    await waitFor(async () => (await inboundPackets(phone.el)) > 25, 'the tone');
    await sandboxEndsCall(outbound.id);
    const lost = await waitFor(
      async () => (await peer.frames({ from: 'server', method: 'BYE' }))[0],
      'the BYE, dropped',
    );
    expect(lost.delivered).to.equal(false);
    const failed = await waitForCall(phone, 'failed', undefined, 10_000);
    expect(failed.cause).to.equal('rtp-timeout');
    expect(Date.now() - lost.at, 'mediaTimeout (3 s) plus a poll').to.be.below(7000);
    expect(textOf(banner(phone.el))).to.match(
      /^Audio connection lost No audio arrived for too long/,
    );
    await waitFor(
      async () => (await peer.frames({ from: 'phone', method: 'BYE' })).length === 1,
      'our BYE',
    );
  });
});
