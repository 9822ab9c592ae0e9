// Hostile input over the socket: the RFC 4475 / 5118 torture messages, oversize and junk frames,
// and a caller whose display name is HTML. The phone must stay registered and answering, and
// remote text must stay text.
import { expect } from '@open-wc/testing';
import { banner, textOf, waitForCall } from '../helpers/phone-fixture.js';
import { sleep, waitFor } from '../helpers/sandbox.js';
import {
  closeScenarios,
  faultPhone,
  registered,
  scenario,
  tortureFixtures,
  type Scenario,
} from './fault-helpers.js';

let sequence = 0;
/** An OPTIONS to the phone's Contact; resolves with the status the phone answered. */
async function optionsAnswer(peer: Scenario, pad = 0): Promise<number> {
  const callId = `options-${Date.now()}-${sequence++}`;
  await peer.inject(
    [
      'OPTIONS {contact} SIP/2.0',
      `Via: SIP/2.0/WS peer.invalid;branch=z9hG4bK${callId}`,
      'Max-Forwards: 70',
      'From: <sip:peer@localhost>;tag=p1',
      'To: <sip:alice@localhost>',
      `Call-ID: ${callId}`,
      'CSeq: 1 OPTIONS',
      ...(pad ? ['X-Pad: {pad}'] : []),
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
    pad,
  );
  const answer = await waitFor(
    async () =>
      (await peer.frames({ from: 'phone', method: 'OPTIONS' })).find(
        (f) => f.callId === callId && f.status,
      ),
    `the phone's answer to ${callId}`,
    3000,
  ).catch(() => undefined);
  return answer?.status ?? 0;
}

/** Errors that escaped to the page while `run` ran. */
async function escapedErrors(run: () => Promise<void>): Promise<string[]> {
  const errors: string[] = [];
  const onError = (event: ErrorEvent) => errors.push(String(event.message));
  const onRejection = (event: PromiseRejectionEvent) => errors.push(String(event.reason));
  window.addEventListener('error', onError);
  window.addEventListener('unhandledrejection', onRejection);
  try {
    await run();
    await sleep(300);
  } finally {
    window.removeEventListener('error', onError);
    window.removeEventListener('unhandledrejection', onRejection);
  }
  return errors;
}

describe('faults: hostile input', () => {
  afterEach(closeScenarios);

  it('every RFC 4475 and RFC 5118 torture message: registered and answering afterwards, nothing escapes', async function () {
    this.timeout(60_000);
    const peer = await scenario();
    const phone = await faultPhone(peer);
    await registered(phone);
    const fixtures = await tortureFixtures();
    expect(fixtures.filter((f) => f.startsWith('rfc4475/'))).to.have.length(50);
    expect(fixtures.filter((f) => f.startsWith('rfc5118/'))).to.have.length(12);
    const events = phone.registrations.length;
    const since = Date.now();
    const errors = await escapedErrors(async () => {
      for (const name of fixtures) {
        await peer.injectFixture(name);
        await sleep(10);
      }
    });
    expect(errors, 'exceptions that escaped').to.deep.equal([]);
    expect(phone.el.registrationState).to.equal('registered');
    expect(phone.registrations).to.have.length(events);
    expect(await peer.connections()).to.equal(1);
    // The phone answered some (400, 404, 405, 420, 481…; a valid INVITE rings: 180) and dropped the
    // rest; it never reacted with a request of its own.
    const answers = await peer.frames({ from: 'phone', since });
    const requests = answers.filter((f) => f.status === undefined).map((f) => f.method);
    expect(requests, 'requests the phone sent').to.deep.equal([]);
    const finals = answers.filter((f) => f.status! >= 200);
    expect(finals.length, 'final responses').to.be.within(1, fixtures.length);
    expect(await optionsAnswer(peer)).to.equal(200);
  });

  it('frames over 64 KiB are dropped before parsing (70 KiB, 5 MB); junk frames do not block the page', async function () {
    this.timeout(30_000);
    const peer = await scenario();
    const phone = await faultPhone(peer);
    await registered(phone);
    const since = Date.now();
    expect(await optionsAnswer(peer, 70 * 1024), '70 KiB: no answer').to.equal(0);
    expect(await optionsAnswer(peer, 5 * 1024 * 1024), '5 MB: no answer').to.equal(0);

    // 3000 junk frames: the page keeps rendering while they arrive.
    let frames = 0;
    let longest = 0;
    let last = performance.now();
    let running = true;
    const tick = () => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
      frames++;
      if (running) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    const errors = await escapedErrors(async () => {
      await peer.garbage(3000, 300);
      await sleep(1500);
    });
    running = false;
    expect(errors).to.deep.equal([]);
    expect(frames, 'animation frames in ~1.5 s').to.be.greaterThan(20);
    expect(longest, 'the longest frame gap, ms').to.be.below(500);
    expect(await optionsAnswer(peer)).to.equal(200);
    expect(await peer.count({ from: 'phone', since, request: true })).to.equal(0);
    expect(phone.el.registrationState).to.equal('registered');
  });

  it('a caller named <img onerror=…> is shown as text; nothing runs', async () => {
    const peer = await scenario({
      // The peer plays the caller: the phone's answers stay here.
      rules: [100, 180, 486].map((status) => ({
        from: 'phone' as const,
        method: 'INVITE',
        status,
        action: { type: 'drop' as const },
      })),
    });
    const phone = await faultPhone(peer);
    await registered(phone);
    const pc = new RTCPeerConnection();
    pc.addTransceiver('audio');
    const offer = (await pc.createOffer()).sdp!;
    pc.close();
    const name = '<img src=x onerror=window.__xss=1>\u202e';
    await peer.inject(
      [
        'INVITE {contact} SIP/2.0',
        'Via: SIP/2.0/WS peer.invalid;branch=z9hG4bKxss1',
        'Max-Forwards: 70',
        `From: "${name}" <sip:mallory@localhost>;tag=x1`,
        'To: <sip:alice@localhost>',
        'Call-ID: xss-call-1',
        'CSeq: 1 INVITE',
        'Contact: <sip:mallory@peer.invalid;transport=ws>',
        'Content-Type: application/sdp',
        `Content-Length: ${new TextEncoder().encode(offer).length}`,
        '',
        offer,
      ].join('\r\n'),
    );
    const incoming = await waitForCall(phone, 'incoming');
    expect(incoming.remote.displayName, 'bidi override stripped').to.equal(
      '<img src=x onerror=window.__xss=1>',
    );
    expect(textOf(banner(phone.el))).to.equal(
      'Incoming call From <img src=x onerror=window.__xss=1> (mallory).',
    );
    expect(phone.el.shadowRoot!.querySelector('img')).to.equal(null);
    await sleep(200);
    expect((window as { __xss?: number }).__xss).to.equal(undefined);
    phone.el.reject();
    await waitFor(
      async () =>
        (await peer.frames({ from: 'phone', method: 'INVITE', status: 486 })).length === 1,
      '486',
    );
    expect(await peer.count({ from: 'phone', method: 'INVITE', status: 180 })).to.equal(1);
  });
});
