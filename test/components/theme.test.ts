import { expect, fixture, html } from '@open-wc/testing';
import type { SipPhone } from '../../components/index.js';
import { part, registeredPhone } from '../helpers/phone-fixture.js';

const background = (el: SipPhone) => getComputedStyle(part(el, 'base')).backgroundColor;

describe('theming', () => {
  let style: HTMLStyleElement;
  before(async () => {
    style = document.createElement('style');
    style.textContent = await (await fetch('/public/theme.css')).text();
    document.head.append(style);
  });
  after(() => style.remove());

  it('has fallbacks without the theme, light and dark themes with it, and stays accessible in both', async () => {
    const { el } = await registeredPhone('alice');
    expect(background(el)).to.equal('rgb(255, 255, 255)');
    const dark = await fixture<HTMLDivElement>(html`<div data-sip-theme="dark"></div>`);
    dark.append(el);
    await el.updateComplete;
    expect(background(el)).to.equal('rgb(17, 24, 39)');
    expect(getComputedStyle(part(el, 'banner')).color).to.equal('rgb(229, 231, 235)');
    await expect(el).to.be.accessible();
    dark.dataset.sipTheme = 'light';
    expect(background(el)).to.equal('rgb(255, 255, 255)');
    await expect(el).to.be.accessible();
  });

  it('lets the page restyle parts', async () => {
    const { el } = await registeredPhone('alice');
    const sheet = await fixture<HTMLStyleElement>(
      html`<style>
        sip-phone::part(call-button) {
          background: rgb(1, 2, 3);
        }
      </style>`,
    );
    expect(getComputedStyle(part(el, 'call-button')).backgroundColor).to.equal('rgb(1, 2, 3)');
    sheet.remove();
  });
});
