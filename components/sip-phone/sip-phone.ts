import { LitElement, html, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { defineElement } from '../shared/define.js';
import {
  CallHistory,
  PhoneStateError,
  describeLocalCause,
  microphoneCause,
  TonePlayer,
  historyEntryFor,
  isLiveCallState,
  toneFor,
  isSipPhoneError,
  runSelfTest,
  type DiagnosticsReport,
  type SelfTestOptions,
  type SelfTestReport,
  type Call,
  type CallSnapshot,
  type CredentialsProvider,
  type CallState,
  type Phone,
  type PhoneConfig,
  type RegistrationSnapshot,
  type RegistrationState,
  type ServerEntry,
} from '../../src/index.js';
import { PhoneController } from '../controllers/phone-controller.js';
import { LocaleController } from '../controllers/locale-controller.js';
import { QualityController } from '../controllers/quality-controller.js';
import { ToneController } from '../controllers/tone-controller.js';
import { RemoteAudioController } from '../controllers/remote-audio-controller.js';
import { TickController } from '../controllers/tick-controller.js';
import { NotificationController } from '../controllers/notification-controller.js';
import { TransferController } from '../controllers/transfer-controller.js';
import { DialKeysController } from '../controllers/dial-keys-controller.js';
import { FocusController } from '../controllers/focus-controller.js';
import {
  SipCallChangeEvent,
  callChangeDetail,
  SipCallRequestEvent,
  SipQualityChangeEvent,
  SipRegistrationChangeEvent,
  type SipDialpadPressEvent,
} from '../events.js';
import {
  bannerModel,
  bannerStyles,
  bannerTemplate,
  disconnectedBanner,
  whoOf,
} from '../shared/banner.js';
import {
  connectionLost,
  registrationChangeDetail,
  registrationLine,
  registrationTemplate,
} from '../shared/registration-line.js';
import { noticeText } from '../shared/notice.js';
import { linesModel, linesTemplate } from '../shared/lines.js';
import {
  actionsTemplate,
  controlsTemplate,
  dialTemplate,
  qualityTemplate,
  soundPromptTemplate,
  timerTemplate,
  transferPromptTemplate,
} from '../shared/phone-controls.js';
import { downloadDiagnostics } from '../shared/diagnostics-download.js';
import { PHONE_CONFIG_KEYS, phoneConfigOf } from '../shared/phone-config.js';
import { baseStyles } from '../shared/base.styles.js';
import { phoneStyles } from './sip-phone.styles.js';

/** No pre-warming for this long after a call ended. */
const PREWARM_QUIET_AFTER_CALL_MS = 1000;

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
      this.dispatchEvent(
        new SipQualityChangeEvent({
          id: call.id,
          issues: [...snapshot.issues],
          ...(snapshot.mos !== undefined ? { mos: snapshot.mos } : {}),
        }),
      );
    },
  );

  /** The phone session: the core phone, its registration, the lines and the call on show. */
  readonly #session = new PhoneController(this, {
    onRegistrationChange: (snapshot) => this.handleRegistrationChange(snapshot),
    onCallChange: (snapshot) => this.handleCallChange(snapshot),
    onCall: (call) => this.handleNewCall(call),
    onIdle: (last) => this.handleIdle(last),
    onTransferRequest: (request) => this.#transfers.request(request),
    onTransferRefused: (refusal) => this.#transfers.refused(refusal),
  });

  /** Digit keys: DTMF during a call, the number between calls. */
  readonly #dialKeys = new DialKeysController(this, {
    callState: () => this.callState,
    field: () => this.numberInput,
    onTone: (key) => {
      if (!this.silent) this.#tones.key(key);
    },
    onDtmf: (key) => {
      try {
        this.sendDtmf(key);
      } catch (error) {
        this.inputError = isSipPhoneError(error) ? error.message : this.#t.digitNotSent;
      }
    },
    onDigit: (key) => {
      this.number += key;
      this.inputError = '';
    },
  });

  /** Focus to Answer when a call rings, to a transfer prompt, back to the number after a call. */
  readonly #focus = new FocusController(this);

  /** Transfers the far end asks for: the page's say, the prompt, what became of them. */
  readonly #transfers = new TransferController(this, {
    strings: () => this.#t,
    asks: () => this.#session.phone?.config.transfers === 'ask',
    onPrompt: () => this.#focus.moveTo('[part~="transfer-accept-button"]'),
  });

  /** Plays `tones` (the public player) as the calls want; re-renders when audio is blocked. */
  readonly #tones = new ToneController(this, () => this.tones, { watchBlocked: true });

  readonly #remoteAudio = new RemoteAudioController(this, {
    reportBlocked: true,
    stream: () => this.#session.shownCall?.remoteStream ?? null,
  });

  /** The call timer and the retry countdown. */
  readonly #clock = new TickController(
    this,
    () =>
      this.#session.lines.some((c) => c.snapshot.answeredAt !== undefined) ||
      this.#session.registration.retryAt !== undefined,
  );

  readonly #notifications = new NotificationController(this, {
    enabled: () => this.notifications,
    words: (snapshot) => ({
      title: this.#t.incomingCall,
      body: this.#t.notificationFrom(whoOf(snapshot, this.#t)),
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

  /** Why the last call attempt or action was refused (shown under the number field). */
  @state() private inputError = '';

  /** A passing notice about devices (e.g. the microphone was unplugged). */
  @state() private deviceNotice = '';

  /** Ringtone, ringback and key tones (Web Audio). */
  readonly tones = new TonePlayer();

  @query('input') private numberInput!: HTMLInputElement | null;

  #callEndedAt = 0;

  /** The UI strings in the element's language. */
  get #t() {
    return this.#locale.strings;
  }

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

  /**
   * Calls `target` (or the number field). A call you are talking on goes on hold. Throws
   * `DialStringError` for a malformed or forbidden target and `PhoneStateError` when the phone
   * cannot call now; the reason is also shown.
   */
  call(target: string = this.number): void {
    try {
      const phone = this.#session.phone;
      if (!phone) {
        throw new PhoneStateError(
          'not-configured',
          this.#session.configError?.message ?? this.#t.notConfiguredYet,
        );
      }
      if (this.#session.registration.state !== 'registered' && phone.config.register) {
        throw new PhoneStateError('not-registered', this.#t.notRegisteredYet);
      }
      // The microphone property may have changed in this same task, before an update ran.
      if (phone.microphoneId !== this.microphone) void this.#applyMicrophone();
      phone.call(target);
      this.inputError = '';
    } catch (error) {
      this.inputError = isSipPhoneError(error) ? error.message : this.#t.callNotStarted;
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
    const call = this.#session.ringing;
    const phone = this.#session.phone;
    if (!call || !phone) {
      throw new PhoneStateError('not-ringing', 'There is no incoming call to answer.');
    }
    if (phone.microphoneId !== this.microphone) void this.#applyMicrophone();
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
      this.inputError = isSipPhoneError(error) ? error.message : this.#t.notTransferred;
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
  selfTest(options: SelfTestOptions = {}): Promise<SelfTestReport> {
    const config = phoneConfigOf(this) ?? { ...this.config, server: this.server, uri: this.uri };
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
    return downloadDiagnostics(await this.diagnostics(), format, this.renderRoot);
  }

  /** Sends DTMF digits (`0-9 * # A-D`, `,` = pause) during a call. Throws `DtmfError` on bad input. */
  sendDtmf(digits: string): void {
    this.#session.sendDtmf(digits);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('endReasonTimeout')) this.#session.endReasonTimeout = this.endReasonTimeout;
    if (PHONE_CONFIG_KEYS.some((key) => changed.has(key))) {
      this.#session.configure(phoneConfigOf(this));
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('microphone') || (changed.has('config') && this.microphone)) {
      void this.#applyMicrophone();
    }
    if (changed.has('speaker') && this.#remoteAudio.element) {
      void this.#remoteAudio.setSinkId(this.speaker, () => {
        this.deviceNotice = this.#t.speakerUnavailable;
      });
    }
    if (changed.has('ringer')) this.#tones.setSinkId(this.ringer);
    this.setAttribute('registration-state', this.registrationState);
    this.setAttribute('call-state', this.callState);
    // Ringtone while a call rings for us, ringback while the far end rings without early media.
    this.#tones.play(this.silent ? undefined : toneFor(this.#session.lines.map((c) => c.snapshot)));
  }

  async #applyMicrophone(): Promise<void> {
    const phone = this.#session.phone;
    if (!phone || phone.microphoneId === this.microphone) return;
    try {
      await phone.setMicrophone(this.microphone);
      this.deviceNotice = '';
    } catch (error) {
      const outcome = describeLocalCause(microphoneCause(error), this.#locale.lang);
      this.deviceNotice = this.#t.microphoneSwitchFailed(
        `${outcome.title}: ${outcome.explanation}`,
      );
    }
  }

  async #record(snapshot: CallSnapshot): Promise<void> {
    const history = new CallHistory({ databaseName: this.historyDatabase });
    try {
      await history.add(historyEntryFor(snapshot));
    } finally {
      history.close();
    }
  }

  private async handleEnableSound(): Promise<void> {
    await this.#tones.unlock();
    this.#remoteAudio.resume();
    this.requestUpdate();
  }

  private handleRegistrationChange(snapshot: RegistrationSnapshot): void {
    this.dispatchEvent(new SipRegistrationChangeEvent(registrationChangeDetail(snapshot)));
  }

  private handleNewCall(call: Call): void {
    call.on('microphone-lost', ({ recovered }) => {
      this.deviceNotice = recovered ? this.#t.microphoneLost : this.#t.microphoneGone;
    });
    call.on('remote-stream', (stream) => {
      if (this.#session.shownCall === call) this.#remoteAudio.play(stream);
    });
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
    if (!isLiveCallState(snapshot.state)) this.#callEndedAt = Date.now();
    if (this.history && !isLiveCallState(snapshot.state)) void this.#record(snapshot);
  }

  /** The pointer or focus reached Call: with `prewarm`, prepare the call before the press. */
  private handleCallIntent(): void {
    // Right after a call, Call appears under the pointer that pressed Hang up: that is no intent
    // to call again, and the microphone should close with the call.
    if (!this.prewarm || Date.now() - this.#callEndedAt < PREWARM_QUIET_AFTER_CALL_MS) return;
    this.#session.phone?.prewarm().catch(() => undefined);
  }

  private handleIdle(last: Call): void {
    this.requestUpdate();
    this.dispatchEvent(
      new SipCallChangeEvent({
        ...callChangeDetail(last.snapshot),
        state: 'idle',
        previous: last.state,
      }),
    );
  }

  private handleDialpadPress(event: SipDialpadPressEvent): void {
    this.#dialKeys.press(event.detail.key);
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
      this.inputError = isSipPhoneError(error) ? error.message : this.#t.callNotAnswered;
    }
  }

  private handleRejectClick(): void {
    this.reject();
  }

  private handleMuteClick(): void {
    this.#session.toggleMute();
  }

  private handleHoldClick(): void {
    this.#session.toggleHold();
  }

  private handleTransferClick(): void {
    const others = this.#session.lines.filter((c) => c !== this.#session.shownCall);
    const target = others.length ? undefined : this.number.trim();
    if (target === '') {
      this.inputError = this.#t.typeTransferTarget;
      this.numberInput?.focus();
      return;
    }
    this.transfer(target).catch(() => undefined);
  }

  private handleLineAction(event: Event): void {
    const { dataset } = event.currentTarget as HTMLButtonElement;
    this.#session.lineAction(dataset.call, dataset.action);
  }

  private handleRetryNow(): void {
    this.retryNow();
  }

  override render() {
    const t = this.#t;
    const { phone, lines, registration, shownCall } = this.#session;
    const lang = this.#locale.lang;
    const state = this.callState;
    const maxLines = phone?.config.maxLines;
    return html`<div part="base" class="card">
      ${registrationTemplate(
        registrationLine(registration, {
          now: this.#clock.now,
          uri: phone?.config.uri,
          configError: this.#session.configError,
          lang,
        }),
        this.handleRetryNow,
      )}
      ${bannerTemplate(
        !shownCall && connectionLost(registration)
          ? disconnectedBanner(lang)
          : bannerModel(shownCall?.snapshot, lang),
      )}
      ${transferPromptTemplate(this.#transfers.prompt, t, this.#transfers)}
      ${soundPromptTemplate(this.#tones.blocked || this.#remoteAudio.blocked, t, this.handleEnableSound)}
      <div class="status-row">
        <span part="notice" class="notice" role="status"
          >${noticeText(shownCall?.snapshot, {
            deviceNotice: this.deviceNotice,
            transferNotice: this.#transfers.notice,
            lang,
          })}</span
        >
        ${timerTemplate(shownCall?.snapshot, t, this.#clock.now)}
      </div>
      ${qualityTemplate(this.#quality.snapshot.issues, t)}
      ${linesTemplate(
        linesModel(
          lines.map((c) => c.snapshot),
          shownCall?.id,
          lang,
        ),
        this.handleLineAction,
      )}
      ${dialTemplate(this.number, this.inputError, t, {
        lang,
        readonly: isLiveCallState(state) && lines.length >= (maxLines ?? 1),
        submit: this.handleSubmit,
        input: this.handleNumberInput,
        press: this.handleDialpadPress,
      })}
      ${controlsTemplate(shownCall?.snapshot, t, {
        lines: lines.length,
        mute: this.handleMuteClick,
        hold: this.handleHoldClick,
        transfer: this.handleTransferClick,
      })}
      <div class="actions">
        ${actionsTemplate(state, t, {
          shown: shownCall !== undefined,
          callDisabled: !phone || lines.length >= phone.config.maxLines,
          answer: this.handleAnswerClick,
          reject: this.handleRejectClick,
          hangup: this.handleHangupClick,
          callIntent: this.handleCallIntent,
        })}
      </div>
      <audio autoplay hidden></audio>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sip-phone': SipPhone;
  }
}
