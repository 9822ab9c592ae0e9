import { expect } from '@open-wc/testing';
import {
  addSecretHeaders,
  installLogRedaction,
  isSecretHeader,
  redactSecrets,
  redactUrls,
  unfoldHeaders,
} from '../../src/log-redaction.js';
import { DiagnosticsRecorder, formatDiagnosticsText } from '../../src/diagnostics.js';
import { showControlCharacters } from '../../src/text.js';
import { EMPTY_SETTINGS, loadSettings, saveSettings } from '../../app/settings.js';
import type { WireMessage } from '../../src/transport.js';

const CRLF = '\r\n';

// [what, input, what must go, what must stay]
const CASES: Array<[string, string, string[], string[]]> = [
  [
    'digest Authorization keeps its scheme',
    'Authorization: Digest username="alice", response="0123456789abcdef0123456789abcdef"',
    ['alice', '0123456789abcdef'],
    ['Authorization: Digest [redacted]'],
  ],
  [
    'a folded Authorization: the continuation line too',
    `Authorization: Bearer${CRLF} FoldedSecret1${CRLF}CSeq: 1 OPTIONS`,
    ['FoldedSecret1'],
    ['Authorization: Bearer [redacted]', 'CSeq: 1 OPTIONS'],
  ],
  [
    'a folded Proxy-Authorization with a tab',
    `Proxy-Authorization: Digest username="bob",${CRLF}\tresponse="feedfacefeedfacefeedfacefeedface"`,
    ['feedface', 'bob'],
    ['Proxy-Authorization: Digest [redacted]'],
  ],
  ['X-Api-Key by name', 'X-Api-Key: ak_1', ['ak_1'], ['X-Api-Key: [redacted]']],
  [
    'X-Authorization keeps the scheme',
    'X-Authorization: Bearer abc.def',
    ['abc.def'],
    ['X-Authorization: Bearer [redacted]'],
  ],
  [
    'Cookie, whatever its parameters',
    'Cookie: session_token=s3ss; client_secret=cl1ent; theme=dark',
    ['s3ss', 'cl1ent', 'dark'],
    ['Cookie: [redacted]'],
  ],
  ['Set-Cookie', 'Set-Cookie: id=a3fWa; Secure', ['a3fWa'], ['Set-Cookie: [redacted]']],
  [
    'sig=, key=, auth= parameters in any header',
    'X-Request: sig=S1g&key=K3y&auth=Au7h&page=2',
    ['S1g', 'K3y', 'Au7h'],
    ['sig=[redacted]', 'key=[redacted]', 'auth=[redacted]', 'page=2'],
  ],
  [
    'session_token= and client_secret= in prose',
    'got session_token=abc123 and client_secret=def456',
    ['abc123', 'def456'],
    ['session_token=[redacted]', 'client_secret=[redacted]'],
  ],
  [
    'access_token=, password=, secret= in a query',
    '/cb?access_token=AT1&password=PW1&secret=SE1',
    ['AT1', 'PW1', 'SE1'],
    [],
  ],
  [
    'a Bearer token anywhere',
    'X-Upstream: Bearer OtherB3arer and then bearer lower-case.t0ken',
    ['OtherB3arer', 'lower-case.t0ken'],
    ['Bearer [redacted]'],
  ],
  [
    'a token-looking value of an X- header',
    'X-Tenant-Ref: 9f8e7d6c5b4a39281706f5e4d3c2b1a0',
    ['9f8e7d6c5b4a39281706f5e4d3c2b1a0'],
    ['X-Tenant-Ref: [redacted]'],
  ],
  [
    'a JWT anywhere',
    'note eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln here',
    ['eyJzdWIiOiJhIn0'],
    ['note [redacted] here'],
  ],
  [
    'a WebSocket URL: query and user-info',
    'connecting to WebSocket wss://user:pa55@sip.example.com/ws?token=T0k&x=1 now',
    ['pa55', 'user:', 'T0k', 'x=1'],
    ['wss://sip.example.com/ws?[redacted] now'],
  ],
  [
    'an https URL in a header, with a fragment',
    'Call-Info: <https://u:P4ss@help.example.com/t?ref=Q1#frag=F1>;purpose=info',
    ['P4ss', 'Q1', 'F1'],
    ['<https://help.example.com/t?[redacted]#[redacted]>;purpose=info'],
  ],
  [
    'a SIP URI with a password',
    'From: <sip:alice:S1pPass@example.com>;tag=1',
    ['S1pPass'],
    ['sip:alice:[redacted]@example.com'],
  ],
];

