/**
 * What `<sip-call-button>` does: the kiosk session (the core and JsSIP, loaded on the first hover,
 * focus or touch), its one call with ringback, key tones and the far end's audio, the cooldown and
 * the words of a call. A chunk of its own, fetched at the first hover, focus, touch or press: the
 * button paints and waits without it.
 */
import type { PropertyValues } from 'lit';
import { KioskController } from '../controllers/kiosk-controller.js';
import type { LangController } from '../controllers/lang-controller.js';
import { ToneController } from '../controllers/tone-controller.js';
import { RemoteAudioController } from '../controllers/remote-audio-controller.js';
import { TickController } from '../controllers/tick-controller.js';
import { SipCallChangeEvent, callChangeDetail, type SipDialpadPressEvent } from '../events.js';
import { firstPaintStrings } from '../../src/i18n/languages.js';
import type { CallSnapshot } from '../../src/call.js';
import type { TonePlayer } from '../../src/tones.js';
import type * as CallUiModule from './call-ui.js';
import { callButtonTemplate, type CallButtonHandlers } from './call-button-view.js';
import type { SipCallButton } from './sip-call-button.js';

/** The call-time parts, once loaded: ./call-ui.ts and this element's tone player. */
interface CallUi {
  words: typeof CallUiModule;
  tones: TonePlayer;
}

/** The properties whose change re-configures the kiosk. */
const KIOSK_KEYS = [
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

export class CallButtonBody {
  readonly #host: SipCallButton;
  readonly #lang: LangController;

  readonly #kiosk: KioskController;
  /** Ringback and key tones, once the call-time parts (with the tone player) are loaded. */
  readonly #tones: ToneController;
  /** The far end's audio. A blocked autoplay is ignored: the press itself allows audio. */
  readonly #remoteAudio: RemoteAudioController;
  /** Re-renders while the cooldown runs, for its countdown and to enable the button after it. */
  readonly #clock: TickController;

  /** Loaded with the phone (never in the first paint); a call starts only once it is here. */
  #ui: CallUi | undefined;
  #uiLoading: Promise<CallUi | undefined> | undefined;

  constructor(host: SipCallButton, lang: LangController) {
    this.#host = host;
    this.#lang = lang;
    this.#kiosk = new KioskController(host, {
      onCallChange: (snapshot) =>
        host.dispatchEvent(new SipCallChangeEvent(callChangeDetail(snapshot))),
      onIdle: (last) => this.#handleIdle(last),
      onRemoteStream: (stream) => this.#remoteAudio.play(stream),
    });
    this.#tones = new ToneController(host, () => this.#ui?.tones);
    this.#remoteAudio = new RemoteAudioController(host);
    this.#clock = new TickController(
      host,
      () => !this.#kiosk.call && Date.now() < this.#kiosk.cooldownUntil,
      250,
    );
    // Configured at once: a hover may ask for the phone before the element's next update.
    this.#configure();
  }

  get callState(): CallSnapshot['state'] {
    return this.#kiosk.call?.snapshot.state ?? 'idle';
  }

  get loaded(): boolean {
    return this.#kiosk.loaded;
  }

  get wakeLocked(): boolean {
    return this.#kiosk.wakeLocked;
  }

  get registrationState(): string {
    return this.#kiosk.registration.state;
  }

  /** The target in use: fixed once the phone has loaded. */
  get target(): string | undefined {
    return this.#kiosk.target;
  }

  warmUp(): Promise<void> {
    return Promise.all([this.#kiosk.load(), this.#loadUi()]).then(() => undefined);
  }

  async call(): Promise<boolean> {
    void this.#kiosk.load();
    if (!(await this.#loadUi())) return false;
    return this.#kiosk.dial();
  }

  hangup(): void {
    this.#kiosk.hangup();
  }

  /** The hover, focus or touch that comes before a press: load what a call needs, prepare it. */
  approach(): void {
    void this.#kiosk.load();
    void this.#loadUi();
    if (this.#host.prewarm) void this.#kiosk.prewarm();
  }

  /** A press the page did not veto: the call, once its parts are here. */
  async press(): Promise<void> {
    void this.#kiosk.load();
    // Normally here since the hover, focus or touch that came before the press.
    const ui = this.#ui ?? (await this.#loadUi());
    if (!ui) return;
    await this.#tones.unlock();
    await this.#kiosk.dial();
  }

  willUpdate(changed: PropertyValues<SipCallButton>): void {
    if (KIOSK_KEYS.some((key) => changed.has(key))) this.#configure();
  }

  #configure(): void {
    const host = this.#host;
    this.#kiosk.configure({
      config: {
        server: host.server,
        uri: host.uri,
        ...(host.authUser ? { authUser: host.authUser } : {}),
        ...(host.password ? { password: host.password } : {}),
        ...(host.credentials ? { credentials: host.credentials } : {}),
        ...(host.callOnly ? { register: false } : {}),
        ...(host.displayName ? { displayName: host.displayName } : {}),
      },
      target: host.target,
      cooldownMs: Math.max(0, host.cooldown) * 1000,
      maxDurationMs: Math.max(0, host.maxDuration) * 1000,
      endReasonTimeoutMs: host.endReasonTimeout,
    });
  }

  updated(): void {
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

  readonly #handleHangup = (): void => {
    this.#kiosk.hangup();
  };

  readonly #handleDialpadPress = (event: SipDialpadPressEvent): void => {
    const call = this.#kiosk.call;
    if (call?.state !== 'connected') return;
    this.#tones.key(event.detail.key);
    call.sendDtmf(event.detail.key);
  };

  #handleIdle(last: CallSnapshot): void {
    this.#host.dispatchEvent(
      new SipCallChangeEvent({ ...callChangeDetail(last), state: 'idle', previous: last.state }),
    );
    // The cooldown's countdown starts now (the clock ticks from this render on).
    this.#host.requestUpdate();
  }

  /** Every state; the element's own handlers for the button (`on`) and the call's here. */
  render(on: Pick<CallButtonHandlers, 'warmUp' | 'click'>) {
    const lang = this.#lang.lang;
    const ui = this.#ui;
    // A call starts only once the call-time parts are here (see call() and press()), so the
    // banner's words, the hang-up label and the cooldown text exist whenever they are shown.
    const t = ui?.words.uiStrings(lang);
    const snapshot = ui && this.#kiosk.call?.snapshot;
    const live =
      snapshot !== undefined && snapshot.state !== 'ended' && snapshot.state !== 'failed';
    const waitMs = this.#kiosk.cooldownUntil - this.#clock.now;
    return callButtonTemplate(
      {
        lang,
        label: firstPaintStrings(lang).callButton,
        banner: snapshot ? ui.words.bannerModel(snapshot, lang) : undefined,
        live,
        keypad: live && this.#host.keypad && snapshot.state === 'connected',
        hangUpLabel: t?.hangUp ?? '',
        disabled: waitMs > 0 || !this.#host.target,
        cooldown: waitMs > 0 && t ? t.pleaseWait(Math.ceil(waitMs / 1000)) : undefined,
      },
      { ...on, hangup: this.#handleHangup, press: this.#handleDialpadPress },
    );
  }
}
