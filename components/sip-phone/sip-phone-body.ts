/**
 * What `<sip-phone>` does, as opposed to what it is: its controllers (the phone session, devices,
 * tones, transfers, focus, notifications, history…), what its methods do, and its card in every
 * state. The element itself (`sip-phone.ts`) holds its properties and paints the idle card; this
 * module comes in a chunk of its own, fetched at once beside the core, and takes over when it is
 * here. Every controller is added to the element then (`addController` starts it at once when the
 * element is connected).
 */
import type { PropertyValues } from 'lit';
import { uiStrings } from '../../src/i18n/ui.js';
import type { Call, CallSnapshot, DiagnosticsReport } from '../../src/index.js';
import { isRemoteCall, localCall, type PhoneCall } from '../../src/tab-call.js';
import { PhoneStateError } from '../../src/errors.js';
import { isLiveCallState } from '../../src/call-machine.js';
import { TonePlayer, toneFor } from '../../src/tones.js';
import { PhoneController } from '../controllers/phone-controller.js';
import type { LocaleController } from '../controllers/locale-controller.js';
import { QualityController } from '../controllers/quality-controller.js';
import { TickController } from '../controllers/tick-controller.js';
import { NotificationController } from '../controllers/notification-controller.js';
import { TransferController } from '../controllers/transfer-controller.js';
import { ControlsController } from '../controllers/controls-controller.js';
import { DevicesController } from '../controllers/devices-controller.js';
import { HistoryController } from '../controllers/history-controller.js';
import { PrewarmController } from '../controllers/prewarm-controller.js';
import { FocusController } from '../controllers/focus-controller.js';
import { PresenceController } from '../controllers/presence-controller.js';
import { presenceTemplate } from '../shared/presence-view.js';
import { AutoAnswerController } from '../controllers/auto-answer-controller.js';
import { DialLinksController } from '../controllers/dial-links-controller.js';
import {
  SipCallChangeEvent,
  callChangeDetail,
  SipQualityChangeEvent,
  SipRegistrationChangeEvent,
} from '../events.js';
import { whoOf } from '../shared/banner.js';
import { registrationChangeDetail } from '../shared/registration-line.js';
import { phoneTemplate } from '../shared/phone-view.js';
import { idleChangeDetail, qualityChangeDetail } from '../shared/change-details.js';
import { PHONE_CONFIG_KEYS, phoneConfigOf } from '../shared/phone-config.js';
import type { SipPhone } from './sip-phone.js';

export class PhoneBody {
  /** Ringtone, ringback and key tones (Web Audio): the element's `tones`. */
  readonly tones = new TonePlayer();

  readonly #host: SipPhone;
  readonly #locale: LocaleController;

  readonly #quality: QualityController;
  /** The phone session: the core phone, its registration, the lines and the call on show. */
  readonly session: PhoneController;
  /** Focus to Answer when a call rings, to a transfer prompt, back to the number after a call. */
  readonly #focus: FocusController;
  /** Transfers the far end asks for: the page's say, the prompt, what became of them. */
  readonly #transfers: TransferController;
  /** The call timer and the retry countdown. */
  readonly #clock: TickController;
  /** The microphone, the far end's audio on the speaker, `tones` on the ringer; blocked audio. */
  readonly #devices: DevicesController;
  /** Ended calls into the IndexedDB history, with `history` on. */
  readonly #history: HistoryController;
  /** With `prewarm`, the call is prepared when the pointer or focus reaches Call. */
  readonly #prewarm: PrewarmController;
  /** What the card's controls do, and the keys; why an action was refused. */
  readonly #controls: ControlsController;
  readonly #notifications: NotificationController;
  /** Busy lamps of `watch`, the voicemail summary, their one-press calls. */
  readonly #presence: PresenceController;
  /** With `auto-answer`: the countdown, then the answer, for the calls it allows. */
  readonly #autoAnswer: AutoAnswerController;

