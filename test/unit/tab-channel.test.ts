import { expect } from '@open-wc/testing';
import {
  parseCommand,
  parseTabMessage,
  tabLockName,
  TabChannel,
  wireCallSnapshot,
  wireRegistration,
  type TabMessage,
} from '../../src/tab-channel.js';
import { TabLeader, canShareAcrossTabs } from '../../src/tab-leader.js';
import { RemotePhone, COMMAND_TIMEOUT_MS } from '../../src/tab-remote.js';
import { isRemoteCall } from '../../src/tab-call.js';
import type { CallSnapshot } from '../../src/call-snapshot.js';

const from = '6f1c6a4e-3a55-4f40-9d55-0c1d2b3a4f5e';
const call: CallSnapshot = {
  id: 'abc123@host;tag=x1',
  direction: 'incoming',
  state: 'incoming',
  remote: { displayName: 'Carol', user: 'carol', uri: 'sip:carol@localhost' },
  muted: false,
  remoteHold: false,
  startedAt: 1_700_000_000_000,
};
const state = (extra: Record<string, unknown> = {}) => ({
  v: 1,
  from,
  kind: 'state',
  state: { registration: { state: 'registered', status: 200 }, calls: [call], ...extra },
});
const command = (c: unknown, extra: Record<string, unknown> = {}) => ({
  v: 1,
  from,
  kind: 'command',
  id: 'c0ffee-1',
  command: c,
  ...extra,
});

