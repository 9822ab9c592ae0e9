import { LitElement, html, css, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import {
  PhoneStateError,
  isLiveCallState,
  isSipPhoneError,
  validateDtmf,
  type Call,
  type CallSnapshot,
  type Phone,
  type CallState,
  type PhoneConfig,
  type RegistrationSnapshot,
  type RegistrationState,
} from '../../src/index.js';
import { PhoneController } from '../controllers/phone-controller.js';
import {
  SipCallChangeEvent,
  SipCallRequestEvent,
  SipRegistrationChangeEvent,
  type SipDialpadPressEvent,
} from '../events.js';
import { bannerModel, bannerStyles, bannerTemplate } from '../shared/banner.js';
import '../sip-dialpad/sip-dialpad.js';

const DTMF_KEY = /^[0-9*#A-Da-d]$/;
const SETUP_STATES: ReadonlySet<CallState> = new Set(['calling', 'ringing', 'early-media']);

/**
 * @summary A complete softphone: registers over SIP/WebSocket, dials, answers, sends DTMF and shows
 * every SIP outcome as a clear banner.
 *
 * @fires sip-registration-change - Registration state changed: `detail.state`, `.status`, `.reason`.
 * @fires sip-call-change - Call state (or its SIP status) changed: `detail.state`, `.status`, `.reason`.
 * @fires sip-call-request - The user pressed Call; cancelable (`preventDefault()` vetoes the call).
 *
 * @csspart base - The phone's card.
 * @csspart registration - Registration status line (live region with `data-state`, `data-status`).
 * @csspart banner - The call banner: an ARIA live region with `data-state` and `data-status`.
 * @csspart banner-title - The banner's title.
 * @csspart banner-text - The banner's explanation.
 * @csspart banner-action - The banner's "what to do next".
 * @csspart number - The number field.
 * @csspart error - Why the number or action was refused.
 * @csspart dialpad - The keypad.
 * @csspart call-button - Call.
 * @csspart hangup-button - Hang up / cancel.
 * @csspart answer-button - Answer an incoming call.
 * @csspart reject-button - Reject an incoming call.
 *
 * @cssprop --sip-color-surface - Card background.
 * @cssprop --sip-color-text - Text colour.
 * @cssprop --sip-color-border - Borders.
 * @cssprop --sip-color-accept - Call / answer buttons.
 * @cssprop --sip-color-danger - Hang-up / reject buttons and failures.
 * @cssprop --sip-color-focus - Focus ring.
 * @cssprop --sip-radius - Corner radius.
 * @cssprop --sip-font - Font family.
 */
@customElement('sip-phone')
export class SipPhone extends LitElement {
  static override shadowRootOptions: ShadowRootInit = {
    ...LitElement.shadowRootOptions,
    delegatesFocus: true,
  };

  static override styles = [
    bannerStyles,
    css`
      :host {
        display: block;
        max-width: var(--sip-phone-width, 22em);
        font-family: var(--sip-font, system-ui, sans-serif);
        color: var(--sip-color-text, #111827);
      }
      :host([hidden]) {
        display: none;
      }
      .card {
        display: flex;
        flex-direction: column;
        gap: 0.75em;
        padding: 1em;
        border: 1px solid var(--sip-color-border, #d1d5db);
        border-radius: var(--sip-radius, 8px);
        background: var(--sip-color-surface, #ffffff);
      }
      .registration {
        display: flex;
        align-items: center;
        gap: 0.5em;
        font-size: 0.85em;
      }
      .dot {
        width: 0.6em;
        height: 0.6em;
        border-radius: 50%;
        background: var(--sip-color-neutral, #6b7280);
        flex: none;
      }
      .registration[data-state='registered'] .dot {
        background: var(--sip-color-success, #15803d);
      }
      .registration[data-state='registering'] .dot {
        background: var(--sip-color-progress, #2563eb);
      }
      .registration[data-state='failed'] .dot {
        background: var(--sip-color-danger, #b91c1c);
      }
      label {
        font-size: 0.85em;
        font-weight: 600;
      }
      input {
        width: 100%;
        box-sizing: border-box;
        padding: 0.5em 0.6em;
        font: inherit;
        font-size: 1.2em;
        border: 1px solid var(--sip-color-border, #d1d5db);
        border-radius: var(--sip-radius, 8px);
        background: var(--sip-color-surface, #ffffff);
        color: inherit;
      }
      input:focus-visible,
      .actions button:focus-visible {
        outline: 3px solid var(--sip-color-focus, #2563eb);
        outline-offset: 2px;
      }
      .error {
        margin: 0;
        min-height: 1.2em;
        font-size: 0.85em;
        color: var(--sip-color-danger, #b91c1c);
      }
      .actions {
        display: flex;
        gap: 0.5em;
      }
      .actions button {
        flex: 1;
        padding: 0.7em;
        border: none;
        border-radius: var(--sip-radius, 8px);
        font: inherit;
        font-weight: 600;
        color: var(--sip-color-on-accent, #ffffff);
        cursor: pointer;
      }
      .actions button:disabled {
        opacity: 0.5;
        cursor: not-allowed;
      }
      .accept {
        background: var(--sip-color-accept, #15803d);
      }
      .danger {
        background: var(--sip-color-danger, #b91c1c);
      }
    `,
  ];

  readonly #phone = new PhoneController(this, {
    onRegistrationChange: (snapshot) => this.handleRegistrationChange(snapshot),
    onCallChange: (snapshot) => this.handleCallChange(snapshot),
    onCall: (call) => this.handleNewCall(call),
  });

  /** SIP over WebSocket server, e.g. `wss://sip.example.com/ws` (`ws://` only for localhost). */
  @property() server = '';

  /** The account's SIP URI, e.g. `sip:alice@example.com`. */
  @property() uri = '';

  /** Digest user name, when it differs from the URI's user. */
  @property({ attribute: 'auth-user' }) authUser = '';

  /** The password. Prefer setting the property: an attribute is visible in the page's HTML. */
  @property() password = '';

  /** Name shown to the people you call. */
  @property({ attribute: 'display-name' }) displayName = '';

  /** Allow calls to domains other than the account's (off by default). */
  @property({ type: Boolean, attribute: 'allow-other-domains' }) allowOtherDomains = false;

  /** Further {@link PhoneConfig} options (ICE servers, codecs, DTMF timing…). */
  @property({ attribute: false }) config: Partial<PhoneConfig> = {};

  /** The number or address in the dial field. */
  @property() number = '';

  /** Why the last call attempt or action was refused (shown under the number field). */
  @state() private inputError = '';

  @query('audio') private remoteAudio!: HTMLAudioElement | null;
  @query('input') private numberInput!: HTMLInputElement | null;

  /** Registration state: `unregistered`, `registering`, `registered` or `failed`. */
  get registrationState(): RegistrationState {
    return this.#phone.registration.state;
  }

  /** Call state: `idle`, `calling`, `ringing`, `early-media`, `incoming`, `connected`, `held`, `ended`, `failed`. */
  get callState(): CallState {
    return this.#phone.callSnapshot?.state ?? 'idle';
  }

  /** The current or last call's snapshot (state, SIP status, remote party, times). */
  get callSnapshot(): CallSnapshot | undefined {
    return this.#phone.callSnapshot;
  }

  /** The core `Phone` behind the element, once configured (advanced use: wire log, events). */
  get phone(): Phone | undefined {
    return this.#phone.phone;
  }

  /** The current or last call, for advanced use (statistics, the peer connection). */
  get currentCall(): Call | undefined {
    return this.#phone.call;
  }

  /**
   * Calls `target` (or the number field). Throws `DialStringError` for a malformed or forbidden
   * target and `PhoneStateError` when the phone cannot call now; the reason is also shown.
   */
  call(target: string = this.number): void {
    try {
      const phone = this.#phone.phone;
      if (!phone) {
        throw new PhoneStateError(
          'not-configured',
          this.#phone.configError?.message ?? 'The phone is not configured yet.',
        );
      }
      if (this.#phone.registration.state !== 'registered' && phone.config.register) {
        throw new PhoneStateError(
          'not-registered',
          'The phone is not registered yet; wait a moment or check the settings.',
        );
      }
      phone.call(target);
      this.inputError = '';
    } catch (error) {
      this.inputError = isSipPhoneError(error) ? error.message : 'The call could not be started.';
      throw error;
    }
  }

  /** Hangs up (CANCEL before answer, BYE after), or rejects an incoming call. */
  hangup(): void {
    this.#phone.call?.hangup();
  }

  /** Answers the incoming call. */
  answer(): void {
    const call = this.#phone.call;
    if (!call || call.state !== 'incoming')
      throw new PhoneStateError('not-ringing', 'There is no incoming call to answer.');
    call.answer();
  }

  /** Rejects the incoming call (486 Busy Here by default, or 603 Decline). */
  reject(status: 486 | 603 = 486): void {
    this.#phone.call?.reject(status);
  }

  /** Sends DTMF digits (`0-9 * # A-D`, `,` = pause) during a call. Throws `DtmfError` on bad input. */
  sendDtmf(digits: string): void {
    const call = this.#phone.call;
    validateDtmf(digits);
    if (!call || (call.state !== 'connected' && call.state !== 'held')) {
      throw new PhoneStateError('not-connected', 'DTMF can only be sent during a connected call.');
    }
    call.sendDtmf(digits);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('keydown', this.handleKeydown);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('keydown', this.handleKeydown);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const configKeys = [
      'server',
      'uri',
      'authUser',
      'password',
      'displayName',
      'allowOtherDomains',
      'config',
    ] as const;
    if (configKeys.some((key) => changed.has(key))) {
      this.#phone.configure(
        this.server && this.uri
          ? {
              ...this.config,
              server: this.server,
              uri: this.uri,
              ...(this.authUser ? { authUser: this.authUser } : {}),
              ...(this.password ? { password: this.password } : {}),
              ...(this.displayName ? { displayName: this.displayName } : {}),
              allowOtherDomains: this.allowOtherDomains || this.config.allowOtherDomains === true,
            }
          : undefined,
      );
    }
  }

  protected override updated(): void {
    this.setAttribute('registration-state', this.registrationState);
    this.setAttribute('call-state', this.callState);
    const stream = this.#phone.call?.remoteStream ?? null;
    if (this.remoteAudio && this.remoteAudio.srcObject !== stream)
      this.remoteAudio.srcObject = stream;
  }

  private handleRegistrationChange(snapshot: RegistrationSnapshot): void {
    this.dispatchEvent(
      new SipRegistrationChangeEvent({
        state: snapshot.state,
        ...(snapshot.previous ? { previous: snapshot.previous } : {}),
        ...(snapshot.status !== undefined ? { status: snapshot.status } : {}),
        ...(snapshot.reason ? { reason: snapshot.reason } : {}),
      }),
    );
  }

  private handleNewCall(call: Call): void {
    call.on('remote-stream', (stream) => {
      if (this.remoteAudio) {
        this.remoteAudio.srcObject = stream;
        void this.remoteAudio.play().catch(() => undefined);
      }
    });
    this.handleCallChange(call.snapshot);
  }

  private handleCallChange(snapshot: CallSnapshot): void {
    if (snapshot.state === 'idle') return;
    this.dispatchEvent(
      new SipCallChangeEvent({
        state: snapshot.state,
        ...(snapshot.previous ? { previous: snapshot.previous } : {}),
        ...(snapshot.status !== undefined ? { status: snapshot.status } : {}),
        ...(snapshot.reason ? { reason: snapshot.reason } : {}),
        ...(snapshot.cause ? { cause: snapshot.cause } : {}),
        direction: snapshot.direction,
        remote: { ...snapshot.remote },
      }),
    );
  }

  private handleKeydown = (event: KeyboardEvent): void => {
    if (event.ctrlKey || event.metaKey || event.altKey || !DTMF_KEY.test(event.key)) return;
    const inField = event.composedPath()[0] === this.numberInput;
    const live = isLiveCallState(this.callState) && !SETUP_STATES.has(this.callState);
    if (live && this.callState !== 'incoming') {
      event.preventDefault();
      this.handleKey(event.key.toUpperCase());
    } else if (!inField && !live && /^[0-9*#]$/.test(event.key)) {
      event.preventDefault();
      this.handleKey(event.key);
    }
  };

  private handleDialpadPress(event: SipDialpadPressEvent): void {
    this.handleKey(event.detail.key);
  }

  private handleKey(key: string): void {
    const state = this.callState;
    if (state === 'connected' || state === 'held') {
      try {
        this.sendDtmf(key);
      } catch (error) {
        this.inputError = isSipPhoneError(error) ? error.message : 'The digit could not be sent.';
      }
      return;
    }
    if (!isLiveCallState(state)) {
      this.number += key;
      this.inputError = '';
    }
  }

  private handleNumberInput(event: InputEvent): void {
    this.number = (event.target as HTMLInputElement).value;
    this.inputError = '';
  }

  private handleSubmit(event: SubmitEvent): void {
    event.preventDefault();
    this.handleCallClick();
  }

  private handleCallClick(): void {
    if (isLiveCallState(this.callState)) return;
    const request = new SipCallRequestEvent({ target: this.number });
    if (!this.dispatchEvent(request)) return;
    try {
      this.call(this.number);
    } catch {
      // The reason is already shown under the number field.
      this.numberInput?.focus();
    }
  }

  private handleHangupClick(): void {
    this.hangup();
  }

  private handleAnswerClick(): void {
    try {
      this.answer();
    } catch (error) {
      this.inputError = isSipPhoneError(error) ? error.message : 'The call could not be answered.';
    }
  }

  private handleRejectClick(): void {
    this.reject();
  }

  private renderRegistration() {
    const registration = this.#phone.registration;
    const account = this.#phone.phone?.config.uri.replace(/^sips?:/, '') ?? '';
    let text: string;
    switch (registration.state) {
      case 'registered':
        text = `Registered as ${account}`;
        break;
      case 'registering':
        text =
          registration.previous === 'registered'
            ? 'Connection lost, reconnecting…'
            : `Registering ${account}…`;
        break;
      case 'failed':
        text = this.#phone.configError
          ? `Settings problem: ${this.#phone.configError.message}`
          : [
              registration.outcome?.title ?? 'Registration failed',
              registration.outcome?.explanation,
              registration.outcome?.action,
            ]
              .filter(Boolean)
              .join('. ')
              .replace(/\.\./g, '.');
        break;
      default:
        text = this.#phone.phone ? 'Not registered' : 'Not configured: set server and uri.';
    }
    return html`<div
      part="registration"
      class="registration"
      role=${registration.state === 'failed' ? 'alert' : 'status'}
      aria-live="polite"
      data-state=${registration.state}
      data-status=${registration.status ?? nothing}
    >
      <span class="dot" aria-hidden="true"></span><span>${text}</span>
    </div>`;
  }

  private renderActions() {
    const state = this.callState;
    if (state === 'incoming') {
      return html`<button
          part="answer-button"
          class="accept"
          type="button"
          @click=${this.handleAnswerClick}
        >
          Answer
        </button>
        <button part="reject-button" class="danger" type="button" @click=${this.handleRejectClick}>
          Reject
        </button>`;
    }
    if (isLiveCallState(state)) {
      return html`<button
        part="hangup-button"
        class="danger"
        type="button"
        @click=${this.handleHangupClick}
      >
        ${SETUP_STATES.has(state) ? 'Cancel' : 'Hang up'}
      </button>`;
    }
    return html`<button
      part="call-button"
      class="accept"
      type="submit"
      form="dial"
      ?disabled=${!this.#phone.phone}
    >
      Call
    </button>`;
  }

  override render() {
    const live = isLiveCallState(this.callState);
    return html`<div part="base" class="card">
      ${this.renderRegistration()} ${bannerTemplate(bannerModel(this.#phone.callSnapshot))}
      <form id="dial" @submit=${this.handleSubmit}>
        <label for="number">Number or SIP address</label>
        <input
          id="number"
          part="number"
          type="text"
          inputmode="tel"
          autocomplete="off"
          spellcheck="false"
          .value=${this.number}
          ?readonly=${live}
          aria-invalid=${this.inputError ? 'true' : 'false'}
          aria-describedby="error"
          @input=${this.handleNumberInput}
        />
      </form>
      <p id="error" part="error" class="error" role="alert">${this.inputError}</p>
      <sip-dialpad part="dialpad" @sip-dialpad-press=${this.handleDialpadPress}></sip-dialpad>
      <div class="actions">${this.renderActions()}</div>
      <audio autoplay hidden></audio>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sip-phone': SipPhone;
  }
}
