import { expect } from '@open-wc/testing';
import {
  resolveConfig,
  isConfigError,
  parseIceServers,
  type PhoneConfig,
} from '../../src/index.js';

const base: PhoneConfig = {
  server: 'wss://sip.example.com/ws',
  uri: 'sip:alice@example.com',
  password: 'pw',
};
const configError = (
  patch: Partial<PhoneConfig> | Record<string, unknown>,
): { field: string; code: string; message: string } => {
  try {
    resolveConfig({ ...base, ...patch } as PhoneConfig);
  } catch (error) {
    expect(isConfigError(error)).to.equal(true);
    return error as { field: string; code: string; message: string };
  }
  throw new Error('accepted');
};

describe('resolveConfig', () => {
  it('fills in sensible defaults', () => {
    const config = resolveConfig(base);
    expect(config.authUser).to.equal('alice');
    expect(config.codecs).to.deep.equal(['PCMU', 'PCMA']);
    expect(config.dtmfDuration).to.equal(80);
    expect(config.dtmfGap).to.equal(40);
    expect(config.iceGatheringTimeout).to.be.at.most(1000);
    expect(config.allowOtherDomains).to.equal(false);
    expect(config.account.host).to.equal('example.com');
    expect(config.iceServers).to.deep.equal([]);
  });

  it('accepts ws:// for the local machine only', () => {
    for (const server of ['ws://localhost:5066', 'ws://127.0.0.1:8080/ws', 'ws://[::1]:8080']) {
      expect(resolveConfig({ ...base, server }).server).to.equal(server);
    }
    const error = configError({ server: 'ws://pbx.example.com' });
    expect(error.field).to.equal('server');
    expect(error.code).to.equal('insecure');
    expect(error.message).to.match(/wss:\/\//);
  });

  const bad: Array<[string, Record<string, unknown>, string, string]> = [
    ['missing server', { server: '' }, 'server', 'missing'],
    ['http server', { server: 'https://example.com' }, 'server', 'scheme'],
    ['garbage server', { server: 'not a url' }, 'server', 'invalid'],
    [
      'credentials in the server URL',
      { server: 'wss://u:p@example.com' },
      'server',
      'credentials-in-url',
    ],
    ['missing uri', { uri: '' }, 'uri', 'missing'],
    ['uri without scheme', { uri: 'alice@example.com' }, 'uri', 'invalid'],
    ['uri with parameters', { uri: 'sip:alice@example.com;maddr=1.2.3.4' }, 'uri', 'invalid'],
    [
      'CRLF in the display name',
      { displayName: 'Eve\r\nX-Injected: 1' },
      'displayName',
      'control-characters',
    ],
    ['LF in the auth user', { authUser: 'eve\nx' }, 'authUser', 'control-characters'],
    ['quote in the auth user', { authUser: 'eve"' }, 'authUser', 'invalid'],
    [
      'CRLF in an extra header',
      { extraHeaders: ['X-Note: a\r\nX-Smuggled: 1'] },
      'extraHeaders',
      'control-characters',
    ],
    [
      'a reserved extra header',
      { extraHeaders: ['Via: SIP/2.0/WSS evil'] },
      'extraHeaders',
      'reserved',
    ],
    ['a malformed extra header', { extraHeaders: ['no colon here'] }, 'extraHeaders', 'invalid'],
    ['DTMF too short', { dtmfDuration: 20 }, 'dtmfDuration', 'range'],
    ['DTMF gap too short', { dtmfGap: 10 }, 'dtmfGap', 'range'],
    ['unknown codec', { codecs: ['OPUS'] }, 'codecs', 'invalid'],
    ['password of the wrong type', { password: 42 }, 'password', 'type'],
  ];
  for (const [name, patch, field, code] of bad) {
    it(`rejects ${name}`, () => {
      const error = configError(patch);
      expect([error.field, error.code]).to.deep.equal([field, code]);
      expect(error.message)
        .to.be.a('string')
        .and.not.match(/undefined|\[object/);
    });
  }

  it('normalises extra headers and keeps a display name with quotes', () => {
    const config = resolveConfig({
      ...base,
      extraHeaders: ['X-Tenant:  42'],
      displayName: 'Front "Desk"',
    });
    expect(config.extraHeaders).to.deep.equal(['X-Tenant: 42']);
    expect(config.displayName).to.equal('Front "Desk"');
  });
});

describe('server lists and the instance id (RFC 5626)', () => {
  const a = 'wss://a.example.com/ws';
  const b = 'wss://b.example.com/ws';
  const c = 'wss://c.example.com/ws';

  it('takes one server, several space-separated, or a list; tried in order', () => {
    expect(resolveConfig(base).servers).to.deep.equal([base.server]);
    expect(resolveConfig({ ...base, server: ` ${a}  ${b}\n` }).servers).to.deep.equal([a, b]);
    const listed = resolveConfig({ ...base, server: [a, b, c] });
    expect(listed.servers).to.deep.equal([a, b, c]);
    expect(listed.server, 'the first one tried').to.equal(a);
  });

  it('orders weighted entries by weight, highest first (JsSIP sockets), else as listed', () => {
    const config = resolveConfig({
      ...base,
      server: [{ url: a, weight: 1 }, b, { url: c, weight: 5 }],
    });
    expect(config.servers).to.deep.equal([c, a, b]);
  });

  const bad: Array<[string, PhoneConfig['server'], string, RegExp]> = [
    ['an empty list', [], 'missing', /Set the server address/],
    ['an insecure second server', [a, 'ws://pbx.example.com'], 'insecure', /^Server 2: /],
    [
      'a password in a listed URL',
      `${a} wss://u:p@b.example.com`,
      'credentials-in-url',
      /^Server 2:/,
    ],
    ['a server listed twice', [a, { url: a, weight: 2 }], 'duplicate', /listed twice/],
    ['a weight that is not a number', [{ url: a, weight: 'high' as never }], 'invalid', /weight/],
    [
      'nine servers',
      Array.from({ length: 9 }, (_, i) => `wss://s${i}.example.com`),
      'too-many',
      /at most 8/,
    ],
  ];
  for (const [name, server, code, message] of bad) {
    it(`rejects ${name}`, () => {
      const error = configError({ server });
      expect(error.field).to.equal('server');
      expect(error.code).to.equal(code);
      expect(error.message).to.match(message);
    });
  }

  it('keeps one instance id per browser profile, and accepts a configured UUID', () => {
    const first = resolveConfig(base).instanceId;
    expect(first).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(resolveConfig(base).instanceId, 'the same after a "reload"').to.equal(first);
    expect(localStorage.getItem('sip-phone.instance-id')).to.equal(first);
    const own = 'urn:uuid:0F8FAD5B-D9CB-469F-A165-70867728950E';
    expect(resolveConfig({ ...base, instanceId: own }).instanceId).to.equal(
      '0f8fad5b-d9cb-469f-a165-70867728950e',
    );
    expect(configError({ instanceId: 'not-a-uuid' }).field).to.equal('instanceId');
  });
});

describe('ICE servers and DTMF mode', () => {
  it('reads ICE servers one per line', () => {
    expect(
      parseIceServers(
        'stun:stun.example.com:3478\n\n  turn:turn.example.com:3478?transport=tcp alice s3cret  ',
      ),
    ).to.deep.equal([
      { urls: 'stun:stun.example.com:3478' },
      { urls: 'turn:turn.example.com:3478?transport=tcp', username: 'alice', credential: 's3cret' },
    ]);
    expect(parseIceServers('')).to.deep.equal([]);
  });

  for (const [text, message] of [
    ['http://stun.example.com', /not a stun:, turn: or turns: URL/],
    ['turn:turn.example.com', /needs a username and a password/],
    ['stun:a b c d', /expected "URL \[username password\]"/],
  ] as const) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      try {
        parseIceServers(text);
        throw new Error('accepted');
      } catch (error) {
        expect(isConfigError(error)).to.equal(true);
        expect((error as { field: string }).field).to.equal('iceServers');
        expect((error as Error).message).to.match(message);
      }
    });
  }

  it('validates the DTMF mode', () => {
    expect(resolveConfig(base).dtmfMode).to.equal('auto');
    expect(resolveConfig({ ...base, dtmfMode: 'info' }).dtmfMode).to.equal('info');
    expect(configError({ dtmfMode: 'smoke-signals' }).field).to.equal('dtmfMode');
  });
});
