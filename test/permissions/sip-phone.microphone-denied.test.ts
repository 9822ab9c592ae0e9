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

  it('the self-test says the microphone is blocked, how to allow it, and skips the echo call', async () => {
    const alice = await registeredPhone('alice');
    alice.el.echoTarget = 'echo';
    const before = (await sandboxCalls('echo')).length;
    const report = await alice.el.selfTest();
    const microphone = report.checks.find((c) => c.id === 'microphone')!;
    expect(microphone).to.include({
      status: 'fail',
      detail: 'Microphone blocked. The browser is not allowed to use the microphone.',
    });
    expect(microphone.fix).to.match(/^Allow microphone access for this site/);
    expect(report.checks.find((c) => c.id === 'echo')).to.include({
      status: 'skip',
      detail: 'Not tried: a call needs the microphone.',
    });
    expect(report.checks.find((c) => c.id === 'register')!.status).to.equal('pass');
    expect((await sandboxCalls('echo')).length).to.equal(before);
  });
});