  constructor(host: SipPhone, locale: LocaleController) {
    this.#host = host;
    this.#locale = locale;
    const words = () => uiStrings(locale.lang);
    this.#quality = new QualityController(
      host,
      // A call in another tab has its peer connection there: it is measured there.
      () => localCall(this.session.shownCall),
      (snapshot, call) => {
        this.session.phone?.noteQuality(call, snapshot.issues, snapshot.mos);
        host.dispatchEvent(new SipQualityChangeEvent(qualityChangeDetail(call.id, snapshot)));
      },
    );
    this.#presence = new PresenceController(host);
    this.session = new PhoneController(host, {
      onPhone: this.#presence.adopt,
      onRegistrationChange: (snapshot) =>
        host.dispatchEvent(new SipRegistrationChangeEvent(registrationChangeDetail(snapshot))),
      onCallChange: (snapshot, call) => this.#handleCallChange(snapshot, call),
      onCall: (call) => this.#handleNewCall(call),
      onIdle: (last) => this.#handleIdle(last),
      // This tab now holds the shared phone: it takes the microphone chosen here.
      onRole: (role) => {
        if (role === 'leader') void this.#devices.applyMicrophone();
      },
      onRemoteRefused: (error) => this.#controls.refused(error, words().callNotStarted),
      onTransferRequest: (request) => this.#transfers.request(request),
      onTransferRefused: (refusal) => this.#transfers.refused(refusal),
    });
    this.#focus = new FocusController(host);
    // With `dial-links`, tel: and sip: links in the page fill the number.
    new DialLinksController(host);
    this.#transfers = new TransferController(host, {
      strings: words,
      asks: () => this.session.phone?.config.transfers === 'ask',
      onPrompt: () => this.#focus.moveTo('[part~="transfer-accept-button"]'),
    });
    this.#clock = new TickController(
      host,
      () =>
        this.session.lines.some((c) => c.snapshot.answeredAt !== undefined) ||
        this.session.registration.retryAt !== undefined,
    );
    this.#devices = new DevicesController(host, {
      phone: () => this.session.phone,
      shownCall: () => localCall(this.session.shownCall),
      tones: () => this.tones,
      locale,
    });
    this.#history = new HistoryController(host);
    this.#prewarm = new PrewarmController(host, () => this.session.phone);
    this.#controls = new ControlsController(host, {
      session: this.session,
      strings: words,
      onTone: (key) => {
        if (!host.silent) this.#devices.tones.key(key);
      },
      transferPrompt: this.#transfers,
      enableSound: this.#devices.enableSound,
      callIntent: this.#prewarm.intent,
    });
    this.#notifications = new NotificationController(host, {
      enabled: () => host.notifications,
      words: (snapshot) => ({
        title: words().incomingCall,
        body: words().notificationFrom(whoOf(snapshot, words())),
      }),
    });
    this.#autoAnswer = new AutoAnswerController(host, {
      phone: () => this.session.phone,
      lines: () => this.session.lines.filter((c): c is Call => !isRemoteCall(c)),
      answer: (call) => this.#answerCall(call),
    });
  }

  /** The UI strings in the element's language. */
  get #t() {
    return uiStrings(this.#locale.lang);
  }

  /** The desktop notification shown for the ringing call, if any. */
  get notification(): Notification | undefined {
    return this.#notifications.current;
  }

  call(target: string): void {
    const t = this.#t;
    try {
      // The microphone property may have changed in this same task, before an update ran.
      void this.#devices.applyMicrophone();
      this.session.placeCall(target, t);
      this.#controls.error = '';
    } catch (error) {
      this.#controls.refused(error, t.callNotStarted);
      throw error;
    }
  }

  answer(): void {
    const { ringing: call, role } = this.session;
    if (!call || (!this.session.phone && role !== 'follower')) {
      throw new PhoneStateError('not-ringing', 'There is no incoming call to answer.');
    }
    this.#answerCall(call);
  }

  /** Answer (the Answer button, `answer()`, auto-answer); in a follower tab, through the leader. */
  #answerCall(call: PhoneCall): void {
    void this.#devices.applyMicrophone();
    this.session.answer(call);
  }

  transfer(target?: string): Promise<boolean> {
    try {
      return this.session.transfer(target);
    } catch (error) {
      this.#controls.refused(error, this.#t.notTransferred);
      return Promise.reject(error);
    }
  }

  diagnostics(): Promise<DiagnosticsReport> {
    return this.session.diagnostics();
  }

  /** The element's `willUpdate()`; on the first update after the body arrived, every key counts. */
  willUpdate(changed: PropertyValues<SipPhone>): void {
    const host = this.#host;
    if (changed.has('endReasonTimeout')) this.session.endReasonTimeout = host.endReasonTimeout;
    if (PHONE_CONFIG_KEYS.some((key) => changed.has(key)) || changed.has('tabs')) {
      this.session.configure(phoneConfigOf(host), host.tabs);
    }
    if (changed.has('watch') || changed.has('voicemail')) this.#presence.update();
  }

  /** The element's `updated()`: devices, the state attributes, the tone that should play. */
  updated(changed: PropertyValues<SipPhone>): void {
    const host = this.#host;
    this.#devices.updated(changed);
    // Ringtone while a call rings for us, ringback while the far end rings without early media;
    // only in the tab that holds the calls (one phone rings once); the warning instead of the
    // ringtone while a call is about to be answered by itself.
    const lines = this.session.localLines;
    const tone = host.silent
      ? undefined
      : this.#autoAnswer.pending
        ? 'auto-answer'
        : toneFor(lines.map((c) => c.snapshot));
    this.#devices.tones.play(tone);
  }

  #handleNewCall(call: PhoneCall): void {
    if (!isRemoteCall(call)) this.#devices.watch(call);
    this.#handleCallChange(call.snapshot, call);
  }

  #handleCallChange(snapshot: CallSnapshot, call: PhoneCall): void {
    if (snapshot.state === 'idle') return;
    if (snapshot.state === 'incoming' && snapshot.previous === 'idle') {
      this.#focus.moveTo('[part~="answer-button"]');
    } else if (!isLiveCallState(snapshot.state) && !this.session.lines.length) {
      // The button that had focus (hang up, answer) is gone: put focus where the next call starts.
      this.#focus.moveTo('input');
    }
    this.#host.dispatchEvent(new SipCallChangeEvent(callChangeDetail(snapshot)));
    this.#prewarm.callChanged(snapshot);
    // The tab that holds the call notifies and keeps the history (once, not once per tab).
    if (isRemoteCall(call)) return;
    // After `sip-call-change`: the page hears of the call before it hears it will be answered.
    this.#autoAnswer.callChanged(snapshot);
    this.#notifications.update(snapshot);
    this.#history.callChanged(snapshot);
  }

  #handleIdle(last: PhoneCall): void {
    this.#host.requestUpdate();
    this.#host.dispatchEvent(new SipCallChangeEvent(idleChangeDetail(last.snapshot)));
  }

  /** The card, in whatever state the phone is. */
  render() {
    const { account, lines, registration, shownCall, configError, loading } = this.session;
    return phoneTemplate(
      {
        lang: this.#locale.lang,
        now: this.#clock.now,
        registration,
        uri: account?.uri,
        configError,
        connecting: loading,
        maxLines: account?.maxLines,
        lines: lines.map((c) => c.snapshot),
        shown: shownCall?.snapshot,
        transferPrompt: this.#transfers.prompt,
        autoAnswer: this.#autoAnswer.pending,
        soundBlocked: this.#devices.blocked,
        notices: {
          deviceNotice: this.#devices.notice,
          transferNotice: this.#transfers.notice,
          inAnotherTab: isRemoteCall(shownCall),
        },
        elsewhere: this.session.role === 'follower',
        issues: this.#quality.snapshot.issues,
        number: this.#host.number,
        error: this.#controls.error,
        presence: presenceTemplate(
          {
            lamps: this.#presence.lamps,
            ringing: this.#presence.ringing,
            voicemail: this.#presence.voicemail,
            voicemailNumber: this.#host.voicemail,
          },
          uiStrings(this.#locale.lang),
          this.#presence,
        ),
      },
      this.#controls,
    );
  }
}
