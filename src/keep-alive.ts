/**
 * Keep-alive for a connection that may die without closing (RFC 5626 §4.4): a laptop that slept, a
 * NAT that forgot the mapping, a proxy that vanished. After `interval` ms without a frame from the
 * server it sends a probe; when nothing at all arrives within `timeout` ms of a probe, the
 * connection is declared dead. Any frame counts as an answer, so a busy connection is never probed.
 */
export interface KeepAliveOptions {
  /** Silence before a probe, in ms (each wait is shortened by up to 20 % so phones do not align). */
  interval: number;
  /** How long a probe may go unanswered, in ms. */
  timeout: number;
  /** When the last frame arrived (epoch ms). */
  lastInbound: () => number;
  /** Sends a probe (an OPTIONS request or a CRLF ping). */
  probe: () => void;
  /** The connection did not answer: close it and reconnect. */
  onDead: () => void;
  random?: () => number;
}

export class KeepAlive {
  readonly #options: KeepAliveOptions;
  #interval: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #probeSentAt: number | undefined;
  #running = false;

  constructor(options: KeepAliveOptions) {
    this.#options = options;
    this.#interval = options.interval;
  }

  /** The silence allowed before a probe, in ms. */
  get interval(): number {
    return this.#interval;
  }

  /** A new silence budget (the server's `Flow-Timer`), in effect from now. */
  setInterval(interval: number): void {
    if (interval === this.#interval) return;
    this.#interval = interval;
    if (this.#running && this.#probeSentAt === undefined) this.#arm(0);
  }

  /** True while a probe waits for an answer. */
  get probing(): boolean {
    this.#settle();
    return this.#probeSentAt !== undefined;
  }

  start(): void {
    this.stop();
    this.#running = true;
    this.#arm(this.#silenceBudget());
  }

  stop(): void {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#probeSentAt = undefined;
  }

  /**
   * Probes now unless a frame arrived within `freshness` ms (the page came back from the
   * background, the network changed): a connection that slept may be long dead.
   */
  check(freshness = 0): void {
    this.#settle();
    if (!this.#running || this.#probeSentAt !== undefined) return;
    if (Date.now() - this.#options.lastInbound() <= freshness) return;
    this.#sendProbe();
  }

  #silenceBudget(): number {
    const random = this.#options.random ?? Math.random;
    return this.#interval * (0.8 + 0.2 * random());
  }

  #arm(delay: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#tick(), Math.max(0, delay));
  }

  /** A probe that got its answer is done. */
  #settle(): void {
    if (this.#probeSentAt !== undefined && this.#options.lastInbound() >= this.#probeSentAt) {
      this.#probeSentAt = undefined;
    }
  }

  #tick(): void {
    if (!this.#running) return;
    this.#settle();
    const now = Date.now();
    const sentAt = this.#probeSentAt;
    if (sentAt !== undefined) {
      if (now - sentAt < this.#options.timeout) {
        this.#arm(sentAt + this.#options.timeout - now);
        return;
      }
      this.stop();
      this.#options.onDead();
      return;
    }
    const silentFor = now - this.#options.lastInbound();
    const budget = this.#silenceBudget();
    if (silentFor >= budget) this.#sendProbe();
    else this.#arm(budget - silentFor);
  }

  #sendProbe(): void {
    this.#probeSentAt = Date.now();
    this.#arm(this.#options.timeout);
    this.#options.probe();
  }
}
