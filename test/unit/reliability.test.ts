import { expect } from '@open-wc/testing';
import {
  KeepAlive,
  RELIABILITY_DEFAULTS,
  flowTimerSeconds,
  isConfigError,
  normalizeReasonPhrase,
  redactSecrets,
  resolveConfig,
  summarizeSipMessage,
} from '../../src/index.js';
import { sleep } from '../helpers/sandbox.js';

const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSIsImlhdCI6MTUxNjIzOTAyMn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';

describe('log redaction', () => {
  const rows: Array<[string, string, string]> = [
    [
      'a digest Authorization header',
      'Authorization: Digest algorithm=MD5, username="alice", realm="localhost", nonce="abc", uri="sip:localhost", response="0123456789abcdef0123456789abcdef", qop=auth, cnonce="x", nc=00000001',
      'Authorization: Digest [redacted]',
    ],
    [
      'a Proxy-Authorization header, any case',
      'proxy-authorization:Digest username="bob", response="ffff"',
      'proxy-authorization:Digest [redacted]',
    ],
    ['a bearer token', `Authorization: Bearer ${JWT}`, 'Authorization: Bearer [redacted]'],
    ['a JWT anywhere', `X-Api-Token: ${JWT}`, 'X-Api-Token: [redacted]'],
    [
      'a token in a URL',
      'new() [url:"wss://pbx.example.com/ws?access_token=s3cr3t&x=1"]',
      'new() [url:"wss://pbx.example.com/ws?[redacted]"]',
    ],
    ['a password parameter', 'password: hunter2', 'password: [redacted]'],
  ];
  for (const [name, input, output] of rows) {
    it(`redacts ${name}`, () => expect(redactSecrets(input)).to.equal(output));
  }

  it('keeps the rest of a SIP message intact, line by line', () => {
    const message = [
      'REGISTER sip:localhost SIP/2.0',
      'Via: SIP/2.0/WSS x.invalid;branch=z9hG4bK1',
      'Authorization: Digest username="alice", response="d41d8cd98f00b204e9800998ecf8427e"',
      'WWW-Authenticate: Digest realm="localhost", nonce="n1"',
      'CSeq: 2 REGISTER',
      '',
      '',
    ].join('\r\n');
    const redacted = redactSecrets(message);
    expect(redacted).not.to.contain('d41d8cd98f00b204e9800998ecf8427e');
    expect(redacted).to.contain('Authorization: Digest [redacted]\r\n');
    expect(redacted).to.contain('WWW-Authenticate: Digest realm="localhost", nonce="n1"');
    expect(redacted).to.contain('CSeq: 2 REGISTER');
  });
});

describe('reason phrases JsSIP cannot parse', () => {
  const response = (reason: string) =>
    `SIP/2.0 480 ${reason}\r\nVia: SIP/2.0/WSS x.invalid;branch=z9hG4bK1\r\nContent-Length: 0\r\n\r\n`;

  it('turns brackets into parentheses (the meaning stays)', () => {
    expect(
      normalizeReasonPhrase(response('Temporarily Unavailable [call Processing Released]')),
    ).to.equal(response('Temporarily Unavailable (call Processing Released)'));
  });

  it('replaces other characters outside the grammar with spaces', () => {
    expect(normalizeReasonPhrase(response('Busy "now" | later^'))).to.equal(
      response('Busy  now    later '),
    );
    expect(normalizeReasonPhrase(response('<img src=x onerror=alert(1)>'))).to.equal(
      response('(img src=x onerror=alert(1))'),
    );
  });

  it('leaves valid phrases, escapes, UTF-8, requests and non-SIP text alone (same string)', () => {
    for (const text of [
      response('Temporarily Unavailable'),
      response('Nicht verfügbar; später %41'),
      'INVITE sip:a@b SIP/2.0\r\nSubject: [x]\r\n\r\n',
      '\r\n',
    ]) {
      expect(normalizeReasonPhrase(text)).to.equal(text);
    }
  });
});

