// The elements speak German from a chunk fetched when a German element first renders. This file
// imports the elements only, never the core's entry (src/index.ts registers every language at once),
// so the page starts with English alone.
import { expect, fixture, html } from '@open-wc/testing';
import '../../components/index.js';
import type { SipPhone } from '../../components/index.js';
import { languagePack } from '../../src/i18n/registry.js';

const registration = (el: Element) =>
  el.shadowRoot!.querySelector('[part~="registration"]')!.textContent!.replace(/\s+/g, ' ').trim();

describe('language chunks', () => {
  afterEach(() => document.documentElement.removeAttribute('lang'));

  it('renders a German element in German from its first frame, fetching German only then', async () => {
    const english = await fixture<SipPhone>(html`<sip-phone></sip-phone>`);
    expect(registration(english)).to.include('Not configured');
    expect(languagePack('de'), 'no German on an English page').to.equal(undefined);

    const german = await fixture<SipPhone>(html`<sip-phone lang="de"></sip-phone>`);
    // The first render waited for the words: no English frame to see.
    expect(registration(german)).to.include('Nicht eingerichtet');
    expect(languagePack('de')?.lang).to.equal('de');
    expect(registration(english), 'the English element stays English').to.include('Not configured');
    await expect(german).to.be.accessible();
  });

  it('switches an English element to German live, from the page language', async () => {
    const el = await fixture<SipPhone>(html`<sip-phone></sip-phone>`);
    document.documentElement.lang = 'de-CH';
    await new Promise((resolve) => setTimeout(resolve));
    await el.updateComplete;
    expect(registration(el)).to.include('Nicht eingerichtet');
  });
});
