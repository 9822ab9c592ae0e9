// Calls with the real JsSIP 3.13.8 user agent (the phone's SIP stack) in Node: `ws` for its
// WebSocket, werift for its RTCPeerConnection (helpers/jssip-node.ts). The sandbox calls JsSIP
// (reject, cancel, answer with media, hold from JsSIP's side, DTMF, BYE); JsSIP users transfer
// calls to each other through the proxy, blind (REFER) and attended (REFER with Replaces); and
// what JsSIP's own hold() does when the hold numbers refuse a re-INVITE.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import JsSIP from 'jssip';
import type { RTCSession } from 'jssip/lib/RTCSession.js';
import type { RTCPeerConnection } from 'werift';
import { startSandbox, type CallRecord, type Sandbox } from '../../sandbox/server.js';
import {
  clearJsSipTimerHOnAck,
  installNodeWebRtc,
  silentAudioStream,
} from './helpers/jssip-node.js';
import { api, eventually, testLog, withTimeout } from './helpers/sip-client.js';

type UA = InstanceType<typeof JsSIP.UA>;

/** RTCSession's `refer` event (JsSIP's own type does not type accept()'s arguments). */
interface ReferEvent {
  request: { getHeader(name: string): string };
  accept(initCallback: (session: RTCSession) => void, options: object): void;
}

interface NewSessionEvent {
  originator: 'local' | 'remote';
  session: RTCSession;
}

/** A JsSIP session with its werift peer connection: RTP counted, connection awaited. */
class Leg {
  rtpIn = 0;
  private session_: RTCSession | undefined;
  private resolveConnected!: () => void;
  private readonly connectedP = new Promise<void>((resolve) => {
    this.resolveConnected = resolve;
  });

  /** An incoming session: its peer connection is created when it is answered. */
  constructor(session?: RTCSession) {
    if (session) {
      this.session = session;
      session.on('peerconnection', (e: { peerconnection: unknown }) => this.attach(e));
    }
  }

  get session(): RTCSession {
    if (!this.session_) throw new Error('no session yet');
    return this.session_;
  }

  set session(s: RTCSession) {
    this.session_ = s;
  }

  /**
   * The `peerconnection` handler. For outgoing sessions pass it in the call's eventHandlers:
   * JsSIP fires it inside call() / accept(), before returning the session.
   */
  readonly attach = (e: { peerconnection: unknown }): void => {
    const pc = e.peerconnection as RTCPeerConnection;
    pc.onTrack.subscribe((track) => track.onReceiveRtp.subscribe(() => this.rtpIn++));
    void pc.connectionStateChange.watch((s) => s === 'connected').then(this.resolveConnected);
  };

  /** ICE + DTLS up (wait for this before hanging up: werift lingers after an early close). */
  connected(): Promise<void> {
    return withTimeout(this.connectedP, 5000, 'media connected');
  }

  event<T = unknown>(name: string, what = name): Promise<T> {
    return withTimeout(
      new Promise<T>((resolve) => this.session.once(name as 'ended', resolve as never)),
      5000,
      what,
    );
  }
}

