// The hand-written SIP parser / serializer, digest helpers, G.711 and DTMF body parsing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DigestAuthenticator, digestResponse, md5, parseDigest } from '../../sandbox/digest.js';
import {
  ToneGenerator,
  alawToLinear,
  linearToAlaw,
  linearToUlaw,
  ulawToLinear,
} from '../../sandbox/g711.js';
import { offerCodecs } from '../../sandbox/media.js';
import { parseInfoDtmf } from '../../sandbox/records.js';
import { buildResponse, parseMessage, redactCredentials } from '../../sandbox/sip-message.js';
import { parseNameAddr, parseUri, parseVia } from '../../sandbox/sip-grammar.js';
import { webrtcOffer } from './helpers/sip-client.js';

const CRLF = '\r\n';

describe('sip-message', () => {
  it('parses a request with compact forms, folding, case-insensitive names and multi-value Via', () => {
    const raw = [
      'INVITE sip:echo@localhost SIP/2.0',
      'v: SIP/2.0/WSS a.invalid;branch=z9hG4bK1, SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK2',
      'VIA: SIP/2.0/TCP [2001:db8::1]:5061;branch=z9hG4bK3',
      'f: "Alice" <sip:alice@localhost>',
      '  ;tag=abc',
      't: <sip:echo@localhost>',
      'i: call-1',
      'cSeQ: 2 INVITE',
      'm: <sip:x@y.invalid;transport=ws>;+sip.instance="<urn:uuid:1>"',
      'c: application/sdp',
      'l: 4',
      '',
      'v=0\r\nEXTRA',
    ].join(CRLF);
    const { message: m, error } = parseMessage(raw);
    assert.equal(error, undefined);
    assert.ok(m, 'parsed');
    assert.equal(m.method, 'INVITE');
    assert.equal(m.uri, 'sip:echo@localhost');
    assert.equal(m.get('call-id'), 'call-1');
    assert.equal(m.get('CSeq'), '2 INVITE');
    assert.equal(m.get('Content-Type'), 'application/sdp');
    assert.equal(m.get('From'), '"Alice" <sip:alice@localhost> ;tag=abc');
    assert.equal(parseNameAddr(m.get('From')!).params.get('tag'), 'abc');
    assert.deepEqual(
      m.values('Via').map((v) => parseVia(v).branch),
      ['z9hG4bK1', 'z9hG4bK2', 'z9hG4bK3'],
    );
    assert.equal(m.body, 'v=0\r', 'body cut at Content-Length');
    assert.equal(
      parseNameAddr(m.values('Contact')[0]!).params.get('+sip.instance'),
      '<urn:uuid:1>',
    );
  });

  it('parses responses and rejects bad status codes', () => {
    const ok = parseMessage(`SIP/2.0 183 Session Progress${CRLF}Call-ID: x${CRLF}${CRLF}`);
    assert.equal(ok.message?.status, 183);
    assert.equal(ok.message?.reason, 'Session Progress');
    assert.ok(parseMessage(`SIP/2.0 99 Low${CRLF}${CRLF}`).error, 'status below 100');
    assert.ok(parseMessage(`SIP/2.0 4294967301 Big${CRLF}${CRLF}`).error, 'huge status');
  });

  it('reports Content-Length problems', () => {
    const head = `OPTIONS sip:a@b SIP/2.0${CRLF}Call-ID: 1${CRLF}`;
    assert.match(parseMessage(`${head}l: 10${CRLF}${CRLF}abc`).error ?? '', /larger/);
    assert.match(parseMessage(`${head}l: -1${CRLF}${CRLF}`).error ?? '', /invalid/);
    assert.match(
      parseMessage(`${head}l: 1${CRLF}Content-Length: 2${CRLF}${CRLF}ab`).error ?? '',
      /conflicting/,
    );
    assert.equal(
      parseMessage(`${head}${CRLF}no length is fine`).message?.body,
      'no length is fine',
    );
  });

  it('serializes with a recomputed Content-Length and round-trips', () => {
    const { message: m } = parseMessage(
      `MESSAGE sip:bob@localhost SIP/2.0${CRLF}Call-ID: 9${CRLF}Content-Length: 0${CRLF}${CRLF}`,
    );
    assert.ok(m, 'parsed');
    m.body = 'héllo';
    const text = m.toString();
    assert.match(text, /Content-Length: 5\r\n\r\nhéllo$/);
    assert.equal(parseMessage(text).message?.body, 'héllo');
  });

  it('shifts the top Via value off a combined header line', () => {
    const { message: m } = parseMessage(
      `SIP/2.0 200 OK${CRLF}Via: SIP/2.0/WS a;branch=z9hG4bK1, SIP/2.0/WSS b;branch=z9hG4bK2${CRLF}${CRLF}`,
    );
    assert.ok(m, 'parsed');
    assert.equal(m.shiftValue('Via'), 'SIP/2.0/WS a;branch=z9hG4bK1');
    assert.deepEqual(m.values('Via'), ['SIP/2.0/WSS b;branch=z9hG4bK2']);
  });

  it('parses URIs: users with odd characters, IPv6, ports, params, other schemes', () => {
    const u = parseUri('sip:user;par=u%40example.net@example.com:5070;transport=ws?X=1');
    assert.equal(u.user, 'user;par=u@example.net');
    assert.equal(u.host, 'example.com');
    assert.equal(u.port, 5070);
    assert.equal(u.params.get('transport'), 'ws');
    assert.equal(u.headers, 'X=1');
    assert.equal(parseUri('sip:[2001:db8::10]:5060').host, '[2001:db8::10]');
    assert.equal(parseUri('tel:+15551234').user, '+15551234');
    assert.equal(parseUri('soap.beep://192.0.2.103:3002').scheme, 'soap.beep');
    assert.throws(() => parseUri('sip:2001:db8::10'));
    assert.throws(() => parseUri('<sip:a@b>'));
  });

  it('rejects malformed name-addr values', () => {
    assert.throws(() => parseNameAddr('"unbalanced <sip:a@b>'));
    assert.throws(() => parseNameAddr('< sip:a@b >'));
    assert.throws(() => parseNameAddr('Bell, Alexander <sip:a@b>'));
    assert.throws(() => parseNameAddr('"Joe" <sip:joe@example.org>;;;;'));
    assert.equal(parseNameAddr('sip:a@b;tag=1').params.get('tag'), '1');
    assert.equal(parseNameAddr('caller<sip:caller@example.com>;tag=323').displayName, 'caller');
  });

  it('builds responses copying Via, From, To (+tag), Call-ID, CSeq', () => {
    const { message: req } = parseMessage(
      [
        'BYE sip:x@y SIP/2.0',
        'Via: SIP/2.0/WS a;branch=z9hG4bK1',
        'Via: SIP/2.0/WS b;branch=z9hG4bK2',
        'From: <sip:a@b>;tag=1',
        'To: <sip:c@d>',
        'Call-ID: 7',
        'CSeq: 3 BYE',
        '',
        '',
      ].join(CRLF),
    );
    assert.ok(req, 'parsed');
    const res = buildResponse(req, 200, 'OK', { toTag: 'xyz', headers: [['Allow', 'BYE']] });
    assert.equal(res.getAll('Via').length, 2);
    assert.equal(res.get('To'), '<sip:c@d>;tag=xyz');
    assert.equal(res.get('CSeq'), '3 BYE');
    assert.equal(res.get('Allow'), 'BYE');
  });

  it('redacts credentials in raw dumps', () => {
    const text = `REGISTER sip:a SIP/2.0${CRLF}Authorization: Digest username="alice", response="abc"${CRLF}Proxy-Authorization: Digest x${CRLF}${CRLF}`;
    const out = redactCredentials(text);
    assert.doesNotMatch(out, /response=|Digest/);
    assert.match(out, /Authorization: <redacted>/);
    assert.match(out, /Proxy-Authorization: <redacted>/);
  });
});