// What redaction must leave alone: support needs it.
const KEPT = [
  'Via: SIP/2.0/WSS abc.invalid;branch=z9hG4bK776asdhds;rport',
  'Call-ID: a84b4c76e66710a84b4c76e66710',
  'From: "Alice" <sip:alice@example.com>;tag=1928301774',
  'Contact: <sip:alice@abc.invalid;transport=ws>;expires=600',
  'WWW-Authenticate: Digest realm="example.com", nonce="abc", algorithm=MD5',
  'Session-Expires: 90;refresher=uac',
  'Record-Route: <sip:127.0.0.1:5060;transport=ws;lr>',
  'a=fingerprint:sha-256 AA:BB:CC',
  'X-Note: a plain note',
  'ws://127.0.0.1:8080/ws',
  'turn:turn.example.com:3478?transport=udp',
];

describe('log redaction', () => {
  for (const [what, input, gone, kept] of CASES) {
    it(what, () => {
      const out = redactSecrets(input);
      for (const secret of gone) expect(out, `${secret} left in ${out}`).not.to.contain(secret);
      for (const part of kept) expect(out).to.contain(part);
    });
  }

  it('leaves what support needs as it was', () => {
    for (const line of KEPT) expect(redactSecrets(line)).to.equal(line);
  });

  it('takes linear time on hostile 64 KiB messages (remote text reaches every pattern)', () => {
    const size = 64 * 1024;
    const hostile = {
      'an X- header of letters': `X-Long: ${'a'.repeat(size)}`,
      'dotted words': 'a.'.repeat(size / 2),
      'scheme-like words': 'a+'.repeat(size / 2),
      'SIP URIs with colons': 'sip:a:'.repeat(size / 6),
      'JWT-like runs': 'eyJ-'.repeat(size / 4),
      'quoted headers': '"a: '.repeat(size / 4),
      'folded lines': 'A: b\n '.repeat(size / 6),
    };
    for (const [what, text] of Object.entries(hostile)) {
      const started = performance.now();
      redactSecrets(text);
      // Linear: a few ms. The quadratic patterns this guards against took seconds.
      expect(performance.now() - started, what).to.be.below(400);
    }
  });

  it('is idempotent', () => {
    for (const [, input] of CASES) {
      const once = redactSecrets(input);
      expect(redactSecrets(once)).to.equal(once);
    }
  });
});

