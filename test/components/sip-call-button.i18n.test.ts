import { expect, fixture, html } from '@open-wc/testing';
import '../../components/sip-call-button/sip-call-button.js';
import type { SipCallButton } from '../../components/sip-call-button/sip-call-button.js';
import type { SipCallChangeDetail } from '../../components/events.js';
// The expected words, from the catalogue itself. Not src/i18n/index.ts, which registers German up
// front: here the button fetches it (the page's language) with its call-time words.
import { uiStrings } from '../../src/i18n/ui.js';
import { describeLocalCause } from '../../src/outcomes.js';
import { passwordOf, sandbox, waitFor } from '../helpers/sandbox.js';

const textOf = (node: Element | null | undefined): string =>
  (node?.textContent ?? '').replace(/\s+/g, ' ').trim();

describe('<sip-call-button> languages', () => {
  afterEach(() => document.documentElement.removeAttribute('lang'));

  it('says its default label in the page language, and follows lang on the element', async () => {
    document.documentElement.lang = 'de-AT';
    const el = await fixture<SipCallButton>(
      html`<sip-call-button target="echo"></sip-call-button>`,
    );
    const label = () => el.shadowRoot!.querySelector('[part~="button"] slot')!;
    expect(textOf(label())).to.equal('Anrufen');
    expect(el.loaded, 'the label needs no phone').to.equal(false);
    el.setAttribute('lang', 'en');
    await waitFor(() => textOf(label()) === 'Call', 'English on the element');
    el.setAttribute('lang', 'fr');
    await waitFor(() => textOf(label()) === 'Call', 'English for a language we do not have');
    el.removeAttribute('lang');
    await waitFor(() => textOf(label()) === 'Anrufen', 'the page language again');
  });

  it('speaks German through a call: banner, hang-up button, keypad, end reason and cooldown', async () => {
    const info = await sandbox();
    const changes: SipCallChangeDetail[] = [];
    const el = await fixture<SipCallButton>(
      html`<sip-call-button
        lang="de"
        server=${info.wsUrl}
        uri=${`sip:alice@${info.domain}`}
        .password=${await passwordOf('alice')}
        target="echo"
        cooldown="2"
        end-reason-timeout="300"
        keypad
        @sip-call-change=${(e: CustomEvent<SipCallChangeDetail>) => changes.push(e.detail)}
      ></sip-call-button>`,
    );
    const part = (name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
    const waitForState = (state: string) =>
      waitFor(() => changes.find((c) => c.state === state), `kiosk call ${state}`, 15_000);

    expect(uiStrings('de').hangUp, 'German is not here before the button loads it').to.equal(
      'Hang up',
    );
    expect(await el.call()).to.equal(true);
    await waitForState('connected');
    await el.updateComplete;
    const de = uiStrings('de');
    expect(de.hangUp).to.not.equal('Hang up');
    expect(textOf(part('banner-title'))).to.equal(de.connected);
    expect(textOf(part('hangup-button'))).to.equal(de.hangUp);
    const pad = el.shadowRoot!.querySelector('sip-dialpad')!;
    await pad.updateComplete;
    expect(pad.shadowRoot!.querySelector('[role="group"]')!.getAttribute('aria-label')).to.equal(
      de.dialPad,
    );

    part('hangup-button')!.click();
    await waitForState('ended');
    await el.updateComplete;
    const ended = describeLocalCause('hangup-local', 'de');
    expect(textOf(part('banner'))).to.equal(`${ended.title} ${ended.explanation}`);

    await waitForState('idle');
    await el.updateComplete;
    expect([de.pleaseWait(1), de.pleaseWait(2)]).to.include(textOf(part('cooldown')));
    expect(textOf(part('button'))).to.equal(de.callButton);
  });
});