describe('tab channel: parseTabMessage', () => {
  it('accepts each kind of this version, rebuilt field by field', () => {
    expect(parseTabMessage({ v: 1, from, kind: 'hello' })).to.deep.equal({
      v: 1,
      from,
      kind: 'hello',
    });
    expect(parseTabMessage({ v: 1, from, kind: 'leaving' })?.kind).to.equal('leaving');
    const parsed = parseTabMessage(state()) as Extract<TabMessage, { kind: 'state' }>;
    expect(parsed.state.registration.state).to.equal('registered');
    expect(parsed.state.registration.outcome?.title).to.be.a('string');
    expect(parsed.state.calls[0]!.remote).to.deep.equal(call.remote);
    expect(parseTabMessage(command({ op: 'hangup', call: call.id }))).to.deep.equal({
      v: 1,
      from,
      kind: 'command',
      id: 'c0ffee-1',
      command: { op: 'hangup', call: call.id },
    });
    expect(
      parseTabMessage({
        v: 1,
        from,
        kind: 'result',
        to: from,
        id: 'x',
        ok: false,
        error: { name: 'PhoneStateError', code: 'busy', message: 'All lines are busy.' },
      }),
    ).to.deep.include({ ok: false });
  });

  const dropped: Array<[string, unknown]> = [
    ['not an object', 'hello'],
    ['null', null],
    ['an array', [1]],
    ['another version', { v: 2, from, kind: 'hello' }],
    ['no version', { from, kind: 'hello' }],
    ['no sender', { v: 1, kind: 'hello' }],
    ['a sender that is not a token', { v: 1, from: '<img src=x>', kind: 'hello' }],
    ['an unknown kind', { v: 1, from, kind: 'eval' }],
    ['an extra field', { v: 1, from, kind: 'hello', password: 'secret' }],
    [
      'a registration with an extra field',
      {
        ...state(),
        state: { registration: { state: 'registered', token: 'x' }, calls: [] },
      },
    ],
    [
      'an unknown registration state',
      {
        ...state(),
        state: { registration: { state: 'owned' }, calls: [] },
      },
    ],
    [
      'a status out of range',
      { ...state(), state: { registration: { state: 'failed', status: 999 }, calls: [] } },
    ],
    [
      'an unknown local cause',
      { ...state(), state: { registration: { state: 'failed', cause: 'toString' }, calls: [] } },
    ],
    [
      'a call with an extra field',
      {
        ...state(),
        state: { registration: { state: 'registered' }, calls: [{ ...call, html: '<b>' }] },
      },
    ],
    [
      'a call in an unknown state',
      {
        ...state(),
        state: { registration: { state: 'registered' }, calls: [{ ...call, state: 'pwned' }] },
      },
    ],
    [
      'a final call among the live ones',
      {
        ...state(),
        state: { registration: { state: 'registered' }, calls: [{ ...call, state: 'ended' }] },
      },
    ],
    ['a live call as the ended one', state({ ended: call })],
    [
      'two calls with one id',
      {
        ...state(),
        state: { registration: { state: 'registered' }, calls: [call, call] },
      },
    ],
    [
      'more calls than any phone has',
      {
        ...state(),
        state: {
          registration: { state: 'registered' },
          calls: Array.from({ length: 9 }, (_, i) => ({ ...call, id: `c${i}` })),
        },
      },
    ],
    [
      'a call id with spaces',
      {
        ...state(),
        state: { registration: { state: 'registered' }, calls: [{ ...call, id: 'a b' }] },
      },
    ],
    [
      'a display name that is not text',
      {
        ...state(),
        state: {
          registration: { state: 'registered' },
          calls: [{ ...call, remote: { ...call.remote, displayName: { toString: 1 } } }],
        },
      },
    ],
    [
      'a start time that is not a time',
      {
        ...state(),
        state: { registration: { state: 'registered' }, calls: [{ ...call, startedAt: 'now' }] },
      },
    ],
    ['a command with an extra field', command({ op: 'call', target: 'echo', headers: 'X: 1' })],
    ['a command beside an extra field', command({ op: 'call', target: 'echo' }, { password: 'x' })],
    ['an unknown command', command({ op: 'exec', target: 'rm -rf' })],
    ['a call to no one', command({ op: 'call', target: '' })],
    ['a call target that is not text', command({ op: 'call', target: ['echo'] })],
    ['a command id that is not a token', command({ op: 'retry' }, { id: '../x' })],
    ['DTMF that is not DTMF', command({ op: 'dtmf', call: call.id, digits: '1<script>' })],
    [
      'a reject status other than 486 or 603',
      command({ op: 'reject', call: call.id, status: 200 }),
    ],
    ['mute that is not a boolean', command({ op: 'mute', call: call.id, muted: 'yes' })],
    ['a result that is not a boolean', { v: 1, from, kind: 'result', to: from, id: 'x', ok: 1 }],
    [
      'a result with an unknown error class',
      {
        v: 1,
        from,
        kind: 'result',
        to: from,
        id: 'x',
        ok: false,
        error: { name: 'TypeError', code: 'x', message: 'x' },
      },
    ],
  ];
  for (const [what, message] of dropped) {
    it(`drops ${what}`, () => {
      expect(parseTabMessage(message)).to.equal(undefined);
    });
  }

  it('sanitises text and describes outcomes itself, never taking them from the message', () => {
    const hostile = {
      ...call,
      state: 'failed',
      status: 486,
      reason: 'Busy\r\nX-Injected: 1',
      remote: { displayName: '\u202eevil\u200b\u0007', user: 'ev\nil', uri: 'sip:evil@x' },
      outcome: { severity: 'success', title: 'You won a prize', explanation: 'Click here' },
    };
    const parsed = parseTabMessage(state({ ended: hostile })) as Extract<
      TabMessage,
      { kind: 'state' }
    >;
    const ended = parsed.state.ended!;
    expect(ended.remote.displayName).to.equal('evil');
    expect(ended.remote.user).to.equal('ev il');
    expect(ended.reason).to.equal('Busy X-Injected: 1');
    expect(ended.outcome?.title).to.equal('Busy');
  });

  it('takes back what the leader sends: a snapshot on the wire parses to itself', () => {
    const connected: CallSnapshot = {
      ...call,
      state: 'connected',
      previous: 'incoming',
      status: 200,
      reason: 'OK',
      answeredAt: call.startedAt + 1000,
      muted: true,
      pending: 'hold',
      transfer: { kind: 'blind', target: 'sip:bob@localhost', state: 'progress', status: 180 },
      holdError: { action: 'hold', status: 488 },
      reconnecting: true,
    };
    const registration = {
      state: 'registering' as const,
      previous: 'registered' as const,
      retryAt: 5,
    };
    const parsed = parseTabMessage({
      v: 1,
      from,
      kind: 'state',
      state: {
        registration: wireRegistration(registration),
        calls: [wireCallSnapshot(connected)],
      },
    }) as Extract<TabMessage, { kind: 'state' }>;
    const back = { ...parsed.state.calls[0]! };
    delete back.outcome;
    expect(back).to.deep.equal(connected);
    expect(parsed.state.registration).to.deep.include(registration);
  });
});

