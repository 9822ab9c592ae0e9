import { expect } from '@open-wc/testing';
import { parseDialString, isDialStringError } from '../../src/index.js';

const domain = 'example.com';
const dial = (input: string, allowOtherDomains = false) =>
  parseDialString(input, { domain, allowOtherDomains });
const errorCode = (input: string, allowOtherDomains = false): string => {
  try {
    dial(input, allowOtherDomains);
  } catch (error) {
    expect(isDialStringError(error), `${input} throws a DialStringError`).to.equal(true);
    return (error as { code: string }).code;
  }
  throw new Error(`"${input}" was accepted`);
};

describe('parseDialString', () => {
  const accepted: Array<[string, string]> = [
    ['+1 (555) 010-0000', 'sip:+15550100000@example.com'],
    ['555.010.0000', 'sip:5550100000@example.com'],
    ['tel:+1-555-010-0000', 'sip:+15550100000@example.com'],
    ['*97', 'sip:*97@example.com'],
    ['#31#', 'sip:%2331%23@example.com'],
    ['alice', 'sip:alice@example.com'],
    ['echo', 'sip:echo@example.com'],
    ['  bob  ', 'sip:bob@example.com'],
    ['alice@example.com', 'sip:alice@example.com'],
    ['sip:alice@EXAMPLE.com', 'sip:alice@example.com'],
    ['sips:bob@example.com:5061', 'sips:bob@example.com:5061'],
    ['sip:1000', 'sip:1000@example.com'],
  ];
  for (const [input, uri] of accepted) {
    it(`accepts ${JSON.stringify(input)} → ${uri}`, () => {
      expect(dial(input).uri).to.equal(uri);
    });
  }

  it('keeps the unescaped user and marks numbers', () => {
    const target = dial('#31#');
    expect(target.user).to.equal('#31#');
    expect(target.isNumber).to.equal(true);
    expect(dial('alice').isNumber).to.equal(false);
  });

  const rejected: Array<[string, string]> = [
    ['', 'empty'],
    ['   ', 'empty'],
    ['100\r\nX-Injected: 1', 'control-characters'],
    ['100\n', 'control-characters'],
    ['alice\u0000', 'control-characters'],
    ['sip:alice@example.com;maddr=203.0.113.9', 'uri-parameters'],
    ['sip:alice@example.com;transport=udp', 'uri-parameters'],
    ['sip:alice@example.com?Route=%3Csip:evil%3E', 'uri-headers'],
    ['100?Route=x', 'uri-headers'],
    ['500&SIP/itsp/15550100', 'uri-parameters'],
    ['<sip:alice@example.com>', 'angle-brackets'],
    ['sip:al ice@example.com', 'whitespace'],
    ['al ice', 'whitespace'],
    ['100@evil.example.net', 'foreign-domain'],
    ['sip:100@evil.example.net', 'foreign-domain'],
    ['http://example.com/', 'unsupported-scheme'],
    ['javascript:alert(1)', 'unsupported-scheme'],
    ['1+2', 'invalid-number'],
    ['alice%40evil', 'invalid-user'],
    ['alice@', 'invalid-host'],
    ['alice@exa_mple.com', 'invalid-host'],
    ['alice@example.com:70000', 'invalid-host'],
    ['tel:+1555;phone-context=x', 'uri-parameters'],
    ['x'.repeat(300), 'too-long'],
  ];
  for (const [input, code] of rejected) {
    it(`rejects ${JSON.stringify(input.slice(0, 40))} (${code})`, () => {
      expect(errorCode(input)).to.equal(code);
    });
  }

  it('allows other domains only when the embedder opts in', () => {
    expect(dial('100@other.example.org', true).uri).to.equal('sip:100@other.example.org');
    expect(errorCode('sip:[2001:db8::1]', true)).to.equal('invalid-user');
    expect(dial('sip:bob@[2001:db8::1]', true).uri).to.equal('sip:bob@[2001:db8::1]');
  });

  it('gives a readable message', () => {
    try {
      dial('100@evil.example.net');
      throw new Error('accepted');
    } catch (error) {
      expect((error as Error).message).to.match(/other domains/);
    }
  });
});
