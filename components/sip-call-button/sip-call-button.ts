import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { defineElement } from '../shared/define.js';
import { baseStyles } from '../shared/base.styles.js';
import { callButtonStyles } from './sip-call-button.styles.js';
// Light modules only (the first paint): JsSIP is loaded by the KioskController, and the words and
// tones of a call (./call-ui.ts) by this element, on first hover, focus or touch.
import { KioskController } from '../controllers/kiosk-controller.js';
import { LangController } from '../controllers/lang-controller.js';
import { ToneController } from '../controllers/tone-controller.js';
import { RemoteAudioController } from '../controllers/remote-audio-controller.js';
import { TickController } from '../controllers/tick-controller.js';
import {
  SipCallChangeEvent,
  callChangeDetail,
  SipCallRequestEvent,
  type SipDialpadPressEvent,
} from '../events.js';
import { bannerStyles, bannerTemplate, idleBanner } from '../shared/banner-view.js';
import { firstPaintStrings } from '../../src/i18n/languages.js';
import type { CallSnapshot } from '../../src/call.js';
import type { CredentialsProvider } from '../../src/credentials.js';
import type { ServerEntry } from '../../src/config.js';
import type { TonePlayer } from '../../src/tones.js';
import type * as CallUiModule from './call-ui.js';
import '../sip-dialpad/sip-dialpad.js';

/** The call-time parts, once loaded: ./call-ui.ts and this element's tone player. */
interface CallUi {
  words: typeof CallUiModule;
  tones: TonePlayer;
}

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
 * @cssprop --sip-radius - Corner radius.
 * @cssprop --sip-font - Font family.
 */
@defineElement('sip-call-button')
export class SipCallButton extends LitElement {
  static override styles = [baseStyles, bannerStyles, callButtonStyles];

  readonly #lang = new LangController(this);

