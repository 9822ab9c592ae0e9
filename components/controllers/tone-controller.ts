/**
 * ToneController: the element's ringtone, ringback and key tones (a `TonePlayer`, Web Audio). The
 * element says which tone the calls want (`play`), the controller starts or stops it, re-renders
 * the element when the browser blocks or unblocks audio (for an "enable sound" prompt), and closes
 * the player when the element leaves the page.
 */
// Types only: the kiosk button loads its player with the call-time parts, never in the first paint.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ToneKind, TonePlayer } from '../../src/tones.js';

export interface ToneControllerOptions {
  /** Re-render the element when `blocked` changes (it shows an "enable sound" prompt). */
  watchBlocked?: boolean;
}

export class ToneController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #player: () => TonePlayer | undefined;
  readonly #watchBlocked: boolean;
  #offBlocked: (() => void) | undefined;

  /** `player` gives the element's tone player; undefined while it is not loaded (no tones then). */
  constructor(
    host: ReactiveControllerHost,
    player: () => TonePlayer | undefined,
    options: ToneControllerOptions = {},
  ) {
    this.#host = host;
    this.#player = player;
    this.#watchBlocked = options.watchBlocked ?? false;
    host.addController(this);
  }

  /** The browser keeps audio suspended until the user interacts with the page. */
  get blocked(): boolean {
    return this.#player()?.blocked ?? false;
  }

  /** Plays `tone` (a tone already playing goes on), or silence when undefined. */
  play(tone: ToneKind | undefined): void {
    const player = this.#player();
    if (tone) player?.start(tone);
    else player?.stop();
  }

  /** The short tone of a key press. */
  key(key: string): void {
    this.#player()?.key(key);
  }

  /** Resumes the audio within a user gesture; false when the browser still blocks it. */
  unlock(): Promise<boolean> {
    return this.#player()?.unlock() ?? Promise.resolve(false);
  }

  /** Rings on that output device (`''`: the system default), where the browser allows. */
  setSinkId(deviceId: string): void {
    void this.#player()
      ?.setSinkId(deviceId)
      .catch(() => undefined);
  }

  hostConnected(): void {
    if (!this.#watchBlocked) return;
    this.#offBlocked = this.#player()?.on('blocked-change', () => this.#host.requestUpdate());
  }

  hostDisconnected(): void {
    this.#offBlocked?.();
    this.#offBlocked = undefined;
    void this.#player()?.close();
  }
}