describe('JsSIP calls through the sandbox (werift as WebRTC)', () => {
  let sandbox: Sandbox;
  let restoreGlobals: () => void;
  const uas = new Map<string, UA>();

  before(async () => {
    restoreGlobals = installNodeWebRtc();
    JsSIP.debug.disable();
    clearJsSipTimerHOnAck();
    sandbox = await startSandbox({ log: testLog() });
    await Promise.all(['alice', 'bob', 'carol'].map((u) => register(u)));
  });
  after(async () => {
    for (const ua of uas.values()) ua.stop();
    await new Promise((r) => setTimeout(r, 100));
    await sandbox.close();
    restoreGlobals();
  });

  async function register(user: string): Promise<void> {
    const ua = new JsSIP.UA({
      sockets: [new JsSIP.WebSocketInterface(sandbox.wsUrl)],
      uri: `sip:${user}@${sandbox.domain}`,
      password: `${user}-sandbox`,
      register: true,
      connection_recovery_min_interval: 30,
      connection_recovery_max_interval: 60,
    });
    uas.set(user, ua);
    // A phone always listens: without a newRTCSession listener JsSIP answers INVITEs 405.
    ua.on('newRTCSession', () => undefined);
    const registered = withTimeout(
      new Promise<void>((resolve, reject) => {
        ua.on('registered', () => resolve());
        ua.on('registrationFailed', (e: { cause?: string }) => reject(new Error(e.cause)));
      }),
      5000,
      `${user} registered`,
    );
    ua.start();
    await registered;
  }

  const ua = (user: string): UA => uas.get(user)!;

  /** The next incoming session at `user` (its Leg is set up before anything is answered). */
  function nextIncoming(user: string, what = `INVITE at ${user}`): Promise<Leg> {
    return withTimeout(
      new Promise<Leg>((resolve) => {
        const onSession = (e: NewSessionEvent) => {
          if (e.originator !== 'remote') return;
          ua(user).off('newRTCSession', onSession);
          resolve(new Leg(e.session));
        };
        ua(user).on('newRTCSession', onSession);
      }),
      5000,
      what,
    );
  }

  /** `from` calls `target` (a user or a test number). */
  function dial(from: string, target: string): Leg {
    const leg = new Leg();
    leg.session = ua(from).call(`sip:${target}@${sandbox.domain}`, {
      mediaStream: silentAudioStream() as never,
      eventHandlers: { peerconnection: leg.attach },
    });
    return leg;
  }

  /** Options for a REFER's accept(): the transferee's new call, watched by `leg`. */
  const referCall = (leg: Leg) => ({
    mediaStream: silentAudioStream(),
    eventHandlers: { peerconnection: leg.attach },
  });

  /** `from` calls `to` (a JsSIP user) who answers; both media legs connected. */
  async function established(from: string, to: string): Promise<{ caller: Leg; callee: Leg }> {
    const incoming = nextIncoming(to);
    const caller = dial(from, to);
    const callee = await incoming;
    callee.session.answer({ mediaStream: silentAudioStream() as never });
    await Promise.all([caller.event('confirmed'), callee.event('confirmed')]);
    await Promise.all([caller.connected(), callee.connected()]);
    return { caller, callee };
  }

  async function placeOutbound(body: Record<string, unknown>) {
    const res = await fetch(`${sandbox.httpUrl}/api/calls/outbound`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(res.status, 201);
    return (await res.json()) as { id: string; callId: string };
  }

  function outboundRecord(id: string): Promise<CallRecord> {
    return api<CallRecord>(sandbox.httpUrl, `/api/calls/outbound/${id}`);
  }

  function ended(id: string): Promise<CallRecord> {
    return eventually(
      async () => {
        const r = await outboundRecord(id);
        return r.endedAt ? r : undefined;
      },
      3000,
      `end of ${id}`,
    );
  }

  it('the sandbox calls JsSIP: the display name arrives as sent; 486 and 603', async () => {
    const names = ['<img src=x onerror=alert(1)>', 'Sales "East" \\ \u202Eevil\u202C Ünï \u260E'];
    for (const [i, status] of [486, 603].entries()) {
      const incoming = nextIncoming('alice');
      const { id } = await placeOutbound({ to: 'alice', displayName: names[i], from: 'frontdesk' });
      const { session } = await incoming;
      assert.equal(session.remote_identity.uri.user, 'frontdesk');
      assert.equal(session.remote_identity.display_name, names[i]);
      session.terminate({ status_code: status });
      const rec = await ended(id);
      assert.equal(rec.finalStatus, status);
      assert.equal(rec.finalReason, status === 486 ? 'Busy Here' : 'Decline');
      assert.deepEqual(rec.receivedStatuses, [100, 180, status], "JsSIP's 100, then it rings");
      assert.deepEqual(rec.sentMethods, ['INVITE', 'ACK']);
    }
  });

  it('the sandbox cancels an unanswered call to JsSIP (answerTimeoutMs and DELETE)', async () => {
    for (const how of ['timeout', 'delete'] as const) {
      const incoming = nextIncoming('alice');
      const { id } = await placeOutbound({
        to: 'alice',
        ...(how === 'timeout' ? { answerTimeoutMs: 400 } : {}),
      });
      const leg = await incoming;
      const failed = leg.event<{ originator: string; cause: string }>('failed');
      if (how === 'delete') {
        await eventually(async () =>
          (await outboundRecord(id)).receivedStatuses.includes(180) ? true : undefined,
        );
        const res = await fetch(`${sandbox.httpUrl}/api/calls/outbound/${id}`, {
          method: 'DELETE',
        });
        assert.equal(((await res.json()) as { action: string }).action, 'cancel');
      }
      const e = await failed;
      assert.equal(e.originator, 'remote');
      assert.equal(e.cause, JsSIP.C.causes.CANCELED);
      const rec = await ended(id);
      assert.equal(rec.finalStatus, 487);
      assert.deepEqual(rec.sentMethods, ['INVITE', 'CANCEL', 'ACK']);
      assert.equal(
        rec.endReason,
        how === 'timeout' ? 'no answer within 400 ms' : 'hung up via the API',
      );
    }
  });

  it('JsSIP answers: tone, hold and resume from JsSIP, INFO DTMF, BYE on DELETE', async () => {
    const incoming = nextIncoming('alice');
    const { id } = await placeOutbound({ to: 'alice', media: 'tone' });
    const leg = await incoming;
    leg.session.answer({ mediaStream: silentAudioStream() as never });
    await leg.event('confirmed');
    await leg.connected();
    await eventually(() => (leg.rtpIn >= 20 ? true : undefined), 3000, 'the tone at JsSIP');

    const held = new Promise<void>((resolve) => leg.session.hold({}, resolve));
    await withTimeout(held, 3000, 'hold done');
    await new Promise((r) => setTimeout(r, 150));
    const during = leg.rtpIn;
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(leg.rtpIn - during <= 1, 'no tone while JsSIP holds');
    await withTimeout(
      new Promise<void>((resolve) => leg.session.unhold({}, resolve)),
      3000,
      'unhold done',
    );
    await eventually(() => (leg.rtpIn >= during + 10 ? true : undefined), 2000, 'tone again');

    leg.session.sendDTMF('5', { transportType: 'INFO' } as never);
    await eventually(async () => ((await outboundRecord(id)).dtmf.length > 0 ? true : undefined));

    const endedAtJsSip = leg.event<{ originator: string; cause: string }>('ended');
    await fetch(`${sandbox.httpUrl}/api/calls/outbound/${id}`, { method: 'DELETE' });
    const e = await endedAtJsSip;
    assert.equal(e.originator, 'remote');
    assert.equal(e.cause, JsSIP.C.causes.BYE);

    const rec = await ended(id);
    assert.equal(rec.finalStatus, 200);
    assert.deepEqual(rec.sentMethods, ['INVITE', 'ACK', 'BYE']);
    assert.deepEqual(
      rec.reinvites.map((r) => [r.direction, r.status]),
      [
        ['sendonly', 200],
        ['sendrecv', 200],
      ],
    );
    assert.deepEqual(
      rec.dtmf.map((d) => [d.digit, d.transport]),
      [['5', 'info']],
    );
    assert.ok(rec.rtp.packetsOut >= 20, `packetsOut ${rec.rtp.packetsOut}`);
  });

  it('blind transfer: alice REFERs bob to carol; bob calls carol; alice hears the outcome', async () => {
    const { caller: alice, callee: bob } = await established('alice', 'bob');
    const refer = bob.event<ReferEvent>('refer');
    const outcome = new Promise<string>((resolve) => {
      alice.session.refer(`sip:carol@${sandbox.domain}`, {
        eventHandlers: {
          requestSucceeded: () => undefined,
          accepted: () => resolve('accepted'),
          failed: () => resolve('failed'),
        },
      } as never);
    });
    const r = await refer;
    assert.equal(r.request.getHeader('Refer-To'), `<sip:carol@${sandbox.domain}>`);
    const atCarol = nextIncoming('carol');
    const transferred = new Leg();
    r.accept((session: RTCSession) => {
      transferred.session = session;
    }, referCall(transferred));
    const carol = await atCarol;
    carol.session.answer({ mediaStream: silentAudioStream() as never });
    assert.equal(await withTimeout(outcome, 5000, 'NOTIFY 200 at alice'), 'accepted');
    await Promise.all([transferred.connected(), carol.connected()]);

    // The transferor hangs up; the transferred call goes on until bob hangs up.
    alice.session.terminate();
    await bob.event('ended');
    transferred.session.terminate();
    await carol.event('ended');
    const calls = await api<CallRecord[]>(sandbox.httpUrl, '/api/calls');
    const first = calls.find((c) => c.from === 'alice' && c.to === 'bob' && c.endedAt);
    assert.ok(first?.receivedMethods.includes('REFER'), 'REFER relayed');
    assert.ok(first?.receivedMethods.includes('NOTIFY'), 'NOTIFY relayed');
    assert.ok(calls.some((c) => c.from === 'bob' && c.to === 'carol' && c.finalStatus === 200));
  });

  it('attended transfer: REFER with Replaces; carol accepts the replacing INVITE', async () => {
    const { caller: aliceToBob, callee: bob } = await established('alice', 'bob');
    const { caller: aliceToCarol, callee: carol } = await established('alice', 'carol');
    const refer = bob.event<ReferEvent>('refer');
    const outcome = new Promise<string>((resolve) => {
      aliceToBob.session.refer(`sip:carol@${sandbox.domain}`, {
        replaces: aliceToCarol.session,
        eventHandlers: {
          accepted: () => resolve('accepted'),
          failed: () => resolve('failed'),
        },
      } as never);
    });
    const r = await refer;
    assert.match(r.request.getHeader('Refer-To'), /^<sip:carol@localhost\?Replaces=.+%3Bto-tag%3D/);
    // carol's existing session sees the INVITE with Replaces; accepting makes a new session.
    const replaces = carol.event<{ accept: () => void }>('replaces');
    const bobToCarol = new Leg();
    r.accept((session: RTCSession) => {
      bobToCarol.session = session;
    }, referCall(bobToCarol));
    const rep = await replaces;
    const atCarol = nextIncoming('carol', 'the replacing session at carol');
    rep.accept();
    const carolFromBob = await atCarol;
    carolFromBob.session.answer({ mediaStream: silentAudioStream() as never });
    assert.equal(await withTimeout(outcome, 5000, 'NOTIFY 200 at alice'), 'accepted');
    // carol's replaced session ends (JsSIP BYEs it once the new one is confirmed).
    await aliceToCarol.event('ended', 'the replaced call ended at alice');
    await Promise.all([bobToCarol.connected(), carolFromBob.connected()]);
    aliceToBob.session.terminate();
    await bob.event('ended');
    bobToCarol.session.terminate();
    await carolFromBob.event('ended');
    const rec = (await api<CallRecord[]>(sandbox.httpUrl, '/api/calls')).find(
      (c) => c.from === 'bob' && c.to === 'carol' && c.finalStatus === 200,
    );
    assert.ok(rec, 'the replacing call was relayed');
  });

  it('JsSIP hold() vs hold-491: JsSIP retries once after 1 s and the hold succeeds', async () => {
    const leg = dial('alice', 'hold-491');
    await leg.event('confirmed');
    await leg.connected();
    const t0 = Date.now();
    await withTimeout(
      new Promise<void>((resolve) => leg.session.hold({}, resolve)),
      4000,
      'hold done',
    );
    const held = Date.now() - t0;
    await withTimeout(
      new Promise<void>((resolve) => leg.session.unhold({}, resolve)),
      3000,
      'unhold done',
    );
    const endedAtJsSip = leg.event('ended');
    leg.session.terminate();
    await endedAtJsSip;
    const rec = (await api<CallRecord[]>(sandbox.httpUrl, '/api/calls?number=hold-491')).at(-1)!;
    assert.deepEqual(
      rec.reinvites.map((r) => [r.direction, r.status]),
      [
        ['sendonly', 491],
        ['sendonly', 200],
        ['sendrecv', 200],
      ],
    );
    // JsSIP 3.13.8 (Dialog/RequestSender.js) re-sends after a fixed 1 s, not RFC 3261 §14.1's
    // random 2.1-4 s (owner of the Call-ID) / 0-2 s.
    const gap = Date.parse(rec.reinvites[1]!.at) - Date.parse(rec.reinvites[0]!.at);
    assert.ok(gap >= 950 && gap < 1500, `retry after ${gap} ms`);
    assert.ok(held >= 950, `hold took ${held} ms`);
  });

  it('JsSIP hold() vs hold-fail: JsSIP hangs up the call (BYE, "Hold Failed")', async () => {
    const leg = dial('alice', 'hold-fail');
    await leg.event('confirmed');
    await leg.connected();
    const endedAtJsSip = leg.event<{ originator: string; cause: string }>('ended');
    leg.session.hold();
    const e = await endedAtJsSip;
    // JsSIP 3.13.8 RTCSession.hold(): any failure → terminate(500 'Hold Failed').
    assert.equal(e.originator, 'local');
    assert.equal(e.cause, JsSIP.C.causes.WEBRTC_ERROR);
    const rec = await eventually(async () => {
      const r = (await api<CallRecord[]>(sandbox.httpUrl, '/api/calls?number=hold-fail')).at(-1);
      return r?.endedAt ? r : undefined;
    });
    assert.deepEqual(
      rec.reinvites.map((r) => [r.direction, r.status]),
      [['sendonly', 488]],
    );
    assert.equal(rec.endReason, 'BYE from the caller');
  });
});
