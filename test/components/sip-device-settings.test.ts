import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../components/index.js';
import type { SipDeviceSettings } from '../../components/index.js';
import { waitFor } from '../helpers/sandbox.js';

describe('<sip-device-settings>', () => {
  it('lists microphones, speakers and ringers, and reports a choice', async () => {
    const el = await fixture<SipDeviceSettings>(html`<sip-device-settings></sip-device-settings>`);
    await navigator.mediaDevices
      .getUserMedia({ audio: true })
      .then((s) => s.getTracks().forEach((t) => t.stop()));
    await el.refresh();
    await el.updateComplete;
    const select = (kind: string) =>
      el.shadowRoot!.querySelector<HTMLSelectElement>(`[data-kind="${kind}"]`)!;
    await waitFor(() => select('microphone').options.length >= 3, 'microphones listed');
    const names = (kind: string) => [...select(kind).options].map((o) => o.textContent!.trim());
    expect(names('microphone')).to.deep.equal([
      'System default',
      'Fake Audio Input 1',
      'Fake Audio Input 2',
    ]);
    expect(names('speaker')).to.deep.equal([
      'System default',
      'Fake Audio Output 1',
      'Fake Audio Output 2',
    ]);
    expect(names('ringer')).to.deep.equal(names('speaker'));

    const mic = select('microphone');
    mic.value = mic.options[2]!.value;
    setTimeout(() => mic.dispatchEvent(new Event('change')));
    const change = await oneEvent(el, 'sip-device-change');
    expect(change.detail).to.deep.equal({
      kind: 'microphone',
      deviceId: mic.options[2]!.value,
      reason: 'chosen',
    });
    expect(el.microphone).to.equal(mic.options[2]!.value);
    await expect(el).to.be.accessible();
  });

  it('falls back to the default when the chosen device is gone, and says so', async () => {
    const el = await fixture<SipDeviceSettings>(
      html`<sip-device-settings speaker="unplugged-device"></sip-device-settings>`,
    );
    setTimeout(() => void el.refresh());
    const change = await oneEvent(el, 'sip-device-change');
    expect(change.detail).to.deep.equal({ kind: 'speaker', deviceId: '', reason: 'disconnected' });
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part~="notice"]')!.textContent).to.match(
      /Speaker disconnected/,
    );
  });

  it('says, in the page language, that a browser without speaker choice plays on the default', async () => {
    // A browser without HTMLMediaElement.setSinkId (Firefox before 116, Safari): taken away here.
    const setSinkId = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'setSinkId')!;
    delete (HTMLMediaElement.prototype as Partial<HTMLMediaElement>).setSinkId;
    try {
      const el = await fixture<SipDeviceSettings>(
        html`<sip-device-settings lang="de"></sip-device-settings>`,
      );
      const selects = el.shadowRoot!.querySelectorAll('select');
      expect([...selects].map((s) => s.dataset.kind)).to.deep.equal(['microphone']);
      expect(el.shadowRoot!.textContent).to.include('nur über den Standardlautsprecher');
      await expect(el).to.be.accessible();
    } finally {
      Object.defineProperty(HTMLMediaElement.prototype, 'setSinkId', setSinkId);
    }
  });
});
