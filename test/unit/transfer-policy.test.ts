// The transfer checks as tables: what a REFER's Refer-To may carry, what an INVITE with Replaces
// must show to take a call over unasked, remote URIs, and the embedder's allow-list.
import { expect } from '@open-wc/testing';
import {
  checkReferTo,
  parseDialString,
  parseRemoteUri,
  parseReplaces,
  replacementAuthorized,
  resolveConfig,
  sameParty,
  transferTargetAllowed,
  isConfigError,
} from '../../src/index.js';

// The Refer-To of issue 13: a Replaces that smuggles a Route and another header after decoding.
const INJECTED =
  '<sip:1000@localhost?Replaces=x%3Bto-tag%3D1%3Bfrom-tag%3D2%0D%0ARoute%3A%20%3Csip%3Aevil%40gw.example%3Blr%3E%0D%0AX-Injected%3A%20yes>';

describe('transfer policy: Refer-To', () => {
  const accepted: Array<[string, string, string | undefined]> = [
    ['<sip:1000@localhost>', 'sip:1000@localhost', undefined],
    ['"Front desk" <sips:1000@example.com>;x=1', 'sips:1000@example.com', undefined],
    ['sip:1000@localhost', 'sip:1000@localhost', undefined],
    [
      '<sip:alice@localhost?Replaces=abc123%40host%3Bto-tag%3Dt1%3Bfrom-tag%3Df2>',
      'sip:alice@localhost',
      'abc123@host;to-tag=t1;from-tag=f2',
    ],
    [
      '<sip:alice@localhost?replaces=abc%3Bfrom-tag%3Df%3Bto-tag%3Dt%3Bearly-only>',
      'sip:alice@localhost',
      'abc;to-tag=t;from-tag=f;early-only',
    ],
  ];
  for (const [value, uri, replaces] of accepted) {
    it(`follows ${value}`, () => {
      const check = checkReferTo(value);
      expect(check).to.deep.equal({ ok: true, uri, ...(replaces ? { replaces } : {}) });
    });
  }

  const refused: Array<[string, string, number]> = [
    [INJECTED, 'replaces', 400],
    ['<sip:1000@localhost?Route=%3Csip%3Aevil%40gw.example%3E>', 'uri-headers', 400],
    [
      '<sip:1000@localhost?Replaces=a%3Bto-tag%3D1%3Bfrom-tag%3D2&X-Injected=yes>',
      'uri-headers',
      400,
    ],
    [
      '<sip:1000@localhost?Replaces=a%3Bto-tag%3D1%3Bfrom-tag%3D2&Replaces=b%3Bto-tag%3D1%3Bfrom-tag%3D2>',
      'uri-headers',
      400,
    ],
    ['<sip:1000@localhost?Re%70laces=a%3Bto-tag%3D1%3Bfrom-tag%3D2>', 'uri-headers', 400],
    ['<sip:1000@localhost?Replaces=a%3Bto-tag%3D1>', 'replaces', 400],
    ['<sip:1000@localhost?Replaces=a%3Bto-tag%3D1%3Bfrom-tag%3D2%3Bfoo%3Dbar>', 'replaces', 400],
    ['<sip:1000@localhost?Replaces=a%20b%3Bto-tag%3D1%3Bfrom-tag%3D2>', 'replaces', 400],
    ['<sip:1000@localhost?Replaces=%E0%A4%A>', 'replaces', 400],
    ['<tel:+15550100>', 'scheme', 416],
    ['<http://evil.example/>', 'scheme', 416],
    ['<sip:1000@localhost', 'malformed', 400],
    ['<sip:1000@localhost>\r\nX-Injected: yes', 'malformed', 400],
    ['', 'malformed', 400],
  ];
  for (const [value, code, status] of refused) {
    it(`refuses ${JSON.stringify(value).slice(0, 70)} (${code}, ${status})`, () => {
      const check = checkReferTo(value);
      expect(check.ok).to.equal(false);
      expect(check).to.include({ code, status });
    });
  }

  it('Replaces values: the RFC 3891 shape only', () => {
    expect(parseReplaces('id@host;to-tag=1;from-tag=2')).to.equal('id@host;to-tag=1;from-tag=2');
    expect(parseReplaces('id;FROM-TAG=2;To-Tag=1')).to.equal('id;to-tag=1;from-tag=2');
    for (const bad of [
      'id;to-tag=1;from-tag=2\r\nRoute: <sip:x>',
      'id;to-tag=1;to-tag=2;from-tag=3',
      'id;to-tag=1;from-tag=2;early-only;early-only',
      'id;to-tag=;from-tag=2',
      'id;to-tag=a"b;from-tag=2',
      'i<d>;to-tag=1;from-tag=2',
      ';to-tag=1;from-tag=2',
    ]) {
      expect(parseReplaces(bad), bad).to.equal(undefined);
    }
  });
});

