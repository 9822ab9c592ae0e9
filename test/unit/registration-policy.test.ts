import { expect } from '@open-wc/testing';
import {
  INITIAL_POLICY_STATE,
  RETRY_DEFAULTS,
  backoffCeiling,
  backoffDelayMs,
  classifyRegisterStatus,
  flowTimerSeconds,
  grantedExpires,
  nextPolicyStep,
  parseRetryAfter,
  refreshDelayMs,
  retryAfterDelayMs,
  type PolicyEvent,
  type PolicyState,
} from '../../src/index.js';

const NOW = 1_000_000;
const low = () => 0;
const high = () => 0.999999;
const state = (patch: Partial<PolicyState> = {}): PolicyState => ({
  ...INITIAL_POLICY_STATE,
  ...patch,
});

describe('registration policy: what each REGISTER answer leads to', () => {
  // [status, kind] — RFC 3261 §21, liblinphone / Asterisk practice.
  const rows: Array<[number, 'retry' | 'interval' | 'stop']> = [
    [401, 'stop'],
    [403, 'stop'],
    [404, 'stop'],
    [407, 'stop'],
    [400, 'stop'],
    [408, 'retry'],
    [423, 'interval'],
    [480, 'retry'],
    [500, 'retry'],
    [501, 'stop'],
    [502, 'retry'],
    [503, 'retry'],
    [504, 'retry'],
    [505, 'stop'],
    [603, 'stop'],
    [302, 'stop'],
  ];
  for (const [status, kind] of rows) {
    it(`${status} → ${kind}`, () => expect(classifyRegisterStatus(status)).to.equal(kind));
  }
});

describe('registration policy: RFC 5626 backoff (base 30 s, cap 1800 s)', () => {
  // [failures, ceiling in s]
  const rows: Array<[number, number]> = [
    [0, 0],
    [1, 60],
    [2, 120],
    [3, 240],
    [4, 480],
    [5, 960],
    [6, 1800],
    [20, 1800],
  ];
  for (const [failures, ceiling] of rows) {
    it(`${failures} failures: waits ${ceiling / 2}–${ceiling} s`, () => {
      expect(backoffCeiling(failures)).to.equal(ceiling);
      expect(backoffDelayMs(failures, RETRY_DEFAULTS, low)).to.equal((ceiling / 2) * 1000);
      expect(backoffDelayMs(failures, RETRY_DEFAULTS, high)).to.be.closeTo(ceiling * 1000, 1);
    });
  }

  it('randomises within the range (phones restarted together do not come back together)', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelayMs(1)));
    expect(delays.size).to.be.greaterThan(40);
    for (const delay of delays) expect(delay).to.be.within(30_000, 60_000);
  });

  it('honours Retry-After: never earlier, at most 20 % (≤ 30 s) later', () => {
    expect(retryAfterDelayMs(120, low)).to.equal(120_000);
    expect(retryAfterDelayMs(120, high)).to.be.closeTo(144_000, 1);
    expect(retryAfterDelayMs(3600, high)).to.be.closeTo(3_630_000, 1);
  });

  it('reads Retry-After values', () => {
    expect(parseRetryAfter('120')).to.equal(120);
    expect(parseRetryAfter(' 18000;duration=3600')).to.equal(18000);
    expect(parseRetryAfter('120 (I am in a meeting)')).to.equal(120);
    expect(parseRetryAfter('9999999')).to.equal(86_400);
    expect(parseRetryAfter('soon')).to.equal(undefined);
    expect(parseRetryAfter(undefined)).to.equal(undefined);
  });
});

