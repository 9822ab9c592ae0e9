import { expect } from '@open-wc/testing';
import { banner, registeredPhone, textOf, waitForCall } from '../helpers/phone-fixture.js';

// This group runs in a Chromium without fake devices on a machine with no sound card: there is
// no microphone at all.
describe('<sip-phone> with no microphone', () => {
  it('says there is no microphone (not that it is blocked)', async () => {
    const devices = await navigator.mediaDevices.enumerateDevices();
    expect(
      devices.filter((d) => d.kind === 'audioinput'),
      'no microphone here',
    ).to.deep.equal([]);
    const alice = await registeredPhone('alice');
    alice.el.call('echo');
    const failed = await waitForCall(alice, 'failed');
    expect(failed.cause).to.equal('microphone-missing');
    expect(textOf(banner(alice.el))).to.match(
      /^No microphone No microphone was found\. Connect a microphone/,
    );
  });
});
