/**
 * RemoteAudioController: the far end's audio, in the element's `<audio>`. It gives the element's
 * audio the call's stream and plays it, sends it to the chosen speaker (`setSinkId`), and — when
 * asked to — notices that the browser's autoplay policy blocked it, so the element can show an
 * "enable sound" prompt (`blocked`; `resume()` from a click plays it).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

type AudioWithSink = HTMLAudioElement & { sinkId?: string; setSinkId?(id: string): Promise<void> };

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
  /** The output device the audio should play on, and what to do when it is refused. */
  #sink: { deviceId: string; onFailure?: () => void } = { deviceId: '' };
  #routing: Promise<void> | undefined;
  /** A call's stream held back until the audio is on the chosen device (then played or not). */
  #waiting: { stream: MediaStream; play: boolean } | undefined;

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
    if (!audio || (stream && this.#waiting?.stream === stream)) return;
    if (stream && audio.srcObject !== stream && this.#needsRouting(audio)) {
      return this.#routeThenHold(audio, stream, false);
    }
    this.#waiting = undefined;
    if (audio.srcObject !== stream) audio.srcObject = stream;
  }

  /** Puts `stream` in the audio and plays it. */
  play(stream: MediaStream): void {
    const audio = this.element;
    if (!audio) return;
    if (this.#needsRouting(audio)) return this.#routeThenHold(audio, stream, true);
    this.#waiting = undefined;
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
   * Sends the audio to that output device (`''`: the system default), where the browser allows:
   * at once during a call, else before the next call's audio plays. When the device is refused,
   * `onFailure` runs and the audio goes back to the default.
   */
  async setSinkId(deviceId: string, onFailure?: () => void): Promise<void> {
    this.#sink = { deviceId, ...(onFailure ? { onFailure } : {}) };
    if (this.element?.srcObject) await this.#applySink();
  }

  // Chromium's setSinkId lists the output devices on the page's main thread: in a freshly started
  // browser that blocked the page (and the WebSocket's open event, so the registration) for about
  // 300 ms, for a choice that only matters once a call plays. So the device is set when a call's
  // audio arrives, before the audio takes it: on an element that is already playing a stream,
  // Chromium aborts a switch made while its player starts.
  #needsRouting(audio: AudioWithSink): boolean {
    return typeof audio.setSinkId === 'function' && audio.sinkId !== this.#sink.deviceId;
  }

  #routeThenHold(audio: HTMLAudioElement, stream: MediaStream, play: boolean): void {
    if (this.#waiting?.stream === stream) {
      this.#waiting.play ||= play;
      return;
    }
    const waiting = { stream, play };
    this.#waiting = waiting;
    void this.#applySink().then(() => {
      if (this.#waiting !== waiting) return;
      this.#waiting = undefined;
      audio.srcObject = stream;
      if (waiting.play) this.resume();
    });
  }

  /** One switch at a time: Chromium aborts a setSinkId started while another is under way. */
  #applySink(): Promise<void> {
    this.#routing ??= this.#route().finally(() => {
      this.#routing = undefined;
    });
    return this.#routing;
  }

  async #route(): Promise<void> {
    // A few rounds: the choice may change (or fall back to the default) while a switch runs.
    for (let round = 0; round < 3; round++) {
      const audio = this.element as AudioWithSink | null;
      const sink = this.#sink;
      if (!audio || !this.#needsRouting(audio)) return;
      try {
        await audio.setSinkId!(sink.deviceId);
      } catch {
        if (this.#sink !== sink) continue;
        this.#sink = { deviceId: '' };
        sink.onFailure?.();
      }
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
