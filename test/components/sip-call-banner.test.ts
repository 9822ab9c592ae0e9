// <sip-call-banner> is a shell: its words of calls (components/shared/banner.ts) come in a chunk
// fetched when it is connected. `await el.updateComplete` waits for them.
import { expect, fixture, html } from '@open-wc/testing';
import '../../components/index.js';
import type { SipCallBanner } from '../../components/index.js';
import { describeStatus } from '../../src/outcomes.js';
import { callSnapshot } from '../helpers/call-snapshot.js';

const banner = (el: SipCallBanner) =>
  el.shadowRoot!.querySelector<HTMLElement>('[part~="banner"]')!;
const title = (el: SipCallBanner) =>
  el.shadowRoot!.querySelector('[part~="banner-title"]')!.textContent!.trim();

describe('<sip-call-banner>', () => {
  it('is an idle live region before any call, and says a call in its words once they are here', async () => {
    const el = await fixture<SipCallBanner>(html`<sip-call-banner></sip-call-banner>`);
    expect(banner(el).dataset.state).to.equal('idle');
    expect(banner(el).getAttribute('aria-live')).to.equal('polite');
    expect(title(el)).to.equal('Ready');
    const node = banner(el);

    el.snapshot = callSnapshot({ state: 'connected' });
    await el.updateComplete;
    expect(banner(el), 'the same live region').to.equal(node);
    expect(banner(el).dataset.state).to.equal('connected');
    expect(title(el)).to.equal('Connected');
    await expect(el).to.be.accessible();
  });

  it('says a failure as an alert, never blank, with its SIP status', async () => {
    const outcome = describeStatus(486, 'call');
    const el = await fixture<SipCallBanner>(
      html`<sip-call-banner
        .snapshot=${callSnapshot({ state: 'failed', status: 486, outcome })}
      ></sip-call-banner>`,
    );
    expect(banner(el).dataset.state).to.equal('failed');
    expect(banner(el).dataset.status).to.equal('486');
    expect(banner(el).getAttribute('role')).to.equal('alert');
    expect(title(el)).to.equal(outcome.title);
    expect(title(el)).to.not.equal('');
    await expect(el).to.be.accessible();
  });
});