describe('digest', () => {
  it('computes RFC 2617 responses with and without qop', () => {
    // RFC 2617 §3.5 example (HTTP), same arithmetic.
    const creds = {
      username: 'Mufasa',
      realm: 'testrealm@host.com',
      nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
      uri: '/dir/index.html',
      qop: 'auth',
      nc: '00000001',
      cnonce: '0a4f113b',
    };
    assert.equal(
      digestResponse(creds, 'Circle Of Life', 'GET'),
      '6629fae49393a05397450978507c4ef1',
    );
    const ha1 = md5('Mufasa:testrealm@host.com:Circle Of Life');
    const ha2 = md5('GET:/dir/index.html');
    assert.equal(
      digestResponse({ ...creds, qop: undefined }, 'Circle Of Life', 'GET'),
      md5(`${ha1}:${creds.nonce}:${ha2}`),
    );
  });

  it('parses JsSIP-style Authorization headers', () => {
    const c = parseDigest(
      'Digest algorithm=MD5, username="alice", realm="localhost", nonce="n1", uri="sip:localhost", response="r", qop=auth, cnonce="c", nc=00000001',
    );
    assert.deepEqual(c, {
      username: 'alice',
      realm: 'localhost',
      nonce: 'n1',
      uri: 'sip:localhost',
      response: 'r',
      algorithm: 'MD5',
      qop: 'auth',
      nc: '00000001',
      cnonce: 'c',
    });
    assert.equal(parseDigest('NoOneKnowsThisScheme opaque-data=here'), undefined);
  });

  it('accepts its own fresh nonces, marks old ones stale, refuses forged ones', () => {
    let now = 1_000_000;
    const auth = new DigestAuthenticator('localhost', () => now);
    const nonce = /nonce="([^"]+)"/.exec(auth.challenge())![1]!;
    const creds = { username: 'alice', realm: 'localhost', nonce, uri: 'sip:localhost' };
    const response = digestResponse(creds, 'pw', 'REGISTER');
    assert.equal(auth.verify({ ...creds, response }, 'pw', 'REGISTER'), 'ok');
    assert.equal(auth.verify({ ...creds, response }, 'other', 'REGISTER'), 'bad');
    now += 10 * 60 * 1000;
    assert.equal(auth.verify({ ...creds, response }, 'pw', 'REGISTER'), 'stale');
    const forged = { ...creds, nonce: `${nonce.slice(0, -2)}xx` };
    const r2 = digestResponse(forged, 'pw', 'REGISTER');
    assert.equal(auth.verify({ ...forged, response: r2 }, 'pw', 'REGISTER'), 'bad');
  });
});

