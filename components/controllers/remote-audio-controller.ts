/**
 * RemoteAudioController: the far end's audio, in the element's `<audio>`. It gives the element's
 * audio the call's stream and plays it, sends it to the chosen speaker (`setSinkId`), and — when
 * asked to — notices that the browser's autoplay policy blocked it, so the element can show an
 * "enable sound" prompt (`blocked`; `resume()` from a click plays it).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

type AudioWithSink = HTMLAudioElement & { setSinkId?(id: string): Promise<void> };

export interface RemoteAudioControllerOptions {
  /**
   * Track a blocked autoplay in `blocked` (and re-render). Off: a blocked autoplay is ignored, as
   * by the kiosk button, whose press is itself the gesture that allows audio.
   */
  reportBlocked?: boolean;
  /** The stream the audio should hold after each render (the shown call's); none: left as is. */
  stream?(): MediaStream | null;
}

export class RemoteAudioController implements ReactiveController {
  readonly #host: ReactiveControllerHost & { renderRoot: HTMLElement | DocumentFragment };
  readonly #options: RemoteAudioControllerOptions;
  #blocked = false;

  constructor(
    host: ReactiveControllerHost & { renderRoot: HTMLElement | DocumentFragment },
    options: RemoteAudioControllerOptions = {},
  ) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  /** The element's `<audio>`, once rendered. */
  get element(): HTMLAudioElement | null {
    return this.#host.renderRoot.querySelector('audio');
  }

  /** The browser refused to play the far end's audio until the user interacts with the page. */
  get blocked(): boolean {
    return this.#blocked;
  }

  /** Keeps `stream` in the audio (no play: `autoplay` plays a new source where allowed). */
  show(stream: MediaStream | null): void {
    const audio = this.element;
    if (audio && audio.srcObject !== stream) audio.srcObject = stream;
  }

  /** Puts `stream` in the audio and plays it. */
  play(stream: MediaStream): void {
    const audio = this.element;
    if (!audio) return;
    audio.srcObject = stream;
    this.resume();
  }

  /** Plays what the audio holds (again): after a click, it is allowed. */
  resume(): void {
    this.element?.play().then(
      () => this.#setBlocked(false),
      (error: unknown) => {
        // NotAllowedError: autoplay policy. Anything else (no source yet) is not our concern.
        if (
          this.#options.reportBlocked &&
          (error as { name?: string })?.name === 'NotAllowedError'
        ) {
          this.#setBlocked(true);
        }
      },
    );
  }

  /**
   * Sends the audio to that output device (`''`: the system default), where the browser allows.
   * When the device is refused, `onFailure` runs and the audio goes back to the default.
   */
  async setSinkId(deviceId: string, onFailure?: () => void): Promise<void> {
    const audio = this.element as AudioWithSink | null;
    if (!audio?.setSinkId) return;
    try {
      await audio.setSinkId(deviceId);
    } catch {
      onFailure?.();
      await audio.setSinkId('').catch(() => undefined);
    }
  }

  hostUpdated(): void {
    if (this.#options.stream) this.show(this.#options.stream());
  }

  #setBlocked(blocked: boolean): void {
    if (this.#blocked === blocked) return;
    this.#blocked = blocked;
    this.#host.requestUpdate();
  }
}