describe('wire summaries', () => {
  it('read the Via branch and whether a request is within a dialog', () => {
    const bye = summarizeSipMessage(
      'BYE sip:a@x.invalid;transport=ws SIP/2.0\r\nVia: SIP/2.0/WSS y.invalid;branch=z9hG4bKabc;rport\r\nFrom: <sip:b@h>;tag=1\r\nTo: <sip:a@h>;tag=2\r\nCall-ID: c1\r\nCSeq: 3 BYE\r\n\r\n',
      'out',
    )!;
    expect(bye).to.include({ method: 'BYE', branch: 'z9hG4bKabc', inDialog: true, cseq: 3 });
    const invite = summarizeSipMessage(
      'INVITE sip:a@h SIP/2.0\r\nv: SIP/2.0/WSS y.invalid;branch=z9hG4bKdef\r\nf: <sip:b@h>;tag=1\r\nt: <sip:a@h>\r\ni: c2\r\nCSeq: 1 INVITE\r\n\r\n',
      'out',
    )!;
    expect(invite).to.include({ method: 'INVITE', branch: 'z9hG4bKdef', inDialog: false });
  });
});

describe('keep-alive', () => {
  it('probes after silence, and declares the connection dead when nothing answers', async () => {
    let last = Date.now();
    let probes = 0;
    let dead = 0;
    const keepAlive = new KeepAlive({
      interval: 200,
      timeout: 150,
      lastInbound: () => last,
      probe: () => probes++,
      onDead: () => dead++,
    });
    keepAlive.start();
    try {
      await sleep(260);
      expect(probes, 'a probe after 160–200 ms of silence').to.equal(1);
      expect(keepAlive.probing).to.equal(true);
      last = Date.now(); // the answer
      await sleep(120);
      expect(keepAlive.probing).to.equal(false);
      expect(dead).to.equal(0);
      await sleep(450);
      expect(dead, 'the second probe went unanswered').to.equal(1);
      expect(probes).to.equal(2);
    } finally {
      keepAlive.stop();
    }
  });

  it('never probes a busy connection; check() probes a silent one at once', async () => {
    let last = Date.now();
    let probes = 0;
    const keepAlive = new KeepAlive({
      interval: 150,
      timeout: 1000,
      lastInbound: () => last,
      probe: () => probes++,
      onDead: () => undefined,
    });
    const busy = setInterval(() => (last = Date.now()), 40);
    keepAlive.start();
    try {
      await sleep(500);
      expect(probes).to.equal(0);
      keepAlive.check(1000);
      expect(probes, 'fresh traffic: no probe').to.equal(0);
      clearInterval(busy);
      await sleep(60);
      keepAlive.check(10);
      expect(probes, 'silent for 60 ms, freshness 10 ms').to.equal(1);
    } finally {
      clearInterval(busy);
      keepAlive.stop();
    }
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

  it('a new interval takes effect at once on a running keep-alive', async () => {
    let probes = 0;
    const keepAlive = new KeepAlive({
      interval: 60_000,
      timeout: 1000,
      lastInbound: () => Date.now() - 500,
      probe: () => probes++,
      onDead: () => undefined,
    });
    keepAlive.start();
    try {
      await sleep(50);
      expect(probes).to.equal(0);
      keepAlive.setInterval(200);
      expect(keepAlive.interval).to.equal(200);
      await sleep(50);
      expect(probes, 'silent for 500 ms, budget 160–200 ms').to.equal(1);
    } finally {
      keepAlive.stop();
    }
  });
});

describe('reliability configuration', () => {
  const base = { server: 'wss://pbx.example.com/ws', uri: 'sip:alice@example.com' };

  it('has RFC 5626 defaults', () => {
    const config = resolveConfig(base);
    expect(config).to.include(RELIABILITY_DEFAULTS);
    expect(config.retryBaseDelay).to.equal(30_000);
    expect(config.retryMaxDelay).to.equal(1_800_000);
  });

  const bad: Array<[string, object]> = [
    ['keepAlive', { keepAlive: 'ping' }],
    ['keepAliveInterval', { keepAliveInterval: 10 }],
    ['keepAliveTimeout', { keepAliveTimeout: Number.NaN }],
    ['retryBaseDelay', { retryBaseDelay: -1 }],
    ['retryMaxDelay', { retryBaseDelay: 5000, retryMaxDelay: 1000 }],
    ['mediaTimeout', { mediaTimeout: 500 }],
    ['debug', { debug: 'JsSIP:*\r\nX: 1' }],
  ];
  for (const [field, patch] of bad) {
    it(`refuses a bad ${field}`, () => {
      let error: unknown;
      try {
        resolveConfig({ ...base, ...patch });
      } catch (e) {
        error = e;
      }
      expect(isConfigError(error), String(error)).to.equal(true);
      expect((error as { field: string }).field).to.equal(field);
    });
  }
});
