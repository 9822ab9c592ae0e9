import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { isDialStringError, isDtmfError, isPhoneStateError } from '../../src/index.js';
import type { SipDialpad } from '../../components/index.js';
import { banner, part, registeredPhone, textOf, waitForCall } from '../helpers/phone-fixture.js';
import { waitFor } from '../helpers/sandbox.js';

describe('<sip-phone> user interface', () => {
  it('is accessible when idle, calling, failed and with an incoming call', async () => {
    const alice = await registeredPhone('alice');
    await expect(alice.el).to.be.accessible();
    alice.el.call('ring');
    await waitForCall(alice, 'ringing');
    await expect(alice.el).to.be.accessible();
    alice.el.hangup();
    await waitForCall(alice, 'ended');
    alice.el.call('486');
    await waitForCall(alice, 'failed');
    await expect(alice.el).to.be.accessible();
  });

  it('keeps the banner live region in place from the first render', async () => {
    const alice = await registeredPhone('alice');
    const region = banner(alice.el);
    expect(region.dataset.state).to.equal('idle');
    expect(region.getAttribute('aria-atomic')).to.equal('true');
    alice.el.call('486');
    await waitForCall(alice, 'failed');
    expect(banner(alice.el)).to.equal(region);
  });

  it('shows why a dial string is refused and places no call', async () => {
    const alice = await registeredPhone('alice');
    alice.el.number = '100@evil.example.net';
    await alice.el.updateComplete;
    part(alice.el, 'call-button').click();
    await alice.el.updateComplete;
    expect(textOf(part(alice.el, 'error'))).to.match(/other domains/);
    expect(part(alice.el, 'number').getAttribute('aria-invalid')).to.equal('true');
    expect(alice.el.callState).to.equal('idle');
    expect(() => alice.el.call('sip:100@localhost;maddr=203.0.113.9'))
      .to.throw()
      .that.satisfies(isDialStringError);
    expect(alice.calls).to.deep.equal([]);
  });

  it('fires a cancelable sip-call-request the embedder can veto', async () => {
    const alice = await registeredPhone('alice');
    alice.el.number = 'echo';
    await alice.el.updateComplete;
    alice.el.addEventListener('sip-call-request', (e) => e.preventDefault(), { once: true });
    setTimeout(() => part(alice.el, 'call-button').click());
    const request = await oneEvent(alice.el, 'sip-call-request');
    expect(request.detail.target).to.equal('echo');
    expect(request.defaultPrevented).to.equal(true);
    expect(alice.el.callState).to.equal('idle');
  });

  it('dials with the keypad and the keyboard, and calls on Enter', async () => {
    const alice = await registeredPhone('alice');
    const pad = part(alice.el, 'dialpad') as SipDialpad;
    pad.shadowRoot!.querySelector<HTMLButtonElement>('[data-key="4"]')!.click();
    pad.shadowRoot!.querySelector<HTMLButtonElement>('[data-key="8"]')!.click();
    await alice.el.updateComplete;
    expect(alice.el.number).to.equal('48');
    alice.el.number = '';
    (part(alice.el, 'number') as HTMLInputElement).focus();
    await sendKeys({ type: '486' });
    await sendKeys({ press: 'Enter' });
    await waitForCall(alice, 'failed', 486);
  });

  it('moves focus to Answer when a call rings, and back to the number field when it ends', async () => {
    const alice = await registeredPhone('alice');
    const bob = await registeredPhone('bob');
    (part(bob.el, 'number') as HTMLInputElement).focus();
    alice.el.call('bob');
    await waitForCall(bob, 'incoming');
    await waitFor(
      () =>
        bob.el.shadowRoot!.activeElement ===
        bob.el.shadowRoot!.querySelector('[part~="answer-button"]'),
      'focus on Answer',
    );
    bob.el.answer();
    await waitForCall(bob, 'connected');
    part(bob.el, 'hangup-button').focus();
    bob.el.hangup();
    await waitForCall(bob, 'ended');
    await waitFor(
      () => bob.el.shadowRoot!.activeElement === part(bob.el, 'number'),
      'focus back on the number field',
    );
  });

  it('labels every keypad key for screen readers', async () => {
    const pad = await fixture<SipDialpad>(html`<sip-dialpad></sip-dialpad>`);
    // The accessible name is the visible text: the digit, then its letters.
    const names = [...pad.shadowRoot!.querySelectorAll('button')].map((b) => textOf(b));
    expect(names).to.deep.equal([
      '1',
      '2 ABC',
      '3 DEF',
      '4 GHI',
      '5 JKL',
      '6 MNO',
      '7 PQRS',
      '8 TUV',
      '9 WXYZ',
      '*',
      '0 +',
      '#',
    ]);
    await expect(pad).to.be.accessible();
  });

  it('refuses bad DTMF and DTMF without a call with clear errors', async () => {
    const alice = await registeredPhone('alice');
    expect(() => alice.el.sendDtmf('1'))
      .to.throw(/connected call/)
      .that.satisfies(isPhoneStateError);
    alice.el.call('echo');
    await waitForCall(alice, 'connected');
    expect(() => alice.el.sendDtmf('R'))
      .to.throw(/not a DTMF digit/)
      .that.satisfies(isDtmfError);
    // Keys typed during a call are DTMF, not dial-field input.
    const sent: string[] = [];
    alice.el.currentCall!.on('dtmf', ({ tone }) => sent.push(tone));
    part(alice.el, 'hangup-button').focus();
    await sendKeys({ type: '5#' });
    await waitFor(() => sent.join('') === '5#', 'typed digits sent as DTMF');
    alice.el.hangup();
    await waitForCall(alice, 'ended');
  });
});

describe('<sip-phone> in Lit dev mode', () => {
  it('triggers no Lit warnings through a registration and a failed call', async () => {
    const warnings: string[] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => {
      warnings.push(args.map(String).join(' '));
      original.apply(console, args);
    };
    try {
      const alice = await registeredPhone('alice');
      alice.el.call('486');
      await waitForCall(alice, 'failed', 486);
    } finally {
      console.warn = original;
    }
    expect(warnings.filter((w) => /lit/i.test(w))).to.deep.equal([]);
  });
});
