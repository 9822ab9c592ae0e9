// Issue 14 against the fault peer: the reconnect policy with the real RFC 5626 clocks (base 30 s),
// "Retry now", a server list, and the target refresh that lets the far end reach the phone again
// after its connection was replaced (the peer routes by connection, as Kamailio's aliases do).
import { expect } from '@open-wc/testing';
import { banner, inboundPackets, part, textOf, waitForCall } from '../helpers/phone-fixture.js';
import { sleep, waitFor } from '../helpers/sandbox.js';
import {
  closeScenarios,
  faultPhone,
  registered,
  sandboxCalls,
  sandboxCallsUser,
  sandboxEndsCall,
  scenario,
  type FaultPhone,
  type Scenario,
} from './fault-helpers.js';

/** A phone for carol behind `peer`, in a call the sandbox placed to it and it answered. */
async function answeredCall(
  peer: Scenario,
): Promise<{ phone: FaultPhone; outbound: { id: string } }> {
  const phone = await faultPhone(peer, 'carol');
  await registered(phone);
  const outbound = await sandboxCallsUser({ to: 'carol', media: 'tone' });
  await waitForCall(phone, 'incoming');
  phone.el.answer();
  await waitForCall(phone, 'connected');
  return { phone, outbound };
}

// The defaults a deployment has: the prompt reconnection is spread over 3 s, the backoff 30–60 s.
const REAL_CLOCKS = { retryBaseDelay: 30_000, retryMaxDelay: 1_800_000 };