describe('media helpers', () => {
  it('G.711 round-trips within quantisation error', () => {
    for (const x of [-30000, -1000, -10, 0, 10, 1000, 30000]) {
      assert.ok(Math.abs(ulawToLinear(linearToUlaw(x)) - x) <= Math.abs(x) * 0.07 + 8, `μ ${x}`);
      assert.ok(Math.abs(alawToLinear(linearToAlaw(x)) - x) <= Math.abs(x) * 0.07 + 16, `A ${x}`);
    }
  });

  it('generates phase-continuous 20 ms frames', () => {
    const gen = new ToneGenerator(440);
    const a = gen.nextFrame('PCMU');
    const b = gen.nextFrame('PCMA');
    assert.equal(a.length, 160);
    assert.equal(b.length, 160);
  });

  it('lists offered codecs', () => {
    assert.deepEqual(offerCodecs(webrtcOffer()), [
      'PCMU/8000',
      'PCMA/8000',
      'telephone-event/8000',
    ]);
    assert.deepEqual(offerCodecs('not sdp'), []);
  });

  it('parses SIP INFO DTMF bodies', () => {
    assert.deepEqual(parseInfoDtmf('application/dtmf-relay', 'Signal=5\r\nDuration=100\r\n'), {
      digit: '5',
      durationMs: 100,
    });
    assert.deepEqual(parseInfoDtmf('application/dtmf-relay', 'Signal=#'), {
      digit: '#',
      durationMs: null,
    });
    assert.deepEqual(parseInfoDtmf('application/dtmf', '*'), { digit: '*', durationMs: null });
    assert.equal(parseInfoDtmf('application/dtmf-relay', 'Signal=X'), undefined);
    assert.equal(parseInfoDtmf('text/plain', '5'), undefined);
  });
});
