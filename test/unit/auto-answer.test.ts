// Auto-answer as tables: what an INVITE's Call-Info / Alert-Info asks for (the forms PBXs and desk
// phones send, and hostile or broken ones, which ask for nothing), the embedder's settings, the
// allow-list of callers and the decision.
import { expect } from '@open-wc/testing';
import {
  AUTO_ANSWER_OFF,
  AUTO_ANSWER_WARNING_MS,
  MAX_ANSWER_AFTER_SECONDS,
  autoAnswerDecision,
  callerAllowed,
  isConfigError,
  parseAnswerRequest,
  resolveAutoAnswer,
  type AnswerRequest,
  type AutoAnswerInput,
} from '../../src/index.js';

describe('auto-answer: what a call asks for', () => {
  // [Call-Info lines, Alert-Info lines, seconds asked (undefined: nothing), header]
  const cases: Array<[string[], string[], number | undefined, string?]> = [
    // What Asterisk, FreeSWITCH, Polycom, Yealink, Snom and Gigaset send.
    [['<sip:127.0.0.1>;answer-after=0'], [], 0, 'Call-Info'],
    [['<sip:pbx.example.com>;answer-after=5'], [], 5, 'Call-Info'],
    [['answer-after=0'], [], 0, 'Call-Info'],
    [[';answer-after=3'], [], 3, 'Call-Info'],
    [['<sip:x>;purpose=info;Answer-After=2'], [], 2, 'Call-Info'],
    [['<sip:x> ; answer-after = 1'], [], 1, 'Call-Info'],
    [['<sip:x>;info=alert-autoanswer;delay=0'], [], 0, 'Call-Info'],
    [[], ['<http://127.0.0.1>;info=alert-autoanswer'], 0, 'Alert-Info'],
    [[], [';info=alert-autoanswer'], 0, 'Alert-Info'],
    [[], ['info=alert-autoanswer'], 0, 'Alert-Info'],
    [[], ['<http://www.notused.com>;info=alert-autoanswer;delay=4'], 4, 'Alert-Info'],
    [[], ['<>;info=alert-autoanswer;delay=0'], 0, 'Alert-Info'],
    [[], ['<http://x>;info=ALERT-AUTOANSWER'], 0, 'Alert-Info'],
    [[], ['<http://x>;info="alert-autoanswer"'], 0, 'Alert-Info'],
    [[], ['answer-after=0'], 0, 'Alert-Info'],
    // Several elements or headers: the longest delay (the most time to refuse).
    [['<http://x/icon.png>;purpose=icon, <sip:x>;answer-after=2'], [], 2, 'Call-Info'],
    [['<sip:x>;answer-after=1'], ['<http://x>;info=alert-autoanswer;delay=3'], 3, 'Alert-Info'],
    [['<sip:x>;answer-after=3'], [';info=alert-autoanswer'], 3, 'Call-Info'],
    // Clamped: more than 60 s counts as 60.
    [['<sip:x>;answer-after=61'], [], MAX_ANSWER_AFTER_SECONDS, 'Call-Info'],
    [['<sip:x>;answer-after=9999'], [], MAX_ANSWER_AFTER_SECONDS, 'Call-Info'],
    [['<sip:x>;answer-after=0007'], [], 7, 'Call-Info'],
    // A garbage element is ignored; a good one beside it still counts.
    [['<sip:x>;answer-after=abc, <sip:y>;answer-after=1'], [], 1, 'Call-Info'],
    // Nothing asked.
    [[], [], undefined],
    [['<http://x/card>;purpose=card'], [], undefined],
    [[], ['<http://127.0.0.1/Ringer3>'], undefined],
    [[], ['<http://x>;info=alert-external'], undefined],
    [[], ['<http://x>;info=alert-intercom'], undefined],
    [[], ['Auto Answer'], undefined],
    [[], ['Intercom'], undefined],
    // Hostile or broken values: never a number out of them.
    [['<sip:x>;answer-after='], [], undefined],
    [['<sip:x>;answer-after'], [], undefined],
    [['<sip:x>;answer-after=-1'], [], undefined],
    [['<sip:x>;answer-after=+1'], [], undefined],
    [['<sip:x>;answer-after=1.5'], [], undefined],
    [['<sip:x>;answer-after=1e1'], [], undefined],
    [['<sip:x>;answer-after=0x10'], [], undefined],
    [['<sip:x>;answer-after=12345'], [], undefined],
    [['<sip:x>;answer-after=99999999999999999999'], [], undefined],
    [['<sip:x>;answer-after=Infinity'], [], undefined],
    [['<sip:x>;answer-after=NaN'], [], undefined],
    [['<sip:x>;answer-after="0"'], [], undefined],
    [['<sip:x>;answer-after=٣'], [], undefined],
    [['<sip:x>;answer-after=１'], [], undefined],
    [['<sip:x>;answer-after=0;answer-after=30'], [], undefined],
    [['<sip:x>;answer-after=0 junk'], [], undefined],
    [['<sip:x>;answer-after=<img src=x onerror=alert(1)>'], [], undefined],
    [['<javascript:alert(1)>;answer-after=<script>'], [], undefined],
    [['<sip:x;answer-after=0'], [], undefined],
    [['<sip:<x>>;answer-after=0'], [], undefined],
    [['"unterminated;answer-after=0'], [], undefined],
    [['<sip:a b>;answer-after=0'], [], undefined],
    [['<sip:x>answer-after=0'], [], undefined],
    [[`<sip:${'x'.repeat(300)}>;answer-after=0`], [], undefined],
    [[`<sip:x>;answer-after=0;p=${'y'.repeat(1100)}`], [], undefined],
    [[Array.from({ length: 17 }, () => '<sip:x>;answer-after=0').join(',')], [], undefined],
    [[], ['<http://x>;info=alert-autoanswer;delay=-5'], undefined],
    [[], ['<http://x>;info=alert-autoanswer;delay=soon'], undefined],
    [[], ['<http://x>;info=alert-autoanswer-not'], undefined],
    [[], ['<http://x>;info=alert-autoanswer\u202E'], undefined],
  ];
  for (const [callInfo, alertInfo, after, header] of cases) {
    it(`${JSON.stringify({ callInfo, alertInfo }).slice(0, 120)} → ${after ?? 'nothing'}`, () => {
      const request = parseAnswerRequest({ callInfo, alertInfo });
      if (after === undefined) expect(request).to.equal(undefined);
      else expect(request).to.deep.equal({ afterSeconds: after, header });
    });
  }

  it('reads at most 8 lines of each header', () => {
    const noise = Array.from({ length: 8 }, () => '<http://x>;purpose=icon');
    expect(parseAnswerRequest({ callInfo: [...noise, '<sip:x>;answer-after=0'] })).to.equal(
      undefined,
    );
    expect(
      parseAnswerRequest({ callInfo: [...noise.slice(1), '<sip:x>;answer-after=0'] }),
    ).to.deep.equal({ afterSeconds: 0, header: 'Call-Info' });
  });

  it('ignores what is not text', () => {
    const junk = [42, null, { toString: () => 'answer-after=0' }] as unknown as string[];
    expect(parseAnswerRequest({ callInfo: junk, alertInfo: junk })).to.equal(undefined);
  });
});