describe('log redaction helpers', () => {
  it('unfolds continuation lines of headers, and only of headers', () => {
    const rows: Array<[string, string]> = [
      [`A: 1${CRLF} 2${CRLF}B: 3`, `A: 1 2${CRLF}B: 3`],
      [`A: 1\n\t2\n  3\nB: 4`, 'A: 1 2 3\nB: 4'],
      [`Authorization:${CRLF} Bearer x`, 'Authorization: Bearer x'],
      // An indented body line after a line that is no header stays (XML, SDP).
      [`<a>${CRLF}  <b/>`, `<a>${CRLF}  <b/>`],
      [`v=0${CRLF} x`, `v=0${CRLF} x`],
    ];
    for (const [input, output] of rows) expect(unfoldHeaders(input)).to.equal(output);
  });

  it('knows credential headers by name, and an X- header by a value that looks like a key', () => {
    const rows: Array<[string, string, boolean]> = [
      ['Authorization', 'Digest x', true],
      ['proxy-authorization', 'Digest x', true],
      ['Authentication-Info', 'rspauth="ab"', true],
      ['Cookie', 'a=b', true],
      ['X-Api-Key', 'k', true],
      ['X-Auth-Token', 't', true],
      ['X-Session', 's', true],
      ['X-Trace', 'a1b2c3d4e5f6a7b8c9d0e1', true],
      ['X-Trace', 'short1', false],
      ['X-Note', 'a plain note that is long enough', false],
      ['WWW-Authenticate', 'Digest realm="r"', false],
      ['Proxy-Authenticate', 'Digest realm="r"', false],
      ['Session-Expires', '90', false],
      ['Call-ID', 'a84b4c76e66710a84b4c76e66710', false],
      ['User-Agent', 'sip-phone 0.1.0', false],
    ];
    for (const [name, value, secret] of rows)
      expect(isSecretHeader(name, value, new Set()), `${name}: ${value}`).to.equal(secret);
    expect(isSecretHeader('X-Tenant', 'acme', new Set(['x-tenant']))).to.equal(true);
  });

  it('drops user-info and masks query and fragment of URLs with an authority', () => {
    const rows: Array<[string, string]> = [
      ['wss://sip.example.com/ws', 'wss://sip.example.com/ws'],
      ['wss://sip.example.com/ws?token=a', 'wss://sip.example.com/ws?[redacted]'],
      ['ws://127.0.0.1:5060?token=a&b=c', 'ws://127.0.0.1:5060?[redacted]'],
      ['wss://u:p@h.example/ws', 'wss://h.example/ws'],
      ['wss://u:p@ss@h.example/ws', 'wss://h.example/ws'],
      ['https://h.example/#access_token=a', 'https://h.example/#[redacted]'],
      ['url:"wss://h.example/?t=1"]', 'url:"wss://h.example/?[redacted]"]'],
      ['<https://h.example/x?y=1>;purpose=icon', '<https://h.example/x?[redacted]>;purpose=icon'],
      ['wss://h.example/ws?', 'wss://h.example/ws?'],
      ['turn:t.example.com?transport=udp', 'turn:t.example.com?transport=udp'],
    ];
    for (const [input, output] of rows) expect(redactUrls(input)).to.equal(output);
  });

  it('the dialer keeps a server address without its query, fragment or user-info', () => {
    const data = new Map<string, string>();
    const storage = {
      getItem: (key: string) => data.get(key) ?? null,
      setItem: (key: string, value: string) => void data.set(key, value),
    } as Storage;
    const server = 'wss://sip.example.com/ws?token=St0red#x';
    saveSettings({ ...EMPTY_SETTINGS, server, uri: 'sip:a@example.com' }, storage);
    expect([...data.values()].join()).not.to.contain('St0red');
    expect(loadSettings(storage)).to.include({
      server: 'wss://sip.example.com/ws',
      uri: 'sip:a@example.com',
    });
  });

  it('redacts the headers it is told are secret, on their line or quoted in a list', () => {
    const names = new Set(['x-tenant']);
    expect(redactSecrets('X-Tenant: acme1', names)).to.equal('X-Tenant: [redacted]');
    expect(redactSecrets('- extra_headers: ["X-Tenant: acme1","X-Note: hi"]', names)).to.equal(
      '- extra_headers: ["X-Tenant: [redacted]","X-Note: hi"]',
    );
    expect(redactSecrets('X-Tenant: acme1', new Set())).to.equal('X-Tenant: acme1');
    // Told once (as the phone does with its extra headers): every later line.
    expect(redactSecrets('X-Unit-Configured: plain')).to.equal('X-Unit-Configured: plain');
    addSecretHeaders(['X-Unit-Configured: plain']);
    expect(redactSecrets('X-Unit-Configured: plain')).to.equal('X-Unit-Configured: [redacted]');
  });

  it('shows control characters instead of passing them on', () => {
    const rows: Array<[string, string]> = [
      ['a\r\nb', 'a\nb'],
      ['tab\tand\nline', 'tab\tand\nline'],
      ['\x1b[31mred\x1b[0m', '␛[31mred␛[0m'],
      ['bell\x07 nul\x00 bs\x08 cr\r', 'bell␇ nul␀ bs␈ cr␍'],
      ['del\x7f csi\u009b', 'del␡ csi\ufffd'],
      ['Grüße ☎', 'Grüße ☎'],
    ];
    for (const [input, output] of rows) expect(showControlCharacters(input)).to.equal(output);
  });

  it('the debug log: strings, errors and objects all come out redacted', () => {
    let printed: unknown[] = [];
    const module = Object.assign(() => undefined, {
      formatArgs(args: unknown[]) {
        args[0] = `ns ${String(args[0])}`;
      },
      enable: () => undefined,
      disable: () => '',
      enabled: () => true,
    });
    installLogRedaction(module);
    installLogRedaction(module);
    const cyclic: Record<string, unknown> = { password: 'Cyc1ic' };
    cyclic.self = cyclic;
    class Request {
      toString() {
        return 'OPTIONS sip:x SIP/2.0\r\nX-Api-Key: ReqK3y\r\n';
      }
    }
    class Opaque {
      secret = 'Inst4nce';
    }
    const args: unknown[] = [
      'sending:\nAuthorization: Bearer Str1ng',
      new Error('failed at wss://h.example/ws?token=Err0r'),
      [
        ['extra_headers', ['X-Api-Key: Arr4y']],
        ['sockets', [new Opaque()]],
      ],
      new Request(),
      cyclic,
      42,
    ];
    module.formatArgs(args);
    printed = args;
    const text = printed.map(String).join('\n');
    for (const secret of ['Str1ng', 'Err0r', 'Arr4y', 'ReqK3y', 'Cyc1ic', 'Inst4nce'])
      expect(text, secret).not.to.contain(secret);
    expect(text).to.contain('ns sending:');
    expect(text).to.contain('[Opaque]');
    expect(printed.at(-1)).to.equal(42);
  });
});

