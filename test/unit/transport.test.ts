// The transport's message helpers: reason phrases JsSIP would choke on, and the wire log's summaries.
import { expect } from '@open-wc/testing';
import { normalizeReasonPhrase, summarizeSipMessage } from '../../src/index.js';

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