  readonly #kiosk = new KioskController(this, {
    onCallChange: (snapshot) => this.handleCallChange(snapshot),
    onIdle: (last) => this.handleIdle(last),
    onRemoteStream: (stream) => this.handleRemoteStream(stream),
  });

  /** Ringback and key tones, once the call-time parts (with the tone player) are loaded. */
  readonly #tones = new ToneController(this, () => this.#ui?.tones);

  /** The far end's audio. A blocked autoplay is ignored: the press itself allows audio. */
  readonly #remoteAudio = new RemoteAudioController(this);

  /** Re-renders while the cooldown runs, for its countdown and to enable the button after it. */
  readonly #clock = new TickController(
    this,
    () => !this.#kiosk.call && Date.now() < this.#kiosk.cooldownUntil,
    250,
  );

  /** Loaded with the phone (never in the first paint); a call starts only once it is here. */
  #ui: CallUi | undefined;
  #uiLoading: Promise<CallUi | undefined> | undefined;

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
    return this.#kiosk.call?.snapshot.state ?? 'idle';
  }

  /** True once JsSIP has been loaded (on first hover, focus, touch or click). */
  get loaded(): boolean {
    return this.#kiosk.loaded;
  }

  /** True while a screen wake lock keeps the display on during a call. */
  get wakeLocked(): boolean {
    return this.#kiosk.wakeLocked;
  }

  /** The registration state of the kiosk's account. */
  get registrationState(): string {
    return this.#kiosk.registration.state;
  }

  /** Loads the phone now (normally it loads on the first hover, focus or touch). */
  warmUp(): Promise<void> {
    return Promise.all([this.#kiosk.load(), this.#loadUi()]).then(() => undefined);
  }

  /** Calls the target, as a press of the button does, but without the cancelable event. */
  async call(): Promise<boolean> {
    void this.#kiosk.load();
    if (!(await this.#loadUi())) return false;
    return this.#kiosk.dial();
  }

  /** Hangs up. */
  hangup(): void {
    this.#kiosk.hangup();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const keys = [
      'server',
      'uri',
      'authUser',
      'password',
      'credentials',
      'callOnly',
      'displayName',
      'target',
      'cooldown',
      'maxDuration',
      'endReasonTimeout',
    ] as const;
    if (keys.some((key) => changed.has(key))) {
      this.#kiosk.configure({
        config: {
          server: this.server,
          uri: this.uri,
          ...(this.authUser ? { authUser: this.authUser } : {}),
          ...(this.password ? { password: this.password } : {}),
          ...(this.credentials ? { credentials: this.credentials } : {}),
          ...(this.callOnly ? { register: false } : {}),
          ...(this.displayName ? { displayName: this.displayName } : {}),
        },
        target: this.target,
        cooldownMs: Math.max(0, this.cooldown) * 1000,
        maxDurationMs: Math.max(0, this.maxDuration) * 1000,
        endReasonTimeoutMs: this.endReasonTimeout,
      });
    }
  }

  protected override updated(): void {
    this.setAttribute('call-state', this.callState);
    const ui = this.#ui;
    if (!ui) return;
    const tone = ui.words.toneFor(this.#kiosk.call ? [this.#kiosk.call.snapshot] : []);
    this.#tones.play(tone === 'ringback' ? tone : undefined);
  }

  /** Imports the call-time parts once (again after a failed attempt); undefined when that fails. */
  #loadUi(): Promise<CallUi | undefined> {
    // The outcome catalogue and the page's language come with them (a failed language fetch leaves
    // English).
    this.#uiLoading ??= import('./call-ui.js')
      .then(async (words) => {
        await Promise.all([words.loadLanguage(this.#lang.lang), words.loadOutcomes()]);
        return (this.#ui = { words, tones: new words.TonePlayer() });
      })
      .catch(() => (this.#uiLoading = undefined));
    return this.#uiLoading;
  }

  private handleWarmUp(): void {
    void this.#kiosk.load();
    void this.#loadUi();
    if (this.prewarm) void this.#kiosk.prewarm();
  }

  private async handleClick(): Promise<void> {
    if (
      !this.dispatchEvent(new SipCallRequestEvent({ target: this.#kiosk.target ?? this.target }))
    ) {
      return;
    }
    void this.#kiosk.load();
    // Normally here since the hover, focus or touch that came before the press.
    const ui = this.#ui ?? (await this.#loadUi());
    if (!ui) return;
    await this.#tones.unlock();
    await this.#kiosk.dial();
  }

  private handleHangup(): void {
    this.#kiosk.hangup();
  }

  private handleDialpadPress(event: SipDialpadPressEvent): void {
    const call = this.#kiosk.call;
    if (call?.state !== 'connected') return;
    this.#tones.key(event.detail.key);
    call.sendDtmf(event.detail.key);
  }

  private handleRemoteStream(stream: MediaStream): void {
    this.#remoteAudio.play(stream);
  }

  private handleCallChange(snapshot: CallSnapshot): void {
    this.dispatchEvent(new SipCallChangeEvent(callChangeDetail(snapshot)));
  }

  private handleIdle(last: CallSnapshot): void {
    this.dispatchEvent(
      new SipCallChangeEvent({ ...callChangeDetail(last), state: 'idle', previous: last.state }),
    );
    // The cooldown's countdown starts now (the clock ticks from this render on).
    this.requestUpdate();
  }

  override render() {
    const lang = this.#lang.lang;
    const ui = this.#ui;
    // A call starts only once the call-time parts are here (see call() and handleClick()), so the
    // banner's words, the hang-up label and the cooldown text exist whenever they are shown.
    const t = ui?.words.uiStrings(lang);
    const snapshot = ui && this.#kiosk.call?.snapshot;
    const live =
      snapshot !== undefined && snapshot.state !== 'ended' && snapshot.state !== 'failed';
    const waitMs = this.#kiosk.cooldownUntil - this.#clock.now;
    return html`<div part="base" class="base">
      ${
        snapshot
          ? bannerTemplate(ui.words.bannerModel(snapshot, lang))
          : html`<div class="banner idle">${bannerTemplate(idleBanner())}</div>`
      }
      ${
        live
          ? html`<button
                part="hangup-button"
                class="hangup"
                type="button"
                @click=${this.handleHangup}
              >
                ${t?.hangUp}
              </button>
              ${
                this.keypad && snapshot.state === 'connected'
                  ? html`<sip-dialpad
                      part="dialpad"
                      lang=${lang}
                      @sip-dialpad-press=${this.handleDialpadPress}
                    ></sip-dialpad>`
                  : nothing
              }`
          : snapshot
            ? nothing
            : html`<button
                  part="button"
                  class="call"
                  type="button"
                  ?disabled=${waitMs > 0 || !this.target}
                  @pointerenter=${this.handleWarmUp}
                  @focus=${this.handleWarmUp}
                  @touchstart=${this.handleWarmUp}
                  @click=${this.handleClick}
                >
                  <slot>${firstPaintStrings(lang).callButton}</slot>
                </button>
                ${
                  waitMs > 0 && t
                    ? html`<p part="cooldown" class="cooldown" role="status">
                        ${t.pleaseWait(Math.ceil(waitMs / 1000))}
                      </p>`
                    : nothing
                }`
      }
      <audio autoplay hidden></audio>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sip-call-button': SipCallButton;
  }
}
