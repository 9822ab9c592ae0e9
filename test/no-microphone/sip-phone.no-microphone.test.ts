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

  it('the self-test says there is no microphone and what to do', async () => {
    const alice = await registeredPhone('alice');
    const report = await alice.el.selfTest();
    const microphone = report.checks.find((c) => c.id === 'microphone')!;
    expect(microphone.status).to.equal('fail');
    expect(microphone.detail).to.match(/^No microphone\. No microphone was found\./);
    expect(microphone.fix).to.match(/^Connect a microphone/);
    expect(report.ok).to.equal(false);
  });
});