describe('tab channel: parseCommand', () => {
  const table: Array<[unknown, boolean]> = [
    [{ op: 'call', target: 'echo' }, true],
    [{ op: 'answer', call: 'a1' }, true],
    [{ op: 'hangup', call: 'a1' }, true],
    [{ op: 'reject', call: 'a1', status: 603 }, true],
    [{ op: 'dtmf', call: 'a1', digits: '12#*,A' }, true],
    [{ op: 'mute', call: 'a1', muted: false }, true],
    [{ op: 'hold', call: 'a1' }, true],
    [{ op: 'resume', call: 'a1' }, true],
    [{ op: 'retry' }, true],
    [{ op: 'retry', now: true }, false],
    [{ op: 'hangup' }, false],
    [{ op: 'call', target: 'x'.repeat(257) }, false],
    [{ op: 'dtmf', call: 'a1', digits: '1'.repeat(257) }, false],
    [{ op: '__proto__' }, false],
    ['hangup', false],
  ];
  for (const [input, ok] of table) {
    it(`${ok ? 'accepts' : 'drops'} ${JSON.stringify(input).slice(0, 60)}`, () => {
      expect(parseCommand(input) !== undefined).to.equal(ok);
    });
  }
});

describe('tab channel: the lock name', () => {
  it('is a hash of servers and URI: the same for the same account, another for another', async () => {
    const name = await tabLockName(['wss://sip.example.com/ws'], 'sip:Alice@example.com');
    expect(name).to.match(/^sip-phone:[0-9a-f]{64}$/);
    expect(name).to.not.include('alice');
    expect(name).to.not.include('example');
    expect(await tabLockName(['wss://sip.example.com/ws'], 'sip:alice@example.com')).to.equal(name);
    expect(await tabLockName(['wss://sip.example.com/ws'], 'sip:bob@example.com')).to.not.equal(
      name,
    );
    expect(await tabLockName(['wss://other.example.com/ws'], 'sip:alice@example.com')).to.not.equal(
      name,
    );
  });
});

describe('tab leader (Web Locks, in one page)', () => {
  it('grants one bid at a time, and the next one when the leader steps down', async () => {
    expect(canShareAcrossTabs()).to.equal(true);
    const name = `test-lock-${crypto.randomUUID()}`;
    const log: string[] = [];
    const bid = (who: string) =>
      new TabLeader(name, {
        lead: () => log.push(`${who} leads`),
        stepDown: async () => {
          log.push(`${who} steps down`);
        },
      });
    const [a, b, c] = [bid('a'), bid('b'), bid('c')];
    a.start();
    b.start();
    c.start();
    await until(() => log.length === 1);
    expect(log).to.deep.equal(['a leads']);
    expect([a.leading, b.leading, c.leading]).to.deep.equal([true, false, false]);
    c.stop(); // withdrawn while waiting: never leads
    a.stop();
    await until(() => log.length === 3);
    expect(log).to.deep.equal(['a leads', 'a steps down', 'b leads']);
    b.stop();
    await until(() => log.length === 4);
    expect(c.leading).to.equal(false);
  });
});

describe('tab leader: when the lock goes', () => {
  for (const now of [false, true]) {
    it(`stop(${now}): the next bid leads ${now ? 'at once' : 'once the step-down is over'}`, async () => {
      const name = `test-lock-${crypto.randomUUID()}`;
      let finish: () => void = () => undefined;
      const first = new TabLeader(name, {
        lead: () => undefined,
        stepDown: () => new Promise<void>((resolve) => (finish = resolve)),
      });
      let nextLeads = false;
      const next = new TabLeader(name, {
        lead: () => (nextLeads = true),
        stepDown: async () => undefined,
      });
      first.start();
      await until(() => first.leading);
      next.start();
      first.stop(now);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(nextLeads).to.equal(now);
      finish();
      await until(() => nextLeads);
      next.stop();
    });
  }
});