describe('auto-answer: settings', () => {
  const accepted: Array<[unknown, unknown, unknown, string, number, unknown[], boolean]> = [
    [undefined, undefined, undefined, 'off', 0, [], false],
    ['', '', false, 'off', 0, [], false],
    ['off', '', false, 'off', 0, [], false],
    [' OFF ', '', false, 'off', 0, [], false],
    ['0', '', false, 'always', 0, [], false],
    ['5', '', true, 'always', 5, [], true],
    [60, '', false, 'always', 60, [], false],
    ['intercom', '', false, 'intercom', 0, [], false],
    ['Intercom', 'boss', false, 'intercom', 0, [{ user: 'boss' }], false],
    [
      'intercom',
      ' boss  sip:pager@PBX.example.com 1000@example.com sips:+4930123@[::1] ',
      false,
      'intercom',
      0,
      [
        { user: 'boss' },
        { user: 'pager', host: 'pbx.example.com' },
        { user: '1000', host: 'example.com' },
        { user: '+4930123', host: '[::1]' },
      ],
      false,
    ],
    [
      '2',
      ['boss', 'sip:pager@example.com'],
      'yes',
      'always',
      2,
      [{ user: 'boss' }, { user: 'pager', host: 'example.com' }],
      false,
    ],
  ];
  for (const [autoAnswer, from, busy, mode, afterSeconds, list, isBusy] of accepted) {
    it(`takes ${JSON.stringify({ autoAnswer, from, busy })}`, () => {
      expect(resolveAutoAnswer({ autoAnswer, from, busy })).to.deep.equal({
        mode,
        afterSeconds,
        from: list,
        busy: isBusy,
      });
    });
  }

  const refused: Array<[unknown, unknown, string]> = [
    ['61', '', 'autoAnswer'],
    ['-1', '', 'autoAnswer'],
    ['1.5', '', 'autoAnswer'],
    ['5s', '', 'autoAnswer'],
    ['on', '', 'autoAnswer'],
    ['true', '', 'autoAnswer'],
    ['always', '', 'autoAnswer'],
    ['100', '', 'autoAnswer'],
    [{}, '', 'autoAnswer'],
    ['intercom', 'boss;lr', 'autoAnswerFrom'],
    ['intercom', 'sip:boss@example.com?Route=evil', 'autoAnswerFrom'],
    ['intercom', 'boss@', 'autoAnswerFrom'],
    ['intercom', '<sip:boss@example.com>', 'autoAnswerFrom'],
    ['intercom', 'tel:+1234', 'autoAnswerFrom'],
    ['intercom', 'boss,pager', 'autoAnswerFrom'],
    ['intercom', [42], 'autoAnswerFrom'],
    ['intercom', 42, 'autoAnswerFrom'],
    ['intercom', Array.from({ length: 101 }, (_, i) => `u${i}`), 'autoAnswerFrom'],
  ];
  for (const [autoAnswer, from, field] of refused) {
    it(`refuses ${JSON.stringify({ autoAnswer, from }).slice(0, 80)}`, () => {
      let error: unknown;
      try {
        resolveAutoAnswer({ autoAnswer, from });
      } catch (e) {
        error = e;
      }
      expect(isConfigError(error), String(error)).to.equal(true);
      expect((error as { field: string }).field).to.equal(field);
    });
  }
});

