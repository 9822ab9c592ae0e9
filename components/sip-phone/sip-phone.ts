import { LitElement, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { defineElement } from '../shared/define.js';
import type {
  DiagnosticsReport,
  SelfTestOptions,
  SelfTestReport,
  Call,
  CallSnapshot,
  CredentialsProvider,
  CallState,
  Phone,
  PhoneConfig,
  RegistrationState,
  ServerEntry,
} from '../../src/index.js';
import { PhoneStateError } from '../../src/errors.js';
import { isLiveCallState } from '../../src/call-machine.js';
import { TonePlayer, toneFor } from '../../src/tones.js';
import { PhoneController } from '../controllers/phone-controller.js';
import { loadDiagnosticsDownload, loadSelfTest } from '../shared/lazy.js';
import { LocaleController, afterWords } from '../controllers/locale-controller.js';
import { QualityController } from '../controllers/quality-controller.js';
import { TickController } from '../controllers/tick-controller.js';
import { NotificationController } from '../controllers/notification-controller.js';
import { TransferController } from '../controllers/transfer-controller.js';
import { ControlsController } from '../controllers/controls-controller.js';
import { DevicesController } from '../controllers/devices-controller.js';
import { HistoryController } from '../controllers/history-controller.js';
import { PrewarmController } from '../controllers/prewarm-controller.js';
import { FocusController } from '../controllers/focus-controller.js';
import {
  SipCallChangeEvent,
  callChangeDetail,
  SipQualityChangeEvent,
  SipRegistrationChangeEvent,
} from '../events.js';
import { bannerStyles, whoOf } from '../shared/banner.js';
import { registrationChangeDetail } from '../shared/registration-line.js';
import { phoneTemplate } from '../shared/phone-view.js';
import { idleChangeDetail, qualityChangeDetail } from '../shared/change-details.js';
import { PHONE_CONFIG_KEYS, phoneConfigOf } from '../shared/phone-config.js';
import { baseStyles } from '../shared/base.styles.js';
import { phoneStyles } from './sip-phone.styles.js';

/**
 * @tagname sip-phone
 * @summary A complete softphone: registers over SIP/WebSocket, dials, answers, holds, mutes, sends
 * DTMF, handles a waiting second call, and shows every SIP outcome as a clear banner.
 *
 * @fires sip-registration-change - Registration state changed: `detail.state`, `.status`, `.reason`.
 * @fires sip-call-change - A call's state (or its SIP status) changed: `detail.state`, `.status`, `.reason`, `.id`.
 * @fires sip-call-request - The user pressed Call; cancelable (`preventDefault()` vetoes the call).
 * @fires sip-quality-change - Call-quality warnings rose or cleared: `detail.issues`, `.mos`.
 * @fires sip-transfer-request - The far end asks to transfer a call: `detail.target`, `.from`; cancelable (`preventDefault()` declines), `detail.accept()` follows it unasked.
 *
 * @csspart base - The phone's card.
 * @csspart registration - Registration status line (live region with `data-state`, `data-status`).
 * @csspart retry-now-button - "Retry now" while a reconnection or REGISTER waits for its backoff.
 * @csspart banner - The call banner: an ARIA live region with `data-state` and `data-status`.
 * @csspart banner-title - The banner's title.
 * @csspart banner-text - The banner's explanation.
 * @csspart banner-action - The banner's "what to do next".
 * @csspart notice - A passing message (device unplugged, hold refused, put on hold).
 * @csspart transfer-prompt - "X wants to transfer you to Y": shown while a transfer request waits for the user.
 * @csspart transfer-accept-button - Accept that transfer (the phone calls the target).
 * @csspart transfer-decline-button - Decline it (Escape does too); the call goes on.
 * @csspart quality - Call-quality warnings in plain words (hidden while the call sounds fine); `data-issues`.
 * @csspart timer - The call duration (not announced while it ticks).
 * @csspart lines - The list of calls when more than one line is in use.
 * @csspart line - One line in that list; carries `data-state`.
 * @csspart number - The number field.
 * @csspart error - Why the number or action was refused.
 * @csspart dialpad - The keypad (DTMF during a call).
 * @csspart controls - In-call controls.
 * @csspart mute-button - Mute toggle (`aria-pressed`).
 * @csspart hold-button - Hold toggle (`aria-pressed`).
 * @csspart transfer-button - Transfer: blind to the typed number, or attended between two lines.
 * @csspart call-button - Call.
 * @csspart hangup-button - Hang up / cancel.
 * @csspart answer-button - Answer an incoming call.
 * @csspart reject-button - Reject an incoming call.
 * @csspart sound-prompt - Shown when the browser blocks audio until the user clicks.
 * @csspart sound-button - "Enable sound" in that prompt.
 * @csspart resume-button - Switch to a held line.
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
@defineElement('sip-phone')
export class SipPhone extends LitElement {
  static override shadowRootOptions: ShadowRootInit = {
    ...LitElement.shadowRootOptions,
    delegatesFocus: true,
  };

  static override styles = [baseStyles, bannerStyles, phoneStyles];

  readonly #locale = new LocaleController(this);

  readonly #quality = new QualityController(
    this,
    () => this.#session.shownCall,
    (snapshot, call) => {
      this.#session.phone?.noteQuality(call, snapshot.issues, snapshot.mos);
      this.dispatchEvent(new SipQualityChangeEvent(qualityChangeDetail(call.id, snapshot)));
    },
  );

  /** The phone session: the core phone, its registration, the lines and the call on show. */
  readonly #session = new PhoneController(this, {
    onRegistrationChange: (snapshot) =>
      this.dispatchEvent(new SipRegistrationChangeEvent(registrationChangeDetail(snapshot))),
    onCallChange: (snapshot) => this.handleCallChange(snapshot),
    onCall: (call) => this.handleNewCall(call),
    onIdle: (last) => this.handleIdle(last),
    onTransferRequest: (request) => this.#transfers.request(request),
    onTransferRefused: (refusal) => this.#transfers.refused(refusal),
  });

  /** Focus to Answer when a call rings, to a transfer prompt, back to the number after a call. */
  readonly #focus = new FocusController(this);

  /** Transfers the far end asks for: the page's say, the prompt, what became of them. */
  readonly #transfers = new TransferController(this, {
    strings: () => this.#locale.strings,
    asks: () => this.#session.phone?.config.transfers === 'ask',
    onPrompt: () => this.#focus.moveTo('[part~="transfer-accept-button"]'),
  });

  /** The call timer and the retry countdown. */
  readonly #clock = new TickController(
    this,
    () =>
      this.#session.lines.some((c) => c.snapshot.answeredAt !== undefined) ||
      this.#session.registration.retryAt !== undefined,
  );

  /** The microphone, the far end's audio on the speaker, `tones` on the ringer; blocked audio. */
  readonly #devices = new DevicesController(this, {
    phone: () => this.#session.phone,
    shownCall: () => this.#session.shownCall,
    tones: () => this.tones,
    locale: this.#locale,
  });

  /** Ended calls into the IndexedDB history, with `history` on. */
  readonly #history = new HistoryController(this);

  /** With `prewarm`, the call is prepared when the pointer or focus reaches Call. */
  readonly #prewarm = new PrewarmController(this, () => this.#session.phone);

  /** What the card's controls do, and the keys; why an action was refused. */
  readonly #controls = new ControlsController(this, {
    session: this.#session,
    strings: () => this.#locale.strings,
    onTone: (key) => {
      if (!this.silent) this.#devices.tones.key(key);
    },
    transferPrompt: this.#transfers,
    enableSound: this.#devices.enableSound,
    callIntent: this.#prewarm.intent,
  });

  readonly #notifications = new NotificationController(this, {
    enabled: () => this.notifications,
    words: (snapshot) => ({
      title: this.#locale.strings.incomingCall,
      body: this.#locale.strings.notificationFrom(whoOf(snapshot, this.#locale.strings)),
    }),
  });

  /**
   * SIP over WebSocket server, e.g. `wss://sip.example.com/ws` (`ws://` only for localhost).
   * Several: space-separated in the attribute, or a list (of URLs or `{ url, weight }`) as the
   * property; tried in order, and a lost connection moves to the next.
   */
  @property() server: string | readonly (string | ServerEntry)[] = '';

  /** The account's SIP URI, e.g. `sip:alice@example.com`. */
  @property() uri = '';

  /** Digest user name, when it differs from the URI's user. */
  @property({ attribute: 'auth-user' }) authUser = '';

  /** The password. Prefer setting the property: an attribute is visible in the page's HTML. */
  @property() password = '';

  /**
   * Short-lived credentials instead of `password`: a function that fetches `{ password }` or
   * `{ token }` (Bearer) from your server, called before each registration and when they expire.
   */
  @property({ attribute: false }) credentials: CredentialsProvider | undefined;

  /** Name shown to the people you call. */
  @property({ attribute: 'display-name' }) displayName = '';

  /** Allow calls to domains other than the account's (off by default). */
  @property({ type: Boolean, attribute: 'allow-other-domains' }) allowOtherDomains = false;

  /** Status sent when the user rejects a call: 486 Busy Here or 603 Decline. */
  @property({ type: Number, attribute: 'reject-status' }) rejectStatus: 486 | 603 = 486;

  /** How long the end reason of a call stays in the banner, in ms (0 keeps it until the next call). */
  @property({ type: Number, attribute: 'end-reason-timeout' }) endReasonTimeout = 5000;

  /**
   * Keep a call history in IndexedDB (shown by `<sip-call-history>`): direction, peer, times and
   * outcome — never a credential. Off by default.
   */
  @property({ type: Boolean }) history = false;

  /** IndexedDB database for the history (match `<sip-call-history database-name>`). */
  @property({ attribute: 'history-database' }) historyDatabase = 'sip-phone-history';

  /** Microphone device id for calls (`''`: the system default). Changing it mid-call keeps the call. */
  @property() microphone = '';

  /** Speaker device id for the call audio (`''`: the system default), where the browser allows. */
  @property() speaker = '';

  /** Device id that rings for incoming calls (`''`: the system default), where the browser allows. */
  @property() ringer = '';

  /**
   * Show a desktop notification for an incoming call while the page is hidden. Permission is
   * asked on the first click inside the phone (browsers allow asking only then).
   */
  @property({ type: Boolean }) notifications = false;

  /** No ringtone, ringback or key tones. */
  @property({ type: Boolean }) silent = false;

  /** Further {@link PhoneConfig} options (ICE servers, codecs, DTMF timing, lines…). */
  @property({ attribute: false }) config: Partial<PhoneConfig> = {};

  /**
   * Prepare the call when the pointer or focus reaches Call: the microphone opens and ICE
   * candidates are gathered in advance, so the INVITE leaves as soon as Call is pressed. The
   * microphone stays open up to 15 s if no call follows (the browser shows it in use), hence off by
   * default.
   */
  @property({ type: Boolean }) prewarm = false;

  /**
   * A number that answers and sends the audio back (the sandbox's `echo`): `selfTest()` calls it
   * to check media both ways. Empty: that check is skipped.
   */
  @property({ attribute: 'echo-target' }) echoTarget = '';

  /** The number or address in the dial field. */
  @property() number = '';

  /** Ringtone, ringback and key tones (Web Audio). */
  readonly tones = new TonePlayer();

  /** Registration state: `unregistered`, `registering`, `registered` or `failed`. */
  get registrationState(): RegistrationState {
    return this.#session.registration.state;
  }

  /**
   * State of the call the phone shows (a ringing call first, then the one you talk on):
   * `idle`, `calling`, `ringing`, `early-media`, `incoming`, `connected`, `held`, `ended`, `failed`.
   */
  get callState(): CallState {
    return this.#session.shownCall?.state ?? 'idle';
  }

  /** Snapshot of the call the phone shows (state, SIP status, remote party, times). */
  get callSnapshot(): CallSnapshot | undefined {
    return this.#session.shownCall?.snapshot;
  }

  /** The call the phone shows, for advanced use (statistics, the peer connection). */
  get currentCall(): Call | undefined {
    return this.#session.shownCall;
  }

  /** Every call not over yet, oldest first (at most `config.maxLines`, 2 by default). */
  get lines(): Call[] {
    return [...this.#session.lines];
  }

  /** The desktop notification shown for the ringing call, if any. */
  get notification(): Notification | undefined {
    return this.#notifications.current;
  }

  /** The core `Phone` behind the element, once configured (advanced use: wire log, events). */
  get phone(): Phone | undefined {
    return this.#session.phone;
  }

  /** Resolves with `phone` once it exists: the CDN file fetches the core as a chunk of its own. */
  get phoneReady(): Promise<Phone | undefined> {
    return this.#session.loaded;
  }

  /**
   * Calls `target` (or the number field). A call you are talking on goes on hold. Throws
   * `DialStringError` for a malformed or forbidden target and `PhoneStateError` when the phone
   * cannot call now; the reason is also shown.
   */
  call(target: string = this.number): void {
    const t = this.#locale.strings;
    try {
      const phone = this.#session.phoneToCall(t);
      // The microphone property may have changed in this same task, before an update ran.
      void this.#devices.applyMicrophone();
      phone.call(target);
      this.#controls.error = '';
    } catch (error) {
      this.#controls.refused(error, t.callNotStarted);
      throw error;
    }
  }

  /** Hangs up the shown call (CANCEL before answer, BYE after), or rejects it when it rings. */
  hangup(): void {
    const call = this.#session.shownCall;
    if (call?.state === 'incoming') call.reject(this.rejectStatus);
    else call?.hangup();
  }

  /** Answers the ringing call; a call you are talking on goes on hold. */
  answer(): void {
    const { ringing: call, phone } = this.#session;
    if (!call || !phone) {
      throw new PhoneStateError('not-ringing', 'There is no incoming call to answer.');
    }
    void this.#devices.applyMicrophone();
    phone.answer(call);
  }

  /** Rejects the ringing call (with `rejectStatus` unless given: 486 Busy Here or 603 Decline). */
  reject(status: 486 | 603 = this.rejectStatus): void {
    this.#session.ringing?.reject(status);
  }

  /** Puts the call you are talking on on hold. Resolves false when the far end refused. */
  hold(): Promise<boolean> {
    return this.#session.active?.hold() ?? Promise.resolve(false);
  }

  /** Resumes a held call (the newest, unless given); any other call goes on hold. */
  resume(call: Call | undefined = this.#session.held): Promise<boolean> {
    const phone = this.#session.phone;
    return call && phone ? phone.resume(call) : Promise.resolve(false);
  }

  /**
   * Transfers the call you are talking on. With a target, a blind transfer (REFER) to that number
   * or address; without one and with a second call on the other line, an attended transfer that
   * connects the two calls (REFER with Replaces). Resolves true when the transfer succeeded.
   */
  transfer(target?: string): Promise<boolean> {
    try {
      return this.#session.transfer(target);
    } catch (error) {
      this.#controls.refused(error, this.#locale.strings.notTransferred);
      return Promise.reject(error);
    }
  }

  /**
   * Makes the scheduled reconnection or REGISTER at once instead of waiting out the backoff (the
   * registration line's "Retry now"). False when nothing is waiting.
   */
  retryNow(): boolean {
    return this.#session.phone?.retryNow() ?? false;
  }

  /** Mutes or unmutes the microphone on the shown call (no renegotiation). */
  setMuted(muted: boolean): void {
    this.#session.shownCall?.setMuted(muted);
  }

  /**
   * Runs the pre-call self-test with this element's settings and devices: the server's WebSocket,
   * a REGISTER with these credentials, the microphone, the speaker (when `confirmSpeaker` is
   * given), STUN/TURN, and an echo call (when `echoTarget` is set). It uses a phone of its own, so
   * the element's registration is not disturbed. Findings and fixes are in the element's language.
   * Never throws: failures are in the report.
   */
  async selfTest(options: SelfTestOptions = {}): Promise<SelfTestReport> {
    const config = phoneConfigOf(this) ?? { ...this.config, server: this.server, uri: this.uri };
    const { runSelfTest } = await loadSelfTest();
    return runSelfTest(config, {
      microphoneId: this.microphone,
      speakerId: this.speaker,
      lang: this.#locale.lang,
      ...(this.echoTarget ? { echoTarget: this.echoTarget } : {}),
      ...options,
    });
  }

  /**
   * A diagnostics report for support: the SIP ladder of the last calls and of the registration
   * (credentials redacted), state transitions, ICE candidate pairs and statistics, versions.
   * Throws `PhoneStateError` before the phone is configured.
   */
  diagnostics(): Promise<DiagnosticsReport> {
    return this.#session.diagnostics();
  }

  /**
   * Saves {@link diagnostics} as a file the user can attach to a ticket: `json` (complete, for
   * tools) or `text` (readable). Resolves with the file's name.
   */
  async saveDiagnostics(format: 'json' | 'text' = 'json'): Promise<string> {
    const report = await this.diagnostics();
    const { downloadDiagnostics } = await loadDiagnosticsDownload();
    return downloadDiagnostics(report, format, this.renderRoot);
  }

  /** Sends DTMF digits (`0-9 * # A-D`, `,` = pause) during a call. Throws `DtmfError` on bad input. */
  sendDtmf(digits: string): void {
    this.#session.sendDtmf(digits);
  }

  protected override scheduleUpdate(): void | Promise<unknown> {
    return afterWords(this.#locale, () => super.scheduleUpdate());
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('endReasonTimeout')) this.#session.endReasonTimeout = this.endReasonTimeout;
    if (PHONE_CONFIG_KEYS.some((key) => changed.has(key))) {
      this.#session.configure(phoneConfigOf(this));
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    this.#devices.updated(changed);
    this.setAttribute('registration-state', this.registrationState);
    this.setAttribute('call-state', this.callState);
    // Ringtone while a call rings for us, ringback while the far end rings without early media.
    const tone = this.silent ? undefined : toneFor(this.#session.lines.map((c) => c.snapshot));
    this.#devices.tones.play(tone);
  }

  private handleNewCall(call: Call): void {
    this.#devices.watch(call);
    this.handleCallChange(call.snapshot);
  }

  private handleCallChange(snapshot: CallSnapshot): void {
    if (snapshot.state === 'idle') return;
    if (snapshot.state === 'incoming' && snapshot.previous === 'idle') {
      this.#focus.moveTo('[part~="answer-button"]');
    } else if (!isLiveCallState(snapshot.state) && !this.#session.lines.length) {
      // The button that had focus (hang up, answer) is gone: put focus where the next call starts.
      this.#focus.moveTo('input');
    }
    this.dispatchEvent(new SipCallChangeEvent(callChangeDetail(snapshot)));
    this.#notifications.update(snapshot);
    this.#prewarm.callChanged(snapshot);
    this.#history.callChanged(snapshot);
  }

  private handleIdle(last: Call): void {
    this.requestUpdate();
    this.dispatchEvent(new SipCallChangeEvent(idleChangeDetail(last.snapshot)));
  }

  override render() {
    const { phone, lines, registration, shownCall, configError } = this.#session;
    return phoneTemplate(
      {
        lang: this.#locale.lang,
        now: this.#clock.now,
        registration,
        uri: phone?.config.uri,
        configError,
        maxLines: phone?.config.maxLines,
        lines: lines.map((c) => c.snapshot),
        shown: shownCall?.snapshot,
        transferPrompt: this.#transfers.prompt,
        soundBlocked: this.#devices.blocked,
        notices: { deviceNotice: this.#devices.notice, transferNotice: this.#transfers.notice },
        issues: this.#quality.snapshot.issues,
        number: this.number,
        error: this.#controls.error,
      },
      this.#controls,
    );
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sip-phone': SipPhone;
  }
}
