import { expect } from '@open-wc/testing';
import {
  banner,
  inboundPackets,
  registeredPhone,
  textOf,
  waitForCall,
} from '../helpers/phone-fixture.js';
import { sandboxCalls, sandboxCallsUser, sandboxEndsCall, waitFor } from '../helpers/sandbox.js';

describe('<sip-phone> incoming calls from the sandbox', () => {
  it('rings, answers, hears the caller, hangs up', async () => {
    const alice = await registeredPhone('alice');
    const { callId } = await sandboxCallsUser({
      to: 'alice',
      from: 'support',
      displayName: 'Support line',
    });
    const ringing = await waitForCall(alice, 'incoming');
    expect(ringing.remote).to.deep.include({ user: 'support', displayName: 'Support line' });
    expect(banner(alice.el).getAttribute('role')).to.equal('alert');
    alice.el.answer();
    await waitForCall(alice, 'connected');
    await waitFor(async () => (await inboundPackets(alice.el)) > 20, 'the caller’s tone arrives');
    alice.el.hangup();
    await waitForCall(alice, 'ended');
    const record = await waitFor(
      async () =>
        (await sandboxCalls()).find(
          (c) => c.callId === callId && c.receivedMethods.includes('BYE'),
        ),
      'the sandbox saw the BYE',
    );
    expect(record.finalStatus).to.equal(200);
  });

  it('a call the caller gives up on is a missed call', async () => {
    const alice = await registeredPhone('alice');
    const { id } = await sandboxCallsUser({ to: 'alice' });
    await waitForCall(alice, 'incoming');
    await sandboxEndsCall(id);
    const ended = await waitForCall(alice, 'ended');
    expect(ended.cause).to.equal('missed');
    expect(textOf(banner(alice.el))).to.match(/^Missed call/);
  });

  it('shows a hostile caller name as plain text, without bidi or control tricks', async () => {
    const alice = await registeredPhone('alice');
    const hostile = '\u202Egnp.exe\u202C <img src=x onerror="window.__pwned=1"> \u200BBank';
    await sandboxCallsUser({ to: 'alice', displayName: hostile });
    const ringing = await waitForCall(alice, 'incoming');
    expect(ringing.remote.displayName).to.equal(
      'gnp.exe <img src=x onerror="window.__pwned=1"> Bank',
    );
    const region = banner(alice.el);
    expect(region.querySelector('img')).to.equal(null);
    expect(textOf(region)).to.include('<img src=x');
    expect(textOf(region)).not.to.match(/[\u202a-\u202e\u200b]/);
    expect((window as unknown as { __pwned?: number }).__pwned).to.equal(undefined);
    alice.el.reject(603);
    await waitForCall(alice, 'ended');
    const record = await waitFor(
      async () => (await sandboxCalls()).findLast((c) => c.finalStatus === 603),
      'the 603 at the sandbox',
    );
    expect(record.finalStatus).to.equal(603);
  });
});
