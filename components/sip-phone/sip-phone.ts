import { LitElement, nothing, type PropertyValues } from 'lit';
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
import type { TonePlayer } from '../../src/tones.js';
import { localCall } from '../../src/tab-call.js';
import { PhoneStateError } from '../../src/errors.js';
import { firstPaintStrings } from '../../src/i18n/languages.js';
import {
  CODE_LOAD_FAILED,
  loadDiagnosticsDownload,
  loadSelfTest,
  prefetchInCall,
} from '../shared/lazy.js';
import { loadPhoneBody, loadedPhoneBody, prefetchPhone } from './load-body.js';
import { LocaleController, afterWords } from '../controllers/locale-controller.js';
import { BodyController } from '../controllers/body-controller.js';
import type { SipDialpadPressEvent } from '../events.js';
import { bannerStyles, bannerTemplate, idleBanner } from '../shared/banner-view.js';
import {
  callActionTemplate,
  cardTemplate,
  dialTemplate,
  emptyTimerTemplate,
  qualityLineTemplate,
  registrationTemplate,
} from '../shared/card-view.js';
import { phoneConfigOf } from '../shared/phone-config.js';
import { baseStyles } from '../shared/base.styles.js';
import { phoneStyles } from './sip-phone.styles.js';
import type * as PhoneBodyModule from './sip-phone-body.js';
import type { PhoneBody } from './sip-phone-body.js';

/** `watch` as an attribute: addresses separated by spaces or commas. */
const parseWatchList = (value: string | null): string[] =>
  (value ?? '').split(/[\s,]+/).filter((item) => item.length > 0);

// The phone's code and the core with JsSIP are fetched at once, in parallel, while the idle card
// paints: the phone must register as soon as it can. A failed fetch is said by each element.
prefetchPhone();

