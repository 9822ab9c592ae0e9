/**
 * TickController: re-renders the element on a steady beat while it shows something that changes
 * with the time alone (a call timer, a retry or cooldown countdown), and not otherwise.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export class TickController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #needed: () => boolean;
  readonly #everyMs: number;
  #timer: ReturnType<typeof setInterval> | undefined;

  /** Ticks every `everyMs` while `needed()` holds; asked after every render. */
  constructor(host: ReactiveControllerHost, needed: () => boolean, everyMs = 1000) {
    this.#host = host;
    this.#needed = needed;
    this.#everyMs = everyMs;
    host.addController(this);
  }

  /** The time to show (epoch ms): what the element renders its timers and countdowns from. */
  get now(): number {
    return Date.now();
  }

  hostConnected(): void {
    this.#sync();
  }

  hostUpdated(): void {
    this.#sync();
  }

  hostDisconnected(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #sync(): void {
    const needed = this.#needed();
    if (needed && !this.#timer) {
      this.#timer = setInterval(() => this.#host.requestUpdate(), this.#everyMs);
    } else if (!needed && this.#timer) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }
}