describe('faults: reconnecting (RFC 5626 flows)', () => {
  afterEach(closeScenarios);

  it('a connection the server closes 10 s after registering: registered again within 5 s', async function () {
    this.timeout(30_000);
    const peer = await scenario({ dropAfterRegisterMs: 10_000, dropAfterRegisterTimes: 1 });
    const phone = await faultPhone(peer, 'alice', { config: REAL_CLOCKS });
    await registered(phone);
    const [dropped] = await waitFor(
      async () => {
        const drops = await peer.frames({ event: 'drop' });
        return drops.length ? drops : undefined;
      },
      'the server closes the connection',
      15_000,
    );
    await waitFor(() => phone.registrations.at(-1)?.state === 'registering', 'reconnecting');
    await waitFor(
      async () =>
        (await peer.frames({ from: 'server', method: 'REGISTER', status: 200, conn: 2 }))[0],
      'registered on the new connection',
      6000,
    );
    const [ok] = await peer.frames({ from: 'server', method: 'REGISTER', status: 200, conn: 2 });
    expect(ok!.at - dropped!.at, 'from the drop to the new registration').to.be.below(5000);
    await registered(phone);
    expect(await peer.connections()).to.equal(2);
  });

  it('a server that drops every connection 2 s after REGISTER: at most 4 connections in 40 s', async function () {
    this.timeout(60_000);
    const peer = await scenario({ dropAfterRegisterMs: 2000 });
    const startedAt = Date.now();
    await faultPhone(peer, 'alice', { config: REAL_CLOCKS });
    await sleep(40_000);
    const opens = (await peer.frames({ event: 'open' })).filter(
      (open) => open.at - startedAt <= 40_000,
    );
    expect(opens.length, 'connections in 40 s').to.be.at.most(4);
    expect(opens[1]!.at - opens[0]!.at, 'one prompt reconnection').to.be.below(2000 + 3000 + 1500);
    // Then the backoff: 30–60 s after the second loss (2 s after the second REGISTER).
    if (opens[2]) expect(opens[2].at - opens[1]!.at).to.be.at.least(30_000);
  });

  it('"Retry now" on the registration line skips the backoff once, without resetting it', async function () {
    this.timeout(30_000);
    const peer = await scenario({ dropAfterRegisterMs: 2000 });
    const phone = await faultPhone(peer, 'alice', { config: REAL_CLOCKS });
    await registered(phone);
    // The prompt reconnection, then the second loss: the phone waits 30–60 s.
    await waitFor(() => phone.el.registrationState === 'failed', 'the second loss', 15_000);
    expect(await peer.connections()).to.equal(2);
    expect(phone.el.phone!.registration.retryAt! - Date.now()).to.be.above(28_000);
    const line = part(phone.el, 'registration');
    expect(textOf(line)).to.match(/Retrying in \d+ s\.\s?The phone tries again at .+ Retry now$/);
    // Without a call the banner does not say "Ready": a call would fail now.
    expect(textOf(banner(phone.el))).to.equal(
      'Not connected Calls work as soon as the phone is connected to the server again.',
    );
    expect(banner(phone.el).dataset.state).to.equal('idle');
    const retry = part(phone.el, 'retry-now-button') as HTMLButtonElement;
    expect(retry.tagName).to.equal('BUTTON');
    const before = Date.now();
    retry.click();
    await waitFor(async () => (await peer.connections()) === 3, 'a connection at once', 3000);
    await registered(phone);
    expect(Date.now() - before).to.be.below(3000);
    expect(textOf(banner(phone.el))).to.match(/^Ready /);
    // The backoff was not reset: this connection dies too, and the next wait is longer.
    await waitFor(() => phone.el.registrationState === 'failed', 'lost again', 5000);
    expect(phone.el.phone!.registration.retryAt! - Date.now()).to.be.above(58_000);
  });

  it('RFC 5626 outbound: +sip.instance (one per browser profile) and reg-id on REGISTER, ob on the INVITE', async () => {
    const peer = await scenario();
    const phone = await faultPhone(peer, 'alice');
    await registered(phone);
    const instance = phone.el.phone!.config.instanceId;
    expect(localStorage.getItem('sip-phone.instance-id')).to.equal(instance);
    const [register] = await peer.frames({ from: 'phone', method: 'REGISTER', request: true });
    expect(register!.contact).to.include(`;reg-id=1;+sip.instance="<urn:uuid:${instance}>"`);
    phone.el.call('echo');
    await waitForCall(phone, 'connected', 200);
    const [invite] = await peer.frames({ from: 'phone', method: 'INVITE', request: true });
    expect(invite!.contact).to.match(/;ob>/);
    phone.el.hangup();
    // Another phone in this browser profile (a reloaded page) is the same instance.
    const again = await faultPhone(await scenario(), 'bob');
    expect(again.el.phone!.config.instanceId).to.equal(instance);
  });

  it('a Flow-Timer in the 200 to REGISTER shortens the keep-alive to match (RFC 5626 §4.4.1)', async function () {
    this.timeout(20_000);
    const peer = await scenario({
      rules: [
        {
          from: 'server',
          method: 'REGISTER',
          status: 200,
          action: {
            type: 'rewrite',
            pattern: '\r\nContent-Length',
            flags: 'i',
            replacement: '\r\nFlow-Timer: 5\r\nContent-Length',
          },
        },
      ],
    });
    // Its own keep-alive would wait a minute of silence (TEST_TIMING).
    const phone = await faultPhone(peer, 'alice');
    await registered(phone);
    const registeredAt = Date.now();
    const probe = await waitFor(
      async () => (await peer.frames({ from: 'phone', method: 'OPTIONS', request: true }))[0],
      'a keep-alive within the Flow-Timer',
      8000,
    );
    // Between 80 % and 100 % of 5 s of silence.
    expect(probe.at - registeredAt).to.be.within(3500, 5500);
  });

  it('a server list: a lost connection moves to the next server and registers there', async function () {
    this.timeout(20_000);
    const first = await scenario();
    const second = await scenario();
    const phone = await faultPhone(first, 'alice', { server: [first.wsUrl, second.wsUrl] });
    await registered(phone);
    expect(phone.el.phone!.server).to.equal(first.wsUrl);
    await sleep(1100); // a healthy connection (TEST_TIMING's base is 1 s)
    // The first server goes away for good: it drops the phone and refuses it from now on.
    await first.update({ refuse: true });
    await first.drop();
    await waitFor(async () => (await second.registers()) > 0, 'a REGISTER to the second', 5000);
    await registered(phone);
    expect(phone.el.phone!.server).to.equal(second.wsUrl);
  });

  it('a server that cannot be reached is skipped at once for the next one in the list', async () => {
    const down = await scenario({ refuse: true });
    const up = await scenario();
    const phone = await faultPhone(up, 'alice', { server: `${down.wsUrl} ${up.wsUrl}` });
    const startedAt = Date.now();
    await registered(phone);
    expect(Date.now() - startedAt, 'no backoff before the second server').to.be.below(3000);
    expect(await down.count({ event: 'refused' })).to.equal(1);
    expect(phone.el.phone!.server).to.equal(up.wsUrl);
    expect(phone.el.phone!.config.servers).to.deep.equal([down.wsUrl, up.wsUrl]);
  });

  it('mid-call reconnect: a target refresh on the new connection, and the far end’s BYE reaches the phone', async function () {
    this.timeout(30_000);
    const peer = await scenario({ flowRouting: true });
    const { phone, outbound } = await answeredCall(peer);
    await waitFor(async () => (await inboundPackets(phone.el)) > 25, 'the tone');
    const callId = phone.el.currentCall!.callId!;

    await peer.drop();
    await waitFor(async () => (await peer.connections()) === 2, 'reconnected');
    const refresh = await waitFor(
      async () =>
        (await peer.frames({ from: 'phone', method: 'INVITE', request: true, conn: 2 })).find(
          (f) => f.callId === callId,
        ),
      'a re-INVITE on the new connection',
    );
    expect(refresh.toTag, 'in the dialog').to.be.a('string');
    await waitFor(
      async () =>
        (await peer.frames({ from: 'server', method: 'INVITE', status: 200, conn: 2 })).some(
          (f) => f.callId === callId,
        ),
      'the far end took the refresh',
    );
    expect(phone.el.callState).to.equal('connected');

    const hungUpAt = Date.now();
    await sandboxEndsCall(outbound.id);
    const ended = await waitForCall(phone, 'ended', undefined, 5000);
    expect(ended.cause).to.equal('hangup-remote');
    expect(Date.now() - hungUpAt, 'the BYE landed').to.be.below(2000);
    const byes = await peer.frames({ from: 'server', method: 'BYE', request: true });
    expect(byes.map((b) => b.delivered)).to.deep.equal([true]);
  });

  it('mid-call reconnect while on hold: the refresh keeps the hold (sendonly), and resume works after it', async function () {
    this.timeout(30_000);
    const peer = await scenario({ flowRouting: true });
    const { phone, outbound } = await answeredCall(peer);
    const callId = phone.el.currentCall!.callId!;
    await phone.el.hold();
    await waitForCall(phone, 'held');

    await peer.drop();
    const reinvites = async () =>
      (await sandboxCalls()).find((c) => c.callId === callId)?.reinvites ?? [];
    await waitFor(async () => (await reinvites()).length === 2, 'the hold and the refresh');
    expect((await reinvites()).map((r) => [r.direction, r.status])).to.deep.equal([
      ['sendonly', 200],
      ['sendonly', 200],
    ]);
    expect(phone.el.callState).to.equal('held');
    expect(await phone.el.resume()).to.equal(true);
    await waitForCall(phone, 'connected');
    expect((await reinvites()).at(-1)).to.deep.include({ direction: 'sendrecv', status: 200 });
    await sandboxEndsCall(outbound.id);
    const ended = await waitForCall(phone, 'ended', undefined, 5000);
    expect(ended.cause).to.equal('hangup-remote');
  });

  it('mid-call reconnect: a refresh answered 481 ends the call as lost, with a clear banner', async function () {
    this.timeout(30_000);
    const peer = await scenario({
      flowRouting: true,
      // The far end (a restarted proxy, a peer that timed the dialog out) no longer knows the call.
      rules: [
        {
          from: 'phone',
          method: 'INVITE',
          action: { type: 'respond', status: 481, reason: 'Call/Transaction Does Not Exist' },
        },
      ],
    });
    const { phone } = await answeredCall(peer);
    await peer.drop();
    const failed = await waitForCall(phone, 'failed', undefined, 10_000);
    expect(failed.cause).to.equal('connection-dropped');
    expect(textOf(banner(phone.el))).to.match(
      /^Call lost The call was lost when the connection dropped\./,
    );
  });

  const networkChanges: Array<[string, () => void]> = [
    ['online', () => window.dispatchEvent(new Event('online'))],
    [
      'navigator.connection change',
      () =>
        (navigator as { connection?: EventTarget }).connection!.dispatchEvent(new Event('change')),
    ],
  ];
  for (const [name, change] of networkChanges) {
    it(`a network change mid-call (${name}): an ICE-restart re-INVITE at once, though ICE still looks connected`, async function () {
      this.timeout(30_000);
      const peer = await scenario();
      const phone = await faultPhone(peer);
      await registered(phone);
      phone.el.call('echo');
      await waitForCall(phone, 'connected', 200);
      await waitFor(async () => (await inboundPackets(phone.el)) > 25, 'echoed audio');
      const [invite] = await peer.frames({ from: 'phone', method: 'INVITE', request: true });
      const changedAt = Date.now();
      change();
      const restart = await waitFor(() => peer.firstReinvite(), 'an ICE-restart re-INVITE', 5000);
      expect(restart.at - changedAt, 'at once, not after ICE noticed').to.be.below(1000);
      expect(restart.iceUfrag, 'new ICE credentials')
        .to.be.a('string')
        .and.not.equal(invite!.iceUfrag);
      // The sandbox cannot restart ICE (488): the phone rolls back, and the audio goes on.
      await waitFor(
        async () => (await peer.frames({ to: 'phone', method: 'INVITE', status: 488 })).length,
        '488',
      );
      const packets = await inboundPackets(phone.el);
      await waitFor(async () => (await inboundPackets(phone.el)) > packets + 20, 'audio still');
      expect(phone.el.callState).to.equal('connected');
    });
  }
});
