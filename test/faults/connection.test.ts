// Connection faults: drops, a server that accepts and drops, a half-dead connection, the network
// going away and the page standing still. Each case counts connections and REGISTERs on the wire.
import { expect } from '@open-wc/testing';
import { part, textOf } from '../helpers/phone-fixture.js';
import { sleep, waitFor } from '../helpers/sandbox.js';
import { closeScenarios, faultPhone, registered, scenario, textsOf } from './fault-helpers.js';

describe('faults: connection', () => {
  afterEach(closeScenarios);

  it('accept-then-drop: reconnects with a growing, randomised wait; ≤ 1 REGISTER per connection', async function () {
    this.timeout(30_000);
    // Base 250 ms, cap 2 s: waits in [0.25, 0.5], [0.5, 1], [1, 2], [1, 2] s (RFC 5626 §4.5 scaled).
    // The server never grants a REGISTER (one that does earns a prompt reconnection: reconnect.test).
    const peer = await scenario({
      acceptThenDropMs: 50,
      rules: [{ from: 'phone', method: 'REGISTER', action: { type: 'drop' } }],
    });
    const phone = await faultPhone(peer, 'alice', {
      config: { retryBaseDelay: 250, retryMaxDelay: 2000 },
    });
    await waitFor(async () => (await peer.connections()) >= 5, '5 connections', 15_000);
    const opens = await peer.frames({ event: 'open' });
    const gaps = opens.slice(1).map((open, i) => open.at - opens[i]!.at);
    const windows: Array<[number, number]> = [
      [250, 500],
      [500, 1000],
      [1000, 2000],
      [1000, 2000],
    ];
    gaps.slice(0, 4).forEach((gap, i) => {
      // Plus the connect, the REGISTER and the 50 ms before the drop.
      expect(gap, `wait before connection ${i + 2}`).to.be.within(
        windows[i]![0],
        windows[i]![1] + 600,
      );
    });
    for (let conn = 1; conn <= 5; conn++) {
      const registers = await peer.frames({
        from: 'phone',
        method: 'REGISTER',
        request: true,
        conn,
      });
      // One REGISTER transaction: the first request, and its authenticated retry if there was time.
      expect(new Set(registers.map((r) => r.cseq)).size, `connection ${conn}`).to.be.at.most(2);
      expect(registers.length).to.be.at.most(2);
    }
    await waitFor(
      () =>
        /No connection to the server\..*Retrying in \d s\./.test(
          textOf(part(phone.el, 'registration')),
        ),
      'the registration line says when it retries',
    );
  });

  it('drop while idle: "reconnecting", one reconnection at once, one re-REGISTER', async () => {
    const peer = await scenario();
    const phone = await faultPhone(peer);
    await registered(phone);
    await sleep(1100); // longer than retryBaseDelay: a healthy connection
    const line = textsOf(phone.el, 'registration');
    await peer.drop();
    // "Reconnecting" lasts as long as the reconnection: milliseconds here.
    await waitFor(
      () =>
        phone.registrations.some((r) => r.state === 'registering' && r.previous === 'registered'),
      'reconnecting',
    );
    await registered(phone);
    expect(await peer.connections()).to.equal(2);
    expect(await peer.registers()).to.equal(4); // 2 per connection: challenge + authenticated
    const second = await peer.frames({ from: 'phone', method: 'REGISTER', request: true, conn: 2 });
    expect(second).to.have.length(2);
    const [dropped] = await peer.frames({ event: 'drop' });
    expect(second[0]!.at - dropped!.at, 'reconnected and registered at once').to.be.below(1500);
    expect(phone.registrations.map((r) => r.state)).to.deep.equal([
      'registering',
      'registered',
      'registering',
      'registered',
    ]);
    line.stop();
    expect(line.texts).to.deep.equal([
      'Registered as alice@localhost',
      'Connection lost, reconnecting…',
      'Registered as alice@localhost',
    ]);
  });

  it('drop with a REGISTER in flight: a single REGISTER on the new connection, no Timer F wait', async () => {
    const peer = await scenario({
      rules: [{ from: 'phone', method: 'REGISTER', times: 1, action: { type: 'close' } }],
    });
    const phone = await faultPhone(peer);
    await registered(phone, 8000);
    expect(await peer.connections()).to.equal(2);
    const first = await peer.frames({ from: 'phone', method: 'REGISTER', request: true, conn: 1 });
    const second = await peer.frames({ from: 'phone', method: 'REGISTER', request: true, conn: 2 });
    expect(first).to.have.length(1);
    expect(second.map((r) => r.cseq)).to.deep.equal([first[0]!.cseq! + 1, first[0]!.cseq! + 2]);
    // The connection never registered: the reconnection waited the backoff (1–2 s), no more.
    expect(second[0]!.at - first[0]!.at).to.be.within(900, 2600);
  });

  it('offline → online: the connection is dropped at once and restored as soon as the network is back', async () => {
    // Chromium's offline emulation (Playwright) neither fires these events nor spares the test
    // runner's own channel, so the browser's signals are dispatched here, and the network itself is
    // "down" for real: the peer refuses every connection meanwhile.
    const peer = await scenario();
    const phone = await faultPhone(peer, 'alice', {
      config: { retryBaseDelay: 5000, retryMaxDelay: 60_000 },
    });
    await registered(phone);
    await peer.update({ refuse: true });
    const offlineAt = Date.now();
    window.dispatchEvent(new Event('offline'));
    await waitFor(() => phone.el.registrationState === 'failed', 'no longer registered');
    const snapshot = phone.el.phone!.registration;
    expect(snapshot.cause).to.equal('connection-error');
    expect(snapshot.retryAt! - offlineAt, 'the backoff: 5–10 s').to.be.within(4900, 10_100);
    await waitFor(
      async () => (await peer.count({ event: 'close' })) === 1,
      'the phone hung up its socket',
    );

    await sleep(1000);
    await peer.update({ refuse: false });
    const onlineAt = Date.now();
    window.dispatchEvent(new Event('online'));
    await registered(phone);
    expect(Date.now() - onlineAt, 'reconnected on `online`, not after the backoff').to.be.below(
      1500,
    );
    expect(await peer.connections()).to.equal(2);
    expect(await peer.count({ event: 'refused' }), 'nothing tried while offline').to.equal(0);
  });

  it('a half-dead connection (OPTIONS keep-alive unanswered) is replaced and re-registered', async () => {
    const peer = await scenario();
    const phone = await faultPhone(peer, 'alice', {
      config: { keepAlive: 'options', keepAliveInterval: 1500, keepAliveTimeout: 1000 },
    });
    await registered(phone);
    // A live connection answers its keep-alives: no reconnection.
    await sleep(3500);
    expect(await peer.count({ from: 'phone', method: 'OPTIONS', request: true })).to.be.at.least(1);
    expect(await peer.connections()).to.equal(1);

    await peer.silence(true);
    const silencedAt = Date.now();
    await waitFor(async () => (await peer.connections()) === 2, 'a new connection', 6000);
    expect(Date.now() - silencedAt, 'interval (1.2–1.5 s) + timeout (1 s)').to.be.within(
      1500,
      3500,
    );
    await registered(phone);
    expect(
      await peer.count({ from: 'phone', method: 'REGISTER', request: true, conn: 2 }),
    ).to.equal(2);
  });

  it('CRLF keep-alive: pongs keep the connection; without them it is replaced', async () => {
    const peer = await scenario();
    const phone = await faultPhone(peer, 'alice', {
      config: { keepAlive: 'crlf', keepAliveInterval: 1000, keepAliveTimeout: 800 },
    });
    await registered(phone);
    await sleep(3000);
    expect(await peer.count({ from: 'phone', kind: 'crlf' })).to.be.at.least(2);
    expect(await peer.connections()).to.equal(1);
    await peer.update({ crlfPong: false });
    await waitFor(async () => (await peer.connections()) === 2, 'a new connection', 5000);
    await registered(phone);
  });

  it('after the page stood still (sleep), `visibilitychange` and `resume` re-register at once, before the stalled timers', async function () {
    this.timeout(40_000);
    // Headless Chromium does not freeze a visible page (CDP Page.setWebLifecycleState is a no-op
    // there), so the page stands still the hard way: its main thread is blocked — no timer fires,
    // no WebSocket message is handled — and then the browser's event is dispatched.
    const peer = await scenario({ grantExpires: 10 }); // the refresh is due 5 s after a REGISTER
    const phone = await faultPhone(peer);
    await registered(phone);
    for (const [target, type] of [
      [document, 'visibilitychange'],
      [document, 'resume'],
    ] as const) {
      await sleep(200);
      const before = await peer.frames({ from: 'phone', method: 'REGISTER', request: true });
      const blockedUntil = Date.now() + 6000;
      while (Date.now() < blockedUntil) {
        // Asleep.
      }
      target.dispatchEvent(new Event(type));
      const wokeAt = Date.now();
      await sleep(1000);
      const after = await peer.frames({
        from: 'phone',
        method: 'REGISTER',
        request: true,
        since: wokeAt - 50,
      });
      expect(after.length, `${type}: a REGISTER`).to.be.at.least(1);
      expect(after[0]!.at - wokeAt, `${type}: sent by the handler, at once`).to.be.below(500);
      // One refresh (its challenge and the authenticated retry at most): the stalled timers that
      // ran afterwards found it under way.
      expect(new Set(after.map((f) => f.cseq)).size, type).to.be.at.most(2);
      expect(after.length, type).to.be.at.most(2);
      expect(after[0]!.cseq).to.equal(before.at(-1)!.cseq! + 1);
      // The connection had been silent: it was probed too.
      expect(
        await peer.count({ from: 'phone', method: 'OPTIONS', request: true, since: wokeAt - 50 }),
        `${type}: a keep-alive`,
      ).to.equal(1);
      await registered(phone);
    }
  });
});
