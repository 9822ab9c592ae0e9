import { expect } from '@open-wc/testing';
import { sendMouse } from '@web/test-runner-commands';
import { part, registeredPhone, waitForCall, tonesOf } from '../helpers/phone-fixture.js';
import { sandboxCallsUser, waitFor } from '../helpers/sandbox.js';

// This group runs in a Chromium with the default autoplay policy: no sound before a user gesture.
// The call comes from the sandbox, so this page has never used the microphone (which would lift
// the policy) — the first call of the day at a front desk.
describe('<sip-phone> when the browser blocks autoplay', () => {
  it('shows an "Enable sound" prompt instead of ringing silently, and one click fixes it', async () => {
    const alice = await registeredPhone('alice');
    await sandboxCallsUser({ to: 'alice', displayName: 'Front door' });
    const incoming = await waitForCall(alice, 'incoming');
    expect(incoming.remote.displayName).to.equal('Front door');
    await waitFor(() => tonesOf(alice.el).blocked, 'audio reported as blocked');
    await alice.el.updateComplete;
    expect(part(alice.el, 'sound-prompt').getAttribute('role')).to.equal('alert');

    const box = part(alice.el, 'sound-button').getBoundingClientRect();
    await sendMouse({
      type: 'click',
      position: [Math.round(box.x + box.width / 2), Math.round(box.y + box.height / 2)],
    });
    await waitFor(() => !tonesOf(alice.el).blocked, 'audio unblocked by the click');
    await alice.el.updateComplete;
    expect(alice.el.shadowRoot!.querySelector('[part~="sound-prompt"]')).to.equal(null);
    await waitFor(() => tonesOf(alice.el).level() > 0.005, 'the ringtone audible now', 3000);
    alice.el.reject();
    await waitForCall(alice, 'ended');
  });
});