describe('RemotePhone (a real BroadcastChannel, two ends in one page)', () => {
  let leader: TabChannel;
  let followerChannel: TabChannel;
  let remote: RemotePhone;
  beforeEach(() => {
    const name = `test-channel-${crypto.randomUUID()}`;
    leader = new TabChannel(name);
    followerChannel = new TabChannel(name);
    remote = new RemotePhone(followerChannel);
  });
  afterEach(() => {
    remote.stop();
    leader.close();
    followerChannel.close();
  });

  const publish = (calls: CallSnapshot[], ended?: CallSnapshot) =>
    leader.post({
      kind: 'state',
      state: {
        registration: { state: 'registered' },
        calls,
        ...(ended ? { ended } : {}),
      },
    });

  it('asks for the state, mirrors the calls, and sends commands that the leader answers', async () => {
    const asked: TabMessage[] = [];
    leader.on((message) => {
      asked.push(message);
      if (message.kind === 'hello') publish([call]);
      if (message.kind === 'command') {
        leader.post({
          kind: 'result',
          to: message.from,
          id: message.id,
          ok: message.command.op !== 'answer',
          ...(message.command.op === 'answer'
            ? { error: { name: 'PhoneStateError', code: 'not-ringing', message: 'Too late.' } }
            : {}),
        });
      }
    });
    const seen: string[] = [];
    remote.on('registration-change', ({ state }) => seen.push(state));
    remote.on('call', (mirrored) => {
      seen.push(`call ${mirrored.id}`);
      mirrored.on('change', ({ state }) => seen.push(state));
    });
    remote.start();
    await until(() => remote.calls.length === 1);
    const [mirrored] = remote.calls;
    expect(isRemoteCall(mirrored)).to.equal(true);
    expect(mirrored!.peerConnection).to.equal(undefined);
    expect(mirrored!.remoteStream.getTracks()).to.have.length(0);
    expect(seen).to.deep.equal(['registered', `call ${call.id}`]);

    mirrored!.setMuted(true);
    await until(() => asked.some((m) => m.kind === 'command'));
    expect(asked.find((m) => m.kind === 'command')).to.deep.include({
      command: { op: 'mute', call: call.id, muted: true },
    });
    let refused: unknown;
    await remote.send({ op: 'answer', call: call.id }).catch((error: unknown) => (refused = error));
    expect((refused as Error).name).to.equal('PhoneStateError');
    expect((refused as Error).message).to.equal('Too late.');
    expect(() => mirrored!.sendDtmf('x')).to.throw(/not a DTMF digit/);

    // Connected, then over: the final snapshot ends the mirrored call.
    publish([{ ...call, state: 'connected', previous: 'incoming' }]);
    await until(() => mirrored!.state === 'connected');
    publish([], { ...call, state: 'ended', previous: 'connected', cause: 'hangup-remote' });
    await until(() => remote.calls.length === 0);
    expect(seen.slice(2)).to.deep.equal(['connected', 'ended']);
    expect(mirrored!.snapshot.outcome?.explanation).to.equal('The other side hung up.');
  });

  it('ends a mirrored call as lost when the leader leaves or no longer has it', async () => {
    remote.start();
    publish([call, { ...call, id: 'second' }]);
    await until(() => remote.calls.length === 2);
    const [first, second] = remote.calls;
    publish([{ ...call, id: 'second' }]);
    await until(() => first!.state === 'ended');
    expect(first!.snapshot.cause).to.equal('tab-closed');
    leader.post({ kind: 'leaving' });
    await until(() => second!.state === 'ended');
    expect(remote.registration.state).to.equal('unregistered');
  });

  it('a command nobody answers fails after its timeout', async function () {
    this.timeout(COMMAND_TIMEOUT_MS + 5000);
    remote.start();
    let error: unknown;
    await remote.send({ op: 'retry' }).catch((e: unknown) => (error = e));
    expect((error as { code?: string }).code).to.equal('no-leader');
  });
});

async function until(check: () => boolean, timeout = 5000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