describe('registration policy: next step', () => {
  // [name, state before, event, expected action, expected state patch]
  type Row = [string, PolicyState, PolicyEvent, object, Partial<PolicyState>];
  const rows: Row[] = [
    [
      '200 resets the failures (and carries them until the connection proves healthy)',
      state({ failures: 3, retried423: true, notBefore: NOW + 5 }),
      { type: 'registered' },
      { type: 'none' },
      { failures: 0, carried: 3, retried423: false, notBefore: 0 },
    ],
    [
      '401 after the challenge stops for good',
      state(),
      { type: 'rejected', status: 401 },
      { type: 'stop' },
      { stopped: true },
    ],
    ['403 stops', state(), { type: 'rejected', status: 403 }, { type: 'stop' }, { stopped: true }],
    ['404 stops', state(), { type: 'rejected', status: 404 }, { type: 'stop' }, { stopped: true }],
    [
      'the first 423 is retried at once (with Min-Expires)',
      state(),
      { type: 'rejected', status: 423, minExpires: 3600 },
      { type: 'register', at: NOW },
      { retried423: true },
    ],
    [
      'a second 423 backs off',
      state({ retried423: true }),
      { type: 'rejected', status: 423, minExpires: 3600 },
      { type: 'register', at: NOW + 30_000 },
      { failures: 1, notBefore: NOW + 30_000 },
    ],
    [
      'a 423 without Min-Expires backs off',
      state(),
      { type: 'rejected', status: 423 },
      { type: 'register', at: NOW + 30_000 },
      { failures: 1, notBefore: NOW + 30_000 },
    ],
    [
      '503 with Retry-After waits what the server asked',
      state(),
      { type: 'rejected', status: 503, retryAfter: 120 },
      { type: 'register', at: NOW + 120_000 },
      { failures: 1, notBefore: NOW + 120_000 },
    ],
    [
      '503 with Retry-After: 0 still backs off (never a REGISTER storm)',
      state({ failures: 2 }),
      { type: 'rejected', status: 503, retryAfter: 0 },
      { type: 'register', at: NOW + 120_000 },
      { failures: 3, notBefore: NOW + 120_000 },
    ],
    [
      'a Retry-After shorter than the backoff waits the backoff',
      state({ failures: 3 }),
      { type: 'rejected', status: 500, retryAfter: 10 },
      { type: 'register', at: NOW + 240_000 },
      { failures: 4, notBefore: NOW + 240_000 },
    ],
    [
      '503 without Retry-After backs off',
      state({ failures: 2 }),
      { type: 'rejected', status: 503 },
      { type: 'register', at: NOW + 120_000 },
      { failures: 3, notBefore: NOW + 120_000 },
    ],
    [
      '408 / 480 / 500 / 504 back off',
      state(),
      { type: 'rejected', status: 504 },
      { type: 'register', at: NOW + 30_000 },
      { failures: 1, notBefore: NOW + 30_000 },
    ],
    [
      'no answer (Timer F) backs off',
      state(),
      { type: 'timeout' },
      { type: 'register', at: NOW + 30_000 },
      { failures: 1, notBefore: NOW + 30_000 },
    ],
    [
      'a healthy registered connection lost: reconnect at once',
      state(),
      { type: 'connection-lost', registered: true, upFor: 60_000 },
      { type: 'connect', at: NOW },
      { failures: 0, promptSpent: true },
    ],
    [
      'a healthy connection lost after a spent prompt reconnection: at once again, backoff reset',
      state({ promptSpent: true, carried: 3 }),
      { type: 'connection-lost', registered: true, upFor: 60_000 },
      { type: 'connect', at: NOW },
      { failures: 0, carried: 0 },
    ],
    [
      'registered and dropped 10 s later (the Wi-Fi went): reconnect at once, once',
      state(),
      { type: 'connection-lost', registered: true, upFor: 10_000 },
      { type: 'connect', at: NOW },
      { promptSpent: true },
    ],
    [
      'lost because the browser went offline: no prompt reconnection (`online` brings one)',
      state(),
      { type: 'connection-lost', registered: true, upFor: 60_000, offline: true },
      { type: 'connect', at: NOW + 30_000 },
      { failures: 1 },
    ],
    [
      'a connection that never opened: back off',
      state(),
      { type: 'connection-lost', registered: false, upFor: 0 },
      { type: 'connect', at: NOW + 30_000 },
      { failures: 1 },
    ],
    [
      'accepted then dropped before any REGISTER succeeded: back off more each time',
      state({ failures: 2 }),
      { type: 'connection-lost', registered: false, upFor: 50 },
      { type: 'connect', at: NOW + 120_000 },
      { failures: 3 },
    ],
    [
      'registered and dropped at once, the first time: one prompt reconnection',
      state({ carried: 2 }),
      { type: 'connection-lost', registered: true, upFor: 50 },
      { type: 'connect', at: NOW },
      { promptSpent: true },
    ],
    [
      'registered and dropped at once again: the backoff continues from before the success',
      state({ carried: 2, promptSpent: true }),
      { type: 'connection-lost', registered: true, upFor: 50 },
      { type: 'connect', at: NOW + 120_000 },
      { failures: 3, carried: 2 },
    ],
    [
      'a success keeps the spent prompt: only a healthy connection earns it back',
      state({ failures: 1, promptSpent: true }),
      { type: 'registered' },
      { type: 'none' },
      { failures: 0, carried: 1 },
    ],
    [
      'a lost connection does not reconnect before a Retry-After',
      state({ notBefore: NOW + 90_000 }),
      { type: 'connection-lost', registered: true, upFor: 60_000 },
      { type: 'connect', at: NOW + 90_000 },
      { promptSpent: true },
    ],
    ['connected: REGISTER now', state(), { type: 'connected' }, { type: 'register', at: NOW }, {}],
    [
      'connected during a Retry-After: REGISTER when it ends',
      state({ notBefore: NOW + 7000 }),
      { type: 'connected' },
      { type: 'register', at: NOW + 7000 },
      {},
    ],
    [
      'connected after a refusal: no REGISTER (JsSIP would send one on every reconnect)',
      state({ stopped: true }),
      { type: 'connected' },
      { type: 'none' },
      { stopped: true },
    ],
    [
      'stopped stays stopped whatever the server answers next',
      state({ stopped: true }),
      { type: 'rejected', status: 503, retryAfter: 5 },
      { type: 'stop' },
      { stopped: true },
    ],
    [
      'online: reconnect at once, once (the backoff is not reset)',
      state({ failures: 4, notBefore: NOW + 100_000 }),
      { type: 'online' },
      { type: 'connect', at: NOW },
      { failures: 4, notBefore: 0 },
    ],
  ];
  for (const [name, before, event, action, patch] of rows) {
    it(name, () => {
      const result = nextPolicyStep(before, event, NOW, RETRY_DEFAULTS, low);
      expect(result.action).to.deep.equal(action);
      expect(result.state).to.deep.equal({ ...before, ...patch });
    });
  }

  it('"at once" after a healthy connection is spread over a tenth of base-time', () => {
    const lost = { type: 'connection-lost', registered: true, upFor: 60_000 } as const;
    const latest = nextPolicyStep(state(), lost, NOW, RETRY_DEFAULTS, high).action;
    expect(latest.type).to.equal('connect');
    expect((latest as { at: number }).at - NOW).to.be.closeTo(3000, 1);
  });

  it('a 423 loop sends at most two REGISTERs before backing off, then one per cycle', () => {
    let s = state();
    const actions: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = nextPolicyStep(
        s,
        { type: 'rejected', status: 423, minExpires: 60 },
        NOW,
        RETRY_DEFAULTS,
        low,
      );
      s = r.state;
      actions.push(r.action.type === 'register' && r.action.at === NOW ? 'now' : 'later');
    }
    expect(actions).to.deep.equal(['now', 'later', 'later', 'later']);
    expect(s.failures).to.equal(3);
  });

  it('a server that grants REGISTER and drops 2 s later: one prompt reconnection, then growing gaps', () => {
    // Simulated clock: each connection registers at once and is dropped 2 s later.
    for (const random of [low, high]) {
      let s = state();
      let now = NOW;
      const connections = [now];
      while (now - NOW < 600_000) {
        s = nextPolicyStep(s, { type: 'registered' }, now, RETRY_DEFAULTS, random).state;
        now += 2000;
        const r = nextPolicyStep(
          s,
          { type: 'connection-lost', registered: true, upFor: 2000 },
          now,
          RETRY_DEFAULTS,
          random,
        );
        s = r.state;
        now = Math.max(now, (r.action as { at: number }).at);
        connections.push(now);
      }
      const within40s = connections.filter((at) => at - NOW < 40_000).length;
      expect(within40s, 'connections in the first 40 s').to.be.at.most(4);
      const gaps = connections.slice(1).map((at, i) => at - connections[i]!);
      // After the one prompt reconnection, every gap grows (until the cap).
      for (let i = 2; i < gaps.length; i++) expect(gaps[i]).to.be.at.least(gaps[i - 1]!);
      expect(gaps[1]).to.be.at.least(30_000 / 2 + 2000);
    }
  });

  it('an accept-then-drop server meets a growing wait, capped at max-time', () => {
    let s = state();
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      const r = nextPolicyStep(
        s,
        { type: 'connection-lost', registered: false, upFor: 50 },
        NOW,
        RETRY_DEFAULTS,
        high,
      );
      s = r.state;
      waits.push(Math.round(((r.action as { at: number }).at - NOW) / 1000));
    }
    expect(waits).to.deep.equal([60, 120, 240, 480, 960, 1800, 1800, 1800]);
  });
});

