/**
 * DevicesController: the element's sound and the devices it goes through. Calls open on the chosen
 * microphone (a call in progress switches to it and goes on); the far end's audio (`audio`, a
 * RemoteAudioController) plays the shown call on the chosen speaker; the ringtone, ringback and key
 * tones (`tones`, a ToneController) play on the chosen ringer. `notice` says what went wrong with
 * a device (the microphone could not be switched or was unplugged, the speaker was refused) until
 * the next microphone switch; while the browser blocks audio until the user clicks (`blocked`),
 * `enableSound` is that click.
 */
import type { PropertyValues, ReactiveControllerHost } from 'lit';
import { uiStrings } from '../../src/i18n/ui.js';
import type { Call, Phone, TonePlayer } from '../../src/index.js';
import { loadOutcomes } from '../shared/lazy.js';
import { microphoneCause } from '../../src/devices.js';
import type { LocaleController } from './locale-controller.js';
import { RemoteAudioController } from './remote-audio-controller.js';
import { ToneController } from './tone-controller.js';

/** The element's device choices (device ids, `''` for the system default), and its `<audio>`. */
export interface DevicesHost extends ReactiveControllerHost {
  microphone: string;
  speaker: string;
  ringer: string;
  readonly renderRoot: HTMLElement | DocumentFragment;
}

export interface DevicesControllerOptions {
  /** The core phone, once configured. */
  phone(): Phone | undefined;
  /** The call on show: the one whose audio plays. */
  shownCall(): Call | undefined;
  /** The tone player. */
  tones(): TonePlayer | undefined;
  /** The element's language and UI strings. */
  locale: LocaleController;
}

// Its audio and tones are controllers of the host; the rest runs from the host's `updated()`.
export class DevicesController {
  /** The far end's audio, in the element's `<audio>`. */
  readonly audio: RemoteAudioController;
  /** Ringtone, ringback and key tones; re-renders the element when audio is blocked. */
  readonly tones: ToneController;

  readonly #host: DevicesHost;
  readonly #options: DevicesControllerOptions;
  #notice = '';

  constructor(host: DevicesHost, options: DevicesControllerOptions) {
    this.#host = host;
    this.#options = options;
    this.tones = new ToneController(host, options.tones, { watchBlocked: true });
    this.audio = new RemoteAudioController(host, {
      reportBlocked: true,
      stream: () => options.shownCall()?.remoteStream ?? null,
    });
  }

  /** A passing notice about devices (e.g. the microphone was unplugged); `''` when none. */
  get notice(): string {
    return this.#notice;
  }

  /** The browser blocks the tones or the far end's audio until the user clicks. */
  get blocked(): boolean {
    return this.tones.blocked || this.audio.blocked;
  }

  /** "Enable sound": within the click, the tones and the far end's audio may play. */
  readonly enableSound = async (): Promise<void> => {
    await this.tones.unlock();
    this.audio.resume();
    this.#host.requestUpdate();
  };

  /**
   * From the host's `updated()`: applies the choices that changed. A new `config` makes a new
   * phone, which takes the chosen microphone too.
   */
  updated(changed: PropertyValues): void {
    const host = this.#host;
    if (changed.has('microphone') || (changed.has('config') && host.microphone)) {
      void this.applyMicrophone();
    }
    if (changed.has('speaker') && this.audio.element) {
      void this.audio.setSinkId(host.speaker, () => {
        this.#setNotice(uiStrings(this.#options.locale.lang).speakerUnavailable);
      });
    }
    if (changed.has('ringer')) this.tones.setSinkId(host.ringer);
  }

  /**
   * Puts the phone on the chosen microphone, when it is not on it yet: before a call starts or is
   * answered (the choice may have changed in this same task, before an update ran), and after a
   * change. A failed switch is said in `notice`.
   */
  async applyMicrophone(): Promise<void> {
    const phone = this.#options.phone();
    const microphone = this.#host.microphone;
    if (!phone || phone.microphoneId === microphone) return;
    try {
      await phone.setMicrophone(microphone);
      this.#setNotice('');
    } catch (error) {
      const { lang } = this.#options.locale;
      const outcome = (await loadOutcomes()).describeLocalCause(microphoneCause(error), lang);
      this.#setNotice(
        uiStrings(lang).microphoneSwitchFailed(`${outcome.title}: ${outcome.explanation}`),
      );
    }
  }

  /** A new call: say when its microphone goes away; its audio plays while it is on show. */
  watch(call: Call): void {
    call.on('microphone-lost', ({ recovered }) => {
      const t = uiStrings(this.#options.locale.lang);
      this.#setNotice(recovered ? t.microphoneLost : t.microphoneGone);
    });
    call.on('remote-stream', (stream) => {
      if (this.#options.shownCall() === call) this.audio.play(stream);
    });
  }

  #setNotice(notice: string): void {
    if (notice === this.#notice) return;
    this.#notice = notice;
    this.#host.requestUpdate();
  }
}