describe('transfer policy: remote URIs', () => {
  it('keeps descriptive parameters, refuses routing ones and headers', () => {
    expect(parseRemoteUri('sip:carol@localhost;user=phone')?.uri).to.equal(
      'sip:carol@localhost;user=phone',
    );
    expect(parseRemoteUri('SIP:+15550100@Example.COM:5061;transport=ws;ob')?.uri).to.equal(
      'sip:+15550100@example.com:5061;transport=ws;ob',
    );
    for (const bad of [
      'sip:carol@localhost;maddr=203.0.113.9',
      'sip:carol@localhost;lr',
      'sip:carol@localhost?Route=x',
      'sip:carol@localhost;user=phone\r\nX: y',
      'sip:car%0D%0Aol@localhost',
      'sip:carol@local_host',
      'tel:+15550100',
      'sip:carol@localhost:99999',
    ]) {
      expect(parseRemoteUri(bad), bad).to.equal(undefined);
    }
  });

  it('the same party: user and host, whatever the scheme, port and parameters', () => {
    expect(sameParty('sip:bob@LocalHost', 'sips:bob@localhost:5061;transport=ws')).to.equal(true);
    expect(sameParty('sip:bob@localhost', 'sip:bobby@localhost')).to.equal(false);
    expect(sameParty('sip:bob@localhost', 'sip:bob@evil.example')).to.equal(false);
  });

  it('an INVITE with Replaces takes a call over unasked only from that call’s party or on its behalf', () => {
    const bob = 'sip:bob@localhost';
    expect(replacementAuthorized(bob, { from: 'sip:bob@localhost' })).to.equal(true);
    expect(
      replacementAuthorized(bob, { from: 'sip:carol@localhost', referredBy: 'sip:bob@localhost' }),
    ).to.equal(true);
    expect(replacementAuthorized(bob, { from: 'sip:mallory@localhost' })).to.equal(false);
    expect(
      replacementAuthorized(bob, {
        from: 'sip:mallory@localhost',
        referredBy: 'sip:eve@x.example',
      }),
    ).to.equal(false);
    expect(replacementAuthorized(bob, {})).to.equal(false);
  });
});

describe('transfer policy: configuration and allow-list', () => {
  const base = { server: 'wss://sip.example.com/ws', uri: 'sip:alice@example.com' };
  const target = (dial: string) => parseDialString(dial, { domain: 'example.com' });

  it('asks by default; the old acceptTransfers maps onto the policy', () => {
    expect(resolveConfig(base).transfers).to.equal('ask');
    expect(resolveConfig({ ...base, acceptTransfers: false }).transfers).to.equal('refuse');
    expect(resolveConfig({ ...base, acceptTransfers: true }).transfers).to.equal('accept');
    expect(
      resolveConfig({ ...base, transfers: 'refuse', acceptTransfers: true }).transfers,
    ).to.equal('refuse');
    let error: unknown;
    try {
      resolveConfig({ ...base, transfers: 'sometimes' as never });
    } catch (e) {
      error = e;
    }
    expect(isConfigError(error)).to.equal(true);
  });

  it('allow-list entries: numbers in the domain, addresses, prefixes', () => {
    const list = resolveConfig({
      ...base,
      transferAllowList: ['1000', 'sip:help@example.com', '2*', 'sales@other.example'],
    }).transferAllowList;
    const allowed = (dial: string) => transferTargetAllowed(target(dial), list, 'example.com');
    expect(allowed('1000')).to.equal(true);
    expect(allowed('help')).to.equal(true);
    expect(allowed('2345')).to.equal(true);
    expect(allowed('1001')).to.equal(false);
    expect(allowed('*72')).to.equal(false);
    expect(allowed('19005550100')).to.equal(false);
    expect(transferTargetAllowed(target('1001'), [], 'example.com'), 'no list').to.equal(true);
    let error: unknown;
    try {
      resolveConfig({ ...base, transferAllowList: ['1000\r\nX: y'] });
    } catch (e) {
      error = e;
    }
    expect(isConfigError(error)).to.equal(true);
  });
});
