import { expect } from '@open-wc/testing';
import { banner, registeredPhone, textOf, waitForCall } from '../helpers/phone-fixture.js';
import { sandboxCalls } from '../helpers/sandbox.js';

// This group runs in a Chromium that denies every permission prompt: the user said no to the
// microphone.
describe('<sip-phone> with the microphone denied', () => {
  it('fails the call with an actionable message and sends no INVITE', async () => {
    const alice = await registeredPhone('alice');
    const before = (await sandboxCalls('echo')).length;
    alice.el.call('echo');
    const failed = await waitForCall(alice, 'failed');
    expect(failed.cause).to.equal('microphone-denied');
    const region = banner(alice.el);
    expect(region.getAttribute('role')).to.equal('alert');
    expect(textOf(region)).to.equal(
      'Microphone blocked The browser is not allowed to use the microphone. ' +
        'Allow microphone access for this site (the icon in the address bar), then call again.',
    );
    expect((await sandboxCalls('echo')).length, 'no INVITE reached the sandbox').to.equal(before);
    expect(alice.el.registrationState).to.equal('registered');
  });
});