/**
 * @tagname sip-phone
 * @summary A complete softphone: registers over SIP/WebSocket, dials, answers, holds, mutes, sends
 * DTMF, handles a waiting second call, and shows every SIP outcome as a clear banner.
 *
 * @fires sip-registration-change - Registration state changed: `detail.state`, `.status`, `.reason`.
 * @fires sip-call-change - A call's state (or its SIP status) changed: `detail.state`, `.status`, `.reason`, `.id`.
 * @fires sip-call-request - The user pressed Call; cancelable (`preventDefault()` vetoes the call).
 * @fires sip-quality-change - Call-quality warnings rose or cleared: `detail.issues`, `.mos`.
 * @fires sip-presence-change - A watched address's busy lamp changed: `detail.target`, `.state` (idle, ringing, busy, offline, unknown), `.lamps`.
 * @fires sip-voicemail-change - The voicemail summary changed: `detail.waiting`, `.newMessages`, `.oldMessages`.
 * @fires sip-transfer-request - The far end asks to transfer a call: `detail.target`, `.from`; cancelable (`preventDefault()` declines), `detail.accept()` follows it unasked.
 * @fires sip-auto-answer - An incoming call is about to be answered by itself (`auto-answer`): `detail.id`, `.after` (seconds), `.requested`, `.caller`; cancelable (`preventDefault()` lets it ring as any other call).
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
 * @csspart voicemail - The voicemail line (with `voicemail` set, or once the server sent a summary); `data-new`.
 * @csspart voicemail-badge - New and old voicemail messages (a live region).
 * @csspart voicemail-button - "Call voicemail" (dials the `voicemail` number).
 * @csspart presence - The busy lamps (with `watch` set).
 * @csspart presence-list - Their list.
 * @csspart lamp - One watched address; `data-state` (idle, ringing, busy, offline, unknown), `data-target`.
 * @csspart lamp-light - Its coloured light.
 * @csspart lamp-state - Its state in words.
 * @csspart lamp-call-button - Calls that address.
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
 * @cssprop --sip-lamp-idle - A busy lamp that is free (green).
 * @cssprop --sip-lamp-ringing - A busy lamp that rings (amber, blinking unless reduced motion is asked for).
 * @cssprop --sip-lamp-busy - A busy lamp on a call (red).
 * @cssprop --sip-lamp-offline - A busy lamp that is offline (grey).
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

  /** What the phone does (its controllers, methods and card): a chunk fetched beside the core. */
  readonly #code = new BodyController(
    this,
    () => loadPhoneBody().then((module) => this.#makeBody(module)),
    'now',
    () => {
      const module = loadedPhoneBody();
      return module && this.#makeBody(module);
    },
  );

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

  /** No ringtone, ringback, key tones or auto-answer warning. */
  @property({ type: Boolean }) silent = false;

  /**
   * Answer incoming calls by themselves; off by default. A number of seconds, `0`–`60`, answers
   * every call after that long; `intercom` answers only calls that ask for it (`Call-Info:
   * <…>;answer-after=N`, `Alert-Info: <…>;info=alert-autoanswer`) after the time they ask (60 s at
   * most). Never sooner than half a second: a warning tone plays and the banner says so first, and
   * Reject still refuses the call. Any other value is off (with a console warning).
   */
  @property({ attribute: 'auto-answer' }) autoAnswer = '';

  /**
   * With `auto-answer`: only these callers are answered by themselves. Space-separated users (in
   * the account's domain) or addresses: `boss sip:pager@pbx.example.com`. Empty: any caller. The
   * caller is the From the server passes on: trust it only as far as your server checks it.
   */
  @property({ attribute: 'auto-answer-from' }) autoAnswerFrom = '';

  /**
   * With `auto-answer`: answer by itself even while another call is live (that call goes on hold).
   * Off by default: a call that comes while another is ringing, in progress, connected or held
   * rings as usual.
   */
  @property({ type: Boolean, attribute: 'auto-answer-busy' }) autoAnswerBusy = false;

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

  /**
   * Addresses whose call state the card shows as busy lamps (idle, ringing, on a call, offline),
   * each with a one-press Call: dial strings such as `bob`, `201`, `sip:bob@example.com`. As an
   * attribute, separated by spaces or commas. The phone subscribes to each one's `dialog` state
   * (RFC 4235), or `presence` where the server has no dialog package; at most 100.
   */
  @property({
    converter: { fromAttribute: parseWatchList, toAttribute: (v: string[]) => v.join(' ') },
  })
  watch: readonly string[] = [];

  /**
   * The voicemail number (`*97`, `voicemail`): set, the phone subscribes to the account's
   * message summary (RFC 3842), shows new and old messages, and offers "Call voicemail". Summaries
   * the server sends unasked show either way.
   */
  @property() voicemail = '';

  /**
   * This browser's tabs with the same server and URI: `shared` — one tab registers and holds the
   * calls (their audio plays there), the others mirror it and act through it; `separate` — each
   * element registers by itself. Shared needs Web Locks (a secure context).
   */
  @property({ reflect: true }) tabs: 'shared' | 'separate' = 'separate';

  /**
   * Call links: a click on a `tel:` or `sip:` link anywhere in the page fills the number and puts
   * focus on Call, without dialling (a click whose default was prevented is left alone).
   */
  @property({ type: Boolean, attribute: 'dial-links' }) dialLinks = false;

  /**
   * Ringtone, ringback and key tones (Web Audio); undefined until the phone's code is here
   * (`phoneReady` resolves after it).
   */
  get tones(): TonePlayer | undefined {
    return this.#code.body?.tones;
  }

  /** Registration state: `unregistered`, `registering`, `registered` or `failed`. */
  get registrationState(): RegistrationState {
    return this.#session?.registration.state ?? (this.#code.failed ? 'failed' : 'unregistered');
  }

  /**
   * State of the call the phone shows (a ringing call first, then the one you talk on):
   * `idle`, `calling`, `ringing`, `early-media`, `incoming`, `connected`, `held`, `ended`, `failed`.
   */
  get callState(): CallState {
    return this.#session?.shownCall?.state ?? 'idle';
  }

  /** Snapshot of the call the phone shows (state, SIP status, remote party, times). */
  get callSnapshot(): CallSnapshot | undefined {
    return this.#session?.shownCall?.snapshot;
  }

  /**
   * The call the phone shows, for advanced use (statistics, the peer connection). With shared
   * tabs, only in the tab that holds it (`callState` and `callSnapshot` are in every tab).
   */
  get currentCall(): Call | undefined {
    return localCall(this.#session?.shownCall);
  }

  /**
   * Every call not over yet, oldest first (at most `config.maxLines`, 2 by default). With shared
   * tabs, only in the tab that holds them.
   */
  get lines(): Call[] {
    return (this.#session?.lines ?? []).flatMap((call) => localCall(call) ?? []);
  }

  /** The desktop notification shown for the ringing call, if any. */
  get notification(): Notification | undefined {
    return this.#code.body?.notification;
  }

  /**
   * The core `Phone` behind the element, once configured (advanced use: wire log, events); with
   * shared tabs, only in the tab that holds it.
   */
  get phone(): Phone | undefined {
    return this.#session?.phone;
  }

  /**
   * With `tabs="shared"`: `leader` while this tab holds the account's phone, `follower` while
   * another tab of the browser does; `alone` otherwise (tabs separate, no Web Locks here, or not
   * configured yet).
   */
  get tabRole(): 'alone' | 'leader' | 'follower' {
    return this.#session?.role ?? 'alone';
  }

  /** Resolves with `phone` once it exists: the CDN file fetches the core as a chunk of its own. */
  get phoneReady(): Promise<Phone | undefined> {
    return this.#code.settled.then(() => this.#session?.loaded);
  }

  /**
   * Calls `target` (or the number field). A call you are talking on goes on hold. Throws
   * `DialStringError` for a malformed or forbidden target and `PhoneStateError` when the phone
   * cannot call now; the reason is also shown.
   */
  call(target: string = this.number): void {
    this.#bodyNow().call(target);
  }

  /** Hangs up the shown call (CANCEL before answer, BYE after), or rejects it when it rings. */
  hangup(): void {
    const call = this.#session?.shownCall;
    if (call?.state === 'incoming') call.reject(this.rejectStatus);
    else call?.hangup();
  }

  /** Answers the ringing call; a call you are talking on goes on hold. */
  answer(): void {
    this.#bodyNow().answer();
  }

  /** Rejects the ringing call (with `rejectStatus` unless given: 486 Busy Here or 603 Decline). */
  reject(status: 486 | 603 = this.rejectStatus): void {
    this.#session?.ringing?.reject(status);
  }

  /** Puts the call you are talking on on hold. Resolves false when the far end refused. */
  hold(): Promise<boolean> {
    return this.#session?.active?.hold() ?? Promise.resolve(false);
  }

  /** Resumes a held call (the newest, unless given); any other call goes on hold. */
  resume(call?: Call): Promise<boolean> {
    const session = this.#session;
    const target = call ?? session?.held;
    return target && session ? session.resume(target) : Promise.resolve(false);
  }

  /**
   * Transfers the call you are talking on. With a target, a blind transfer (REFER) to that number
   * or address; without one and with a second call on the other line, an attended transfer that
   * connects the two calls (REFER with Replaces). Resolves true when the transfer succeeded.
   */
  transfer(target?: string): Promise<boolean> {
    const body = this.#code.body;
    return body
      ? body.transfer(target)
      : Promise.reject(new PhoneStateError('not-connected', 'There is no call to transfer.'));
  }

  /**
   * Makes the scheduled reconnection or REGISTER at once instead of waiting out the backoff (the
   * registration line's "Retry now"). False when nothing is waiting.
   */
  retryNow(): boolean {
    return this.#session?.retryNow() ?? false;
  }

  /** Mutes or unmutes the microphone on the shown call (no renegotiation). */
  setMuted(muted: boolean): void {
    this.#session?.shownCall?.setMuted(muted);
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
  async diagnostics(): Promise<DiagnosticsReport> {
    await this.#code.settled;
    return this.#bodyNow().diagnostics();
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
    const session = this.#session;
    if (session) session.sendDtmf(digits);
    else
      throw new PhoneStateError('not-connected', 'DTMF can only be sent during a connected call.');
  }

  #makeBody({ PhoneBody }: typeof PhoneBodyModule): () => PhoneBody {
    return () => new PhoneBody(this, this.#locale);
  }

  get #session() {
    return this.#code.body?.session;
  }

  /** The body, for what only it can do; before it is here, the phone is not ready to act. */
  #bodyNow(): PhoneBody {
    if (this.#code.body) return this.#code.body;
    const t = firstPaintStrings(this.#locale.lang);
    if (!this.#code.failed && phoneConfigOf(this)) {
      throw new PhoneStateError('not-registered', t.notRegisteredYet);
    }
    throw new PhoneStateError(
      'not-configured',
      this.#code.failed ? CODE_LOAD_FAILED : t.notConfiguredYet,
    );
  }

  // The idle card's words are first-paint words, in every language: it paints at once. The body's
  // card waits for the page's language (a chunk of its own), so it never shows English meanwhile.
  protected override scheduleUpdate(): void | Promise<unknown> {
    if (!this.#code.body) return super.scheduleUpdate();
    return afterWords(this.#locale, () => super.scheduleUpdate());
  }

  // `await el.updateComplete` means the element is whole: its body is here and has rendered.
  protected override async getUpdateComplete(): Promise<boolean> {
    await this.#code.settled;
    return super.getUpdateComplete();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    this.#code.body?.willUpdate(this.#code.changes(changed));
  }

  protected override updated(changed: PropertyValues<this>): void {
    this.#code.body?.updated(changed);
    this.setAttribute('registration-state', this.registrationState);
    this.setAttribute('call-state', this.callState);
  }

  // Dialling has begun: the in-call code is fetched now, so that the call will not wait for it.
  private handleIdleInput(event: InputEvent): void {
    this.number = (event.target as HTMLInputElement).value;
    prefetchInCall();
  }

  private handleIdlePress(event: SipDialpadPressEvent): void {
    this.number += event.detail.key;
    prefetchInCall();
  }

  readonly #noop = (): void => undefined;

  /** The idle card, from first-paint words, before the body is here (the body's card after). */
  override render() {
    const body = this.#code.body;
    if (body) return body.render();
    const failed = this.#code.failed;
    const lang = this.#locale.lang;
    const w = firstPaintStrings(lang);
    const configured = phoneConfigOf(this) !== undefined;
    return cardTemplate({
      registration: registrationTemplate(
        {
          state: failed ? 'failed' : 'unregistered',
          role: failed ? 'alert' : 'status',
          text: failed ? CODE_LOAD_FAILED : configured ? w.connecting : w.notConfigured,
        },
        this.#noop,
      ),
      banner: bannerTemplate(idleBanner(w.ready, w.readyText)),
      transferPrompt: nothing,
      soundPrompt: nothing,
      notice: '',
      timer: emptyTimerTemplate(),
      quality: qualityLineTemplate([], nothing),
      lines: nothing,
      // Typing and the keypad fill the number; Call waits for the phone.
      dial: dialTemplate(this.number, '', w, {
        lang,
        readonly: false,
        submit: (event) => event.preventDefault(),
        input: (event) => this.handleIdleInput(event),
        press: (event) => this.handleIdlePress(event),
      }),
      controls: nothing,
      actions: callActionTemplate(w.call, true, this.#noop),
    });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sip-phone': SipPhone;
  }
}
