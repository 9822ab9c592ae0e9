import { expect } from '@open-wc/testing';
import { parseDialString, resolveConfig, type PhoneConfig } from '../../src/index.js';
import type { Call } from '../../src/call.js';
import { IncomingTransfers } from '../../src/incoming-transfers.js';

/** The phone's side as the tests set it: policy, lines, stopped. */
function desk(config: Partial<PhoneConfig> = {}, phone = { stopped: false, lineFree: true }) {
  const resolved = resolveConfig({
    server: 'wss://sip.example.com/ws',
    uri: 'sip:alice@example.com',
    password: 'pw',
    ...config,
  });
  return new IncomingTransfers({
    config: resolved,
    parseTarget: (target) => parseDialString(target, { domain: 'example.com' }),
    stopped: () => phone.stopped,
    lineFree: () => phone.lineFree,
    microphoneId: () => '',
    place: () => {},
    ask: () => {},
  });
}

const target = (uri: string) => ({ ok: true as const, uri });

describe('screening a REFER from the far end', () => {
  it('lets a target within the dial rules through (it is answered 202)', () => {
    expect(desk().screen(target('sip:carol@example.com'))).to.equal(undefined);
  });

  it('refuses every transfer under the refuse policy, or once the phone is stopped: 603', () => {
    const refused = { code: 'refused', status: 603, reason: 'Decline' };
    expect(desk({ transfers: 'refuse' }).screen(target('sip:carol@example.com'))).to.deep.equal(
      refused,
    );
    expect(
      desk({}, { stopped: true, lineFree: true }).screen(target('sip:carol@example.com')),
    ).to.deep.equal(refused);
  });

  it('refuses a target the dial rules or the allow-list forbid: 403', () => {
    const forbidden = { code: 'target', status: 403, reason: 'Transfer Target Not Allowed' };
    expect(desk().screen(target('sip:mallory@evil.example'))).to.deep.equal(forbidden);
    expect(desk().screen(target('sip:example.com'))).to.deep.equal(forbidden);
    const allowList = desk({ transferAllowList: ['2*'] });
    expect(allowList.screen(target('sip:2001@example.com'))).to.equal(undefined);
    expect(allowList.screen(target('sip:3001@example.com'))).to.deep.equal(forbidden);
  });

  it('refuses when no line is free: 486', () => {
    expect(
      desk({}, { stopped: false, lineFree: false }).screen(target('sip:carol@example.com')),
    ).to.deep.equal({ code: 'busy', status: 486, reason: 'Busy Here' });
  });
});

describe('an INVITE with Replaces for one of our calls', () => {
  const call = { remote: { displayName: '', user: 'bob', uri: 'sip:bob@example.com' } } as Call;
  const replace = (transfers: IncomingTransfers, from: string) => {
    const seen: string[] = [];
    transfers.replace(call, {
      callId: 'new-call',
      from,
      accept: () => seen.push('accept'),
      reject: () => seen.push('reject'),
    });
    return seen;
  };

  it('from the party of that call: accepted, and answered without ringing (once)', () => {
    const transfers = desk();
    expect(replace(transfers, 'sip:bob@example.com')).to.deep.equal(['accept']);
    expect(transfers.takeReplacement('new-call')).to.equal(true);
    expect(transfers.takeReplacement('new-call')).to.equal(false);
  });

  it('from anyone else: accepted, but it rings like a new call', () => {
    const transfers = desk();
    expect(replace(transfers, 'sip:mallory@example.com')).to.deep.equal(['accept']);
    expect(transfers.takeReplacement('new-call')).to.equal(false);
  });

  it('under the refuse policy: rejected', () => {
    const transfers = desk({ transfers: 'refuse' });
    expect(replace(transfers, 'sip:bob@example.com')).to.deep.equal(['reject']);
    expect(transfers.takeReplacement('new-call')).to.equal(false);
  });
});
