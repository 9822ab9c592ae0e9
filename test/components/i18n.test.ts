import { expect } from '@open-wc/testing';
import { describeStatus } from '../../src/index.js';
import { banner, part, registeredPhone, textOf, waitForCall } from '../helpers/phone-fixture.js';
import { waitFor } from '../helpers/sandbox.js';

describe('language', () => {
  afterEach(() => document.documentElement.removeAttribute('lang'));

  it('follows lang on the element: German banner, labels and outcome texts, switched live', async () => {
    const alice = await registeredPhone('alice');
    alice.el.setAttribute('lang', 'de');
    await waitFor(() => textOf(banner(alice.el)).startsWith('Bereit'), 'German idle banner');
    expect(textOf(part(alice.el, 'registration'))).to.equal('Angemeldet als alice@localhost');
    expect(alice.el.shadowRoot!.querySelector('label')!.textContent).to.equal(
      'Nummer oder SIP-Adresse',
    );
    expect(textOf(part(alice.el, 'call-button'))).to.equal('Anrufen');

    alice.el.call('486');
    await waitForCall(alice, 'failed', 486);
    await alice.el.updateComplete;
    const german = describeStatus(486, 'call', 'de');
    expect(textOf(banner(alice.el))).to.equal(
      `${german.title} ${german.explanation} ${german.action}`,
    );
    expect(german.title).to.not.equal(describeStatus(486).title);

    alice.el.setAttribute('lang', 'en');
    await waitFor(() => textOf(banner(alice.el)).startsWith('Busy'), 'back to English');
  });

  it('follows the page language when the element has none, with regional tags', async () => {
    document.documentElement.lang = 'de-AT';
    const alice = await registeredPhone('alice');
    await alice.el.updateComplete;
    expect(textOf(banner(alice.el))).to.match(/^Bereit/);
    const pad = part(alice.el, 'dialpad');
    await waitFor(
      () =>
        pad.shadowRoot!.querySelector('[role="group"]')!.getAttribute('aria-label') ===
        'Wähltastatur',
      'keypad label in German',
    );
    document.documentElement.lang = 'fr';
    await waitFor(
      () => textOf(banner(alice.el)).startsWith('Ready'),
      'English for a language we do not have',
    );
  });
});