const wire = (over: Partial<WireMessage>): WireMessage => ({
  direction: 'in',
  method: 'OPTIONS',
  callId: 'o-1',
  cseq: 1,
  hasBody: false,
  size: 100,
  at: Date.parse('2026-01-01T00:00:00Z'),
  ...over,
});

describe('diagnostics redaction', () => {
  it('the report hides the server address’s query and the text export shows escapes as symbols', async () => {
    const recorder = new DiagnosticsRecorder();
    recorder.recordWire(
      wire({ status: 486, reason: 'Busy \x1b[31mHere\x07', method: 'INVITE' }),
      `SIP/2.0 486 Busy \x1b[31mHere\x07${CRLF}From: "\x1b]0;t\x07Eve\u009b" <sip:eve@x>${CRLF}CSeq: 1 INVITE${CRLF}${CRLF}`,
    );
    const report = await recorder.report({
      config: { server: 'wss://sip.example.com/ws?token=T0k', iceServers: ['turn:t.example.com'] },
      connection: 'open',
      registration: { state: 'failed', status: 403, reason: 'Forbidden \x1b[1m' },
    });
    expect(report.config.server).to.equal('wss://sip.example.com/ws?[redacted]');
    expect(JSON.stringify(report)).not.to.contain('T0k');
    const text = formatDiagnosticsText(report);
    // eslint-disable-next-line no-control-regex
    expect(text).not.to.match(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(text).to.contain('486 Busy ␛[31mHere␇');
    expect(text).to.contain('Forbidden ␛[1m');
    expect(text).not.to.contain('T0k');
  });

  it('the report redacts every configured extra header by name, whatever it is called', async () => {
    const recorder = new DiagnosticsRecorder();
    recorder.recordWire(
      wire({ direction: 'out', method: 'REGISTER', callId: 'r-1' }),
      `REGISTER sip:x SIP/2.0${CRLF}X-Tenant: acme-T3nant${CRLF}X-Other: shown${CRLF}${CRLF}`,
    );
    const report = await recorder.report({
      config: { server: 'wss://x', extraHeaders: ['X-Tenant'] },
      connection: 'open',
      registration: { state: 'registered' },
    });
    const json = JSON.stringify(report);
    expect(json).not.to.contain('acme-T3nant');
    expect(json).to.contain('X-Tenant: [redacted]');
    expect(json).to.contain('X-Other: shown');
  });
});

const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSIsImlhdCI6MTUxNjIzOTAyMn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';

describe('log redaction: each kind of secret', () => {
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