describe('auto-answer: allowed callers', () => {
  const list = resolveAutoAnswer({
    autoAnswer: 'intercom',
    from: 'boss sip:pager@pbx.example.com +4930123',
  }).from;
  const cases: Array<[string, boolean]> = [
    ['sip:boss@example.com', true],
    ['sip:boss@EXAMPLE.com', true],
    ['sips:boss@example.com:5061;transport=tls', true],
    ['sip:boss@other.example.com', false],
    ['sip:Boss@example.com', false],
    ['sip:bossy@example.com', false],
    ['sip:pager@pbx.example.com', true],
    ['sip:pager@example.com', false],
    ['sip:%2B4930123@example.com;user=phone', true],
    ['sip:+4930123@example.com', true],
    ['sip:example.com', false],
    ['sip:boss@example.com?Route=x', false],
    ['sip:boss@example.com;maddr=evil', false],
    ['tel:+4930123', false],
    ['', false],
    ['sip:%ZZ@example.com', false],
  ];
  for (const [caller, allowed] of cases) {
    it(`${caller || '(empty)'} → ${allowed ? 'allowed' : 'not allowed'}`, () => {
      expect(callerAllowed(caller, list, 'Example.com')).to.equal(allowed);
    });
  }
  it('an empty list allows anyone', () => {
    expect(callerAllowed('sip:anyone@anywhere.example', [], 'example.com')).to.equal(true);
  });
});

describe('auto-answer: the decision', () => {
  const intercom = resolveAutoAnswer({ autoAnswer: 'intercom' });
  const always3 = resolveAutoAnswer({ autoAnswer: '3' });
  const always0 = resolveAutoAnswer({ autoAnswer: '0' });
  const fromBoss = resolveAutoAnswer({ autoAnswer: 'intercom', from: 'boss' });
  const busyToo = resolveAutoAnswer({ autoAnswer: 'intercom', busy: true });
  const asks = (afterSeconds: number): AnswerRequest => ({ afterSeconds, header: 'Call-Info' });
  const input = (over: Partial<AutoAnswerInput>): AutoAnswerInput => ({
    settings: intercom,
    request: undefined,
    caller: 'sip:support@example.com',
    domain: 'example.com',
    otherCalls: 0,
    ...over,
  });
  const W = AUTO_ANSWER_WARNING_MS;
  const cases: Array<[string, Partial<AutoAnswerInput>, unknown]> = [
    [
      'off by default',
      { settings: AUTO_ANSWER_OFF, request: asks(0) },
      { answer: false, reason: 'off' },
    ],
    ['intercom, nothing asked', {}, { answer: false, reason: 'not-requested' }],
    [
      'intercom, answer-after=0: after the warning',
      { request: asks(0) },
      { answer: true, afterSeconds: 0, afterMs: W, requested: true },
    ],
    [
      'intercom, answer-after=5',
      { request: asks(5) },
      { answer: true, afterSeconds: 5, afterMs: 5000, requested: true },
    ],
    [
      'every call after 3 s, asked or not',
      { settings: always3 },
      { answer: true, afterSeconds: 3, afterMs: 3000, requested: false },
    ],
    [
      'every call: the setting, not the call, sets the delay',
      { settings: always3, request: asks(0) },
      { answer: true, afterSeconds: 3, afterMs: 3000, requested: false },
    ],
    [
      'every call after 0 s: after the warning',
      { settings: always0 },
      { answer: true, afterSeconds: 0, afterMs: W, requested: false },
    ],
    [
      'allow-list: the boss',
      { settings: fromBoss, request: asks(1), caller: 'sip:boss@example.com' },
      { answer: true, afterSeconds: 1, afterMs: 1000, requested: true },
    ],
    [
      'allow-list: anyone else',
      { settings: fromBoss, request: asks(1) },
      { answer: false, reason: 'not-allowed' },
    ],
    [
      'allow-list, nothing asked: not asked comes first',
      { settings: fromBoss, caller: 'sip:boss@example.com' },
      { answer: false, reason: 'not-requested' },
    ],
    ['another call live', { request: asks(0), otherCalls: 1 }, { answer: false, reason: 'busy' }],
    [
      'another call live, every-call mode',
      { settings: always0, otherCalls: 2 },
      { answer: false, reason: 'busy' },
    ],
    [
      'another call live, busy allowed',
      { settings: busyToo, request: asks(2), otherCalls: 1 },
      { answer: true, afterSeconds: 2, afterMs: 2000, requested: true },
    ],
    [
      'not allowed comes before busy',
      { settings: fromBoss, request: asks(0), otherCalls: 1 },
      { answer: false, reason: 'not-allowed' },
    ],
  ];
  for (const [name, over, expected] of cases) {
    it(name, () => {
      expect(autoAnswerDecision(input(over))).to.deep.equal(expected);
    });
  }
});