describe('registration refresh timing', () => {
  it('refreshes between half and two thirds of the interval, ≥ 90 s before expiry', () => {
    expect(refreshDelayMs(600, low)).to.equal(300_000);
    expect(refreshDelayMs(600, high)).to.be.closeTo(400_000, 1);
    expect(refreshDelayMs(3600, high)).to.be.closeTo(2_400_000, 1);
    // 200 s: two thirds would leave 67 s; the margin wins.
    expect(refreshDelayMs(200, high)).to.equal(110_000);
    // Short intervals refresh at half-time.
    expect(refreshDelayMs(30, high)).to.equal(15_000);
    expect(refreshDelayMs(10, low)).to.equal(5_000);
  });

  const instance = '5c2b1d8e-1f2a-4b3c-9d4e-5f6a7b8c9d0e';
  const response = (contacts: string[], expires?: number) =>
    [
      'SIP/2.0 200 OK',
      'Via: SIP/2.0/WSS x.invalid;branch=z9hG4bK1',
      ...contacts.map((c) => `Contact: ${c}`),
      ...(expires !== undefined ? [`Expires: ${expires}`] : []),
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');

  it('reads the lifetime granted to our Contact (by +sip.instance), not to other devices', () => {
    const ours = `<sip:a@x.invalid;transport=ws>;reg-id=1;+sip.instance="<urn:uuid:${instance}>";expires=120`;
    const other = '<sip:b@y.invalid;transport=ws>;expires=5';
    expect(grantedExpires(response([other, ours]), instance)).to.equal(120);
    expect(grantedExpires(response([`${other}, ${ours}`]), instance)).to.equal(120);
  });

  it('falls back to the Expires header, or to nothing', () => {
    expect(grantedExpires(response(['<sip:b@y.invalid>'], 300), instance)).to.equal(300);
    expect(grantedExpires(response([]), instance)).to.equal(undefined);
  });
});

describe('Flow-Timer (RFC 5626 §4.4.1)', () => {
  const ok = (headers: string) =>
    `SIP/2.0 200 OK\r\nCSeq: 2 REGISTER\r\n${headers}Content-Length: 0\r\n\r\n`;

  it("reads the registrar's Flow-Timer, and ignores what is absent, tiny or malformed", () => {
    expect(flowTimerSeconds(ok('Flow-Timer: 25\r\n'))).to.equal(25);
    expect(flowTimerSeconds(ok('flow-timer:120\r\n'))).to.equal(120);
    expect(flowTimerSeconds(ok(''))).to.equal(undefined);
    expect(flowTimerSeconds(ok('Flow-Timer: 1\r\n')), 'a keep-alive a second').to.equal(undefined);
    expect(flowTimerSeconds(ok('Flow-Timer: 25x\r\n'))).to.equal(undefined);
    expect(flowTimerSeconds(`${ok('')}Flow-Timer: 30\r\n`), 'in the body').to.equal(undefined);
  });
});
