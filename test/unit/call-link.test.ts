import { expect } from '@open-wc/testing';
import {
  CALL_LINK_SCHEMES,
  PROTOCOL_HANDLER_SCHEMES,
  callLinkHandlerUrl,
  isPlainClick,
  parseCallLink,
} from '../../src/call-link.js';

const domain = 'example.com';

describe('parseCallLink', () => {
  // [link, what goes into the number field, the URI Call will dial]
  const accepted: Array<[string, string, string]> = [
    ['tel:+1-555-010-0000', '+1-555-010-0000', 'sip:+15550100000@example.com'],
    ['tel:+1%20555%20010%200000', '+1 555 010 0000', 'sip:+15550100000@example.com'],
    ['TEL:*97', '*97', 'sip:*97@example.com'],
    ['tel:%2331%23', '#31#', 'sip:%2331%23@example.com'],
    ['tel:*#', '*#', 'sip:*%23@example.com'],
    ['sip:bob@example.com', 'sip:bob@example.com', 'sip:bob@example.com'],
    ['sip:bob', 'sip:bob', 'sip:bob@example.com'],
    ['sips:bob@example.com:5061', 'sips:bob@example.com:5061', 'sips:bob@example.com:5061'],
    ['web+sip:bob@example.com', 'sip:bob@example.com', 'sip:bob@example.com'],
    ['web+sip:bob%40example.com', 'sip:bob@example.com', 'sip:bob@example.com'],
    ['WEB+SIP:echo', 'sip:echo', 'sip:echo@example.com'],
    ['  sip:alice@example.com  ', 'sip:alice@example.com', 'sip:alice@example.com'],
  ];
  for (const [link, number, uri] of accepted) {
    it(`reads ${JSON.stringify(link)} as ${JSON.stringify(number)} (${uri})`, () => {
      const result = parseCallLink(link, { domain });
      expect(result).to.include({ ok: true, number });
      expect(result.ok && result.target.uri).to.equal(uri);
    });
  }

  it('takes a plain number or name only when asked (`?call=`), never from a link', () => {
    expect(parseCallLink('+1 555 0100', { domain, bare: true })).to.include({
      ok: true,
      number: '+1 555 0100',
    });
    expect(parseCallLink('echo', { domain, bare: true })).to.include({ ok: true, number: 'echo' });
    expect(parseCallLink('+1 555 0100', { domain })).to.include({
      ok: false,
      code: 'not-a-call-link',
    });
  });

  // Hostile or malformed: refused with a code and a sentence, nothing passed on.
  const refused: Array<[unknown, string]> = [
    [undefined, 'empty'],
    [42, 'empty'],
    ['', 'empty'],
    ['   ', 'empty'],
    ['tel:', 'invalid-number'],
    ['javascript:alert(1)', 'unsupported-scheme'],
    ['JavaScript:alert(document.cookie)', 'unsupported-scheme'],
    ['data:text/html,<script>alert(1)</script>', 'unsupported-scheme'],
    ['https://evil.example/', 'unsupported-scheme'],
    ['mailto:bob@example.com', 'unsupported-scheme'],
    ['sms:+15550100', 'unsupported-scheme'],
    ['web+sip:<img src=x onerror=alert(1)>', 'angle-brackets'],
    ['sip:bob@example.com;transport=tcp', 'uri-parameters'],
    ['sip:bob@example.com;maddr=203.0.113.9', 'uri-parameters'],
    ['sip:bob@example.com?X-Evil=1', 'uri-headers'],
    ['sip:bob@example.com%3FSubject%3Dhi', 'uri-headers'],
    ['tel:+15550100;phone-context=example.com', 'uri-parameters'],
    ['tel:+1555%0D%0AVia: evil', 'control-characters'],
    ['sip:bob%0A@example.com', 'control-characters'],
    ['sip:bob%00@example.com', 'control-characters'],
    ['sip:bob%2540example.com', 'invalid-user'],
    ['sip:bob%', 'malformed'],
    ['tel:%E0%A4%A', 'malformed'],
    ['tel:call-me', 'invalid-number'],
    ['sip:bob smith@example.com', 'whitespace'],
    ['sip:bob@exa_mple.com', 'invalid-host'],
    [`tel:${'1'.repeat(300)}`, 'too-long'],
    [`sip:${'a'.repeat(2000)}@example.com`, 'too-long'],
  ];
  for (const [link, code] of refused) {
    it(`refuses ${JSON.stringify(link)?.slice(0, 60)} (${code})`, () => {
      const result = parseCallLink(link, { domain, bare: true });
      expect(result).to.include({ ok: false, code });
      expect(!result.ok && result.message)
        .to.be.a('string')
        .and.not.equal('');
    });
  }

  it("checks the account's domain when it knows it, and only the form when it does not", () => {
    expect(parseCallLink('sip:bob@other.example', { domain })).to.include({
      ok: false,
      code: 'foreign-domain',
    });
    expect(parseCallLink('sip:bob@other.example', { domain, allowOtherDomains: true })).to.include({
      ok: true,
    });
    const formOnly = parseCallLink('sip:bob@other.example');
    expect(formOnly).to.include({ ok: true, number: 'sip:bob@other.example' });
    expect(formOnly.ok && formOnly.target.host).to.equal('other.example');
  });

  it('says what is wrong in words, never with the raw markup of a hostile link', () => {
    const result = parseCallLink('web+sip:<script>x</script>', { domain });
    expect(result.ok).to.equal(false);
    expect(!result.ok && result.message).not.to.include('<script>');
  });
});

describe('call-link helpers', () => {
  it('lists the schemes: links take tel, sip, sips, web+sip; the dialer handles web+sip, sip, tel', () => {
    expect([...CALL_LINK_SCHEMES]).to.deep.equal(['tel', 'sip', 'sips', 'web+sip']);
    expect([...PROTOCOL_HANDLER_SCHEMES]).to.deep.equal(['web+sip', 'sip', 'tel']);
  });

  it("builds the protocol handler's address from the dialer's page", () => {
    expect(callLinkHandlerUrl('https://phone.example/app/?call=x#top')).to.equal(
      'https://phone.example/app/?call=%s',
    );
    expect(callLinkHandlerUrl('https://phone.example/app/index.html')).to.equal(
      'https://phone.example/app/index.html?call=%s',
    );
  });

  it('takes only a primary-button click without modifier keys that nobody took yet', () => {
    const plain = {
      button: 0,
      defaultPrevented: false,
      ctrlKey: false,
      metaKey: false,
      shiftKey: false,
      altKey: false,
    };
    expect(isPlainClick(plain)).to.equal(true);
    for (const change of [
      { button: 1 },
      { button: 2 },
      { defaultPrevented: true },
      { ctrlKey: true },
      { metaKey: true },
      { shiftKey: true },
      { altKey: true },
    ]) {
      expect(isPlainClick({ ...plain, ...change }), JSON.stringify(change)).to.equal(false);
    }
  });
});
