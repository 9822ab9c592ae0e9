import { LitElement, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { defineElement } from '../shared/define.js';
import { baseStyles } from '../shared/base.styles.js';
import { callButtonStyles } from './sip-call-button.styles.js';
// Light modules only (the first paint): what the button does is its body (./sip-call-button-body.ts),
// fetched on the first hover, focus, touch or press; JsSIP and the words of a call come after it.
import { LangController } from '../controllers/lang-controller.js';
import { BodyController } from '../controllers/body-controller.js';
import { SipCallRequestEvent } from '../events.js';
import { bannerStyles } from '../shared/banner-view.js';
import { firstPaintStrings } from '../../src/i18n/languages.js';
import type { CallSnapshot } from '../../src/call.js';
import type { CredentialsProvider } from '../../src/credentials.js';
import type { ServerEntry } from '../../src/config.js';
import { callButtonTemplate } from './call-button-view.js';

/**
 * @tagname sip-call-button
 * @summary A click-to-call button for kiosks and web pages: one large button that calls one fixed
 * destination, shows the call's state, and returns to idle by itself.
 *
 * @fires sip-call-request - The user pressed the button; cancelable (`preventDefault()` vetoes the call).
 * @fires sip-call-change - The call's state (or its SIP status) changed: `detail.state`, `.status`, `.reason`.
 *
 * @slot - The button's label (default: "Call").
 *
 * @csspart base - The wrapper.
 * @csspart button - The call button.
 * @csspart banner - The call banner: an ARIA live region with `data-state` and `data-status`.
 * @csspart banner-title - The banner's title.
 * @csspart banner-text - The banner's explanation.
 * @csspart banner-action - The banner's "what to do next".
 * @csspart hangup-button - Hang up.
 * @csspart dialpad - The in-call keypad (with the `keypad` attribute).
 * @csspart cooldown - The wait before the next call.
 *
 * @cssprop --sip-call-button-size - Font size of the big button.
 * @cssprop --sip-color-accept - The call button.
 * @cssprop --sip-color-danger - The hang-up button.
 * @cssprop --sip-color-on-accent - Text on those buttons.
 * @cssprop --sip-banner-background - The call banner's background (default: `--sip-color-surface`, white).
 * @cssprop --sip-color-border - The call banner's border.
 * @cssprop --sip-radius - Corner radius.
 * @cssprop --sip-font - Font family.
 */
@defineElement('sip-call-button')
export class SipCallButton extends LitElement {
  static override styles = [baseStyles, bannerStyles, callButtonStyles];

  readonly #lang = new LangController(this);

  /** What the button does: fetched on the first hover, focus, touch or press. */
  readonly #code = new BodyController(
    this,
    () =>
      import('./sip-call-button-body.js').then(
        ({ CallButtonBody }) =>
          () =>
            new CallButtonBody(this, this.#lang),
      ),
    'asked',
  );

  /** SIP over WebSocket server (`wss://…`; `ws://` only for localhost); several: space-separated. */
  @property() server: string | readonly (string | ServerEntry)[] = '';

  /** The SIP account the kiosk uses, e.g. `sip:kiosk-lobby@example.com`. */
  @property() uri = '';

  /** Digest user name, when it differs from the URI's user. */
  @property({ attribute: 'auth-user' }) authUser = '';

  /** The password. Prefer the property: an attribute is visible in the page's HTML. */
  @property() password = '';

  /**
   * Short-lived credentials instead of `password` (recommended for a kiosk: no long-lived secret
   * in the page): a function that fetches `{ password }` or `{ token }` (Bearer) from your server,
   * called before each registration, before they expire, and again after the server refuses them.
   */
  @property({ attribute: false }) credentials: CredentialsProvider | undefined;

  /**
   * Never REGISTER: the kiosk only calls out, so an account locked down to calling its one target
   * needs no registration (see the README's kiosk section).
   */
  @property({ type: Boolean, attribute: 'call-only' }) callOnly = false;

  /** Name shown to the person called. */
  @property({ attribute: 'display-name' }) displayName = '';

  /**
   * The one destination (`sip:support@example.com`, or a number in the account's domain). Fixed once
   * the phone has loaded: later changes are ignored, and nothing the public types reaches a header.
   */
  @property() target = '';

  /** Show a keypad during the call (for IVR menus). */
  @property({ type: Boolean }) keypad = false;

  /** Seconds to wait after a call before the next one. */
  @property({ type: Number }) cooldown = 10;

  /** Longest call in seconds (0: no limit). */
  @property({ type: Number, attribute: 'max-duration' }) maxDuration = 0;

  /**
   * Prepare the call on hover, focus or touch: the microphone opens and ICE candidates are gathered
   * in advance, so the INVITE leaves as soon as the button is pressed. The microphone stays open up
   * to 15 s if no call follows (the browser shows it in use), hence off by default.
   */
  @property({ type: Boolean }) prewarm = false;

  /** How long the end reason stays shown before the button returns, in ms. */
  @property({ type: Number, attribute: 'end-reason-timeout' }) endReasonTimeout = 5000;

  /** The call's state: `idle` when the button waits for a press. */
  get callState(): CallSnapshot['state'] {
    return this.#code.body?.callState ?? 'idle';
  }

  /** True once JsSIP has been loaded (on first hover, focus, touch or click). */
  get loaded(): boolean {
    return this.#code.body?.loaded ?? false;
  }

  /** True while a screen wake lock keeps the display on during a call. */
  get wakeLocked(): boolean {
    return this.#code.body?.wakeLocked ?? false;
  }

  /** The registration state of the kiosk's account. */
  get registrationState(): string {
    return this.#code.body?.registrationState ?? 'unregistered';
  }

  /** Loads the phone now (normally it loads on the first hover, focus or touch). */
  async warmUp(): Promise<void> {
    await this.#code.load();
    await this.#code.body?.warmUp();
  }

  /** Calls the target, as a press of the button does, but without the cancelable event. */
  async call(): Promise<boolean> {
    await this.#code.load();
    return (await this.#code.body?.call()) ?? false;
  }

  /** Hangs up. */
  hangup(): void {
    this.#code.body?.hangup();
  }

  // `await el.updateComplete` means the element is whole: its code (once asked for) has rendered.
  protected override async getUpdateComplete(): Promise<boolean> {
    await this.#code.settled;
    return super.getUpdateComplete();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    this.#code.body?.willUpdate(this.#code.changes(changed));
  }

  protected override updated(): void {
    this.setAttribute('call-state', this.callState);
    this.#code.body?.updated();
  }

  private handleWarmUp(): void {
    void this.#code.load().then(() => this.#code.body?.approach());
  }

  private async handleClick(): Promise<void> {
    const target = this.#code.body?.target ?? this.target;
    if (!this.dispatchEvent(new SipCallRequestEvent({ target }))) return;
    await this.#code.load();
    await this.#code.body?.press();
  }

  readonly #handlers = {
    warmUp: () => this.handleWarmUp(),
    click: () => void this.handleClick(),
  };

  override render() {
    const body = this.#code.body;
    if (body) return body.render(this.#handlers);
    const lang = this.#lang.lang;
    return callButtonTemplate(
      {
        lang,
        label: firstPaintStrings(lang).callButton,
        banner: undefined,
        live: false,
        keypad: false,
        hangUpLabel: '',
        disabled: !this.target,
        cooldown: undefined,
      },
      { ...this.#handlers, hangup: () => undefined, press: () => undefined },
    );
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sip-call-button': SipCallButton;
  }
}
