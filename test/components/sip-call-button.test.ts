import { expect, fixture, html, oneEvent } from '@open-wc/testing';
// Only the kiosk element: this page must not load JsSIP until the button is approached.
import '../../components/sip-call-button/sip-call-button.js';
import type { SipCallButton } from '../../components/sip-call-button/sip-call-button.js';
import type { SipCallChangeDetail } from '../../components/events.js';
import {
  passwordOf,
  sandbox,
  sandboxCalls,
  sandboxCallsUser,
  waitFor,
} from '../helpers/sandbox.js';

const jssipLoaded = () =>
  performance.getEntriesByType('resource').some((entry) => entry.name.includes('/__cjs/jssip'));

// What the idle button does not need: the outcome catalogue (English and German), the full UI
// string tables, the tone player, and the banner's words. The dev server serves every module as
// its own file, so the page's resource entries are the modules it has imported.
const CALL_TIME_MODULES = [
  '/src/outcomes.ts',
  '/src/i18n/ui.ts',
  '/src/tones.ts',
  '/components/shared/banner.ts',
];
const loadedOf = (paths: string[]) => {
  const loaded = new Set(
    performance.getEntriesByType('resource').map((entry) => new URL(entry.name).pathname),
  );
  return paths.filter((path) => loaded.has(path));
};

async function kiosk(
  options: { target?: string; cooldown?: number; maxDuration?: number; keypad?: boolean } = {},
) {
  const info = await sandbox();
  const changes: SipCallChangeDetail[] = [];
  const el = await fixture<SipCallButton>(
    html`<sip-call-button
      server=${info.wsUrl}
      uri=${`sip:alice@${info.domain}`}
      .password=${await passwordOf('alice')}
      target=${options.target ?? 'echo'}
      cooldown=${options.cooldown ?? 1}
      max-duration=${options.maxDuration ?? 0}
      end-reason-timeout="300"
      ?keypad=${options.keypad ?? false}
      @sip-call-change=${(e: CustomEvent<SipCallChangeDetail>) => changes.push(e.detail)}
      >Call reception</sip-call-button
    >`,
  );
  const button = () => el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="button"]');
  const banner = () => el.shadowRoot!.querySelector<HTMLElement>('[part~="banner"]')!;
  const waitForState = (state: string) =>
    waitFor(
      () => changes.find((c) => c.state === state),
      `kiosk call ${state} (${JSON.stringify(changes.map((c) => c.state))})`,
      15_000,
    );
  return { el, changes, button, banner, waitForState };
}

describe('<sip-call-button> (kiosk)', () => {
  it('paints before JsSIP, the outcome texts, the UI strings and the tones load; loads them on first focus', async () => {
    const { el, button } = await kiosk();
    expect(
      (button()!.querySelector('slot') as HTMLSlotElement).assignedNodes()[0]!.textContent,
    ).to.equal('Call reception');
    expect(el.loaded).to.equal(false);
    expect(jssipLoaded(), 'no JsSIP before anyone approaches the button').to.equal(false);
    expect(loadedOf(CALL_TIME_MODULES), 'imported by the idle button').to.deep.equal([]);
    button()!.focus();
    await waitFor(() => el.loaded, 'the phone loaded on focus');
    expect(jssipLoaded()).to.equal(true);
    await el.warmUp(); // resolves once what the focus started loading is in
    expect(loadedOf(CALL_TIME_MODULES), 'loaded on focus').to.deep.equal(CALL_TIME_MODULES);
    expect(loadedOf(['/src/i18n/de.ts']), 'no German on an English page').to.deep.equal([]);
    await waitFor(() => el.registrationState === 'registered', 'the kiosk registered');
    await expect(el).to.be.accessible();
  });

  it('calls the fixed target, offers a keypad, hangs up, then waits out the cooldown and returns to idle', async () => {
    const { el, button, banner, waitForState, changes } = await kiosk({
      keypad: true,
      cooldown: 1,
    });
    // Idle: one live region, out of sight (no empty box above the button), never a nested banner.
    const idle = banner();
    expect(el.shadowRoot!.querySelectorAll('.banner'), 'one banner').to.have.length(1);
    expect(idle.dataset.state).to.equal('idle');
    expect(idle.getAttribute('aria-live')).to.equal('polite');
    expect(idle.getBoundingClientRect().height, 'out of sight while idle').to.be.at.most(1);
    button()!.click();
    await waitForState('connected');
    await el.updateComplete;
    expect(banner(), 'the same live region speaks for the call').to.equal(idle);
    expect(banner().dataset.state).to.equal('connected');
    expect(banner().getBoundingClientRect().height, 'shown during the call').to.be.above(20);
    // On the surface colour, so it shows on a page whose background is the raised surface.
    expect(getComputedStyle(banner()).backgroundColor).to.equal('rgb(255, 255, 255)');
    await expect(el).to.be.accessible();
    const pad = el.shadowRoot!.querySelector('sip-dialpad')!;
    await pad.updateComplete;
    pad.shadowRoot!.querySelector<HTMLButtonElement>('[data-key="5"]')!.click();
    await waitFor(
      async () => (await sandboxCalls('echo')).at(-1)?.dtmf.some((d) => d.digit === '5'),
      'the IVR digit at the sandbox',
    );

    el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="hangup-button"]')!.click();
    await waitForState('ended');
    await el.updateComplete;
    expect(banner().textContent).to.match(/You hung up/);
    await waitForState('idle');
    await el.updateComplete;
    expect(button()!.disabled, 'cooling down').to.equal(true);
    expect(el.shadowRoot!.querySelector('[part~="cooldown"]')!.textContent).to.match(
      /Please wait \d s/,
    );
    await waitFor(() => button() && !button()!.disabled, 'ready again after the cooldown', 3000);
    expect(changes.filter((c) => c.state === 'connected')).to.have.length(1);
  });

  it('ends a call at the maximum length and says why', async () => {
    const { el, waitForState, banner } = await kiosk({ maxDuration: 1 });
    await el.call();
    await waitForState('connected');
    const ended = await waitForState('ended');
    expect(ended.cause).to.equal('time-limit');
    await el.updateComplete;
    expect(banner().textContent).to.match(/Call time limit reached/);
  });

  it('keeps its target: a later change is ignored once it has loaded', async () => {
    const { el, waitForState } = await kiosk({ target: 'echo' });
    await el.warmUp();
    el.target = '486';
    await el.updateComplete;
    const before = (await sandboxCalls('486')).length;
    await el.call();
    await waitForState('connected');
    expect((await sandboxCalls('486')).length, 'nothing went to the new target').to.equal(before);
    el.hangup();
    await waitForState('ended');
  });

  it('never rings: an incoming call is declined', async () => {
    const { el } = await kiosk();
    await el.warmUp();
    await waitFor(() => el.registrationState === 'registered', 'registered');
    const { callId } = await sandboxCallsUser({ to: 'alice' });
    const record = await waitFor(
      async () => (await sandboxCalls()).find((c) => c.callId === callId && c.finalStatus),
      'the caller got an answer',
    );
    expect(record.finalStatus).to.equal(603);
    expect(el.callState).to.equal('idle');
  });

  it('lets the embedder veto a call (sip-call-request is cancelable)', async () => {
    const { el, button, changes } = await kiosk();
    el.addEventListener('sip-call-request', (e) => e.preventDefault(), { once: true });
    setTimeout(() => button()!.click());
    const request = await oneEvent(el, 'sip-call-request');
    expect(request.detail.target).to.equal('echo');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(changes).to.deep.equal([]);
  });
});
