/**
 * Leader election between the tabs of one browser profile, with the Web Locks API: the tab that
 * holds the lock named for an account holds its phone; the others wait in the lock's queue, and
 * the browser grants it to the next one as soon as the holder releases it or its page goes away
 * (closed, crashed, navigated). No timers, no heartbeats: the browser knows when a page is gone.
 */

export interface TabLeaderHooks {
  /** This tab now holds the lock. */
  lead(): void;
  /**
   * This tab gives the lock up (asked to by `stop()`): the lock is released when this resolves,
   * so the next leader starts after this one has stopped (unless `stop(true)`).
   */
  stepDown(): Promise<void>;
}

/** True where tabs can share a phone: Web Locks and BroadcastChannel (secure contexts). */
export function canShareAcrossTabs(): boolean {
  return (
    typeof navigator !== 'undefined' &&
    typeof navigator.locks?.request === 'function' &&
    typeof BroadcastChannel === 'function' &&
    typeof crypto?.subtle?.digest === 'function'
  );
}

/** One bid for the lock: `start()` queues it, `stop()` withdraws it or gives the lock up. Once. */
export class TabLeader {
  readonly name: string;
  readonly #hooks: TabLeaderHooks;
  readonly #abort = new AbortController();
  #release: (() => void) | undefined;
  #now = false;
  #state: 'new' | 'waiting' | 'leading' | 'stopped' = 'new';

  constructor(name: string, hooks: TabLeaderHooks) {
    this.name = name;
    this.#hooks = hooks;
  }

  /** True while this tab holds the lock. */
  get leading(): boolean {
    return this.#state === 'leading';
  }

  start(): void {
    if (this.#state !== 'new') return;
    this.#state = 'waiting';
    navigator.locks
      .request(this.name, { mode: 'exclusive', signal: this.#abort.signal }, async () => {
        if (this.#state === 'stopped') return;
        this.#state = 'leading';
        const released = new Promise<void>((resolve) => (this.#release = resolve));
        this.#hooks.lead();
        await released;
        const stepped = this.#hooks.stepDown().catch(() => undefined);
        if (!this.#now) await stepped;
      })
      // AbortError: withdrawn before it was granted.
      .catch(() => undefined);
  }

  /**
   * Withdraws from the queue, or (leading) steps down and releases the lock — once stepped down,
   * or with `now` at once (a page about to be frozen runs no more tasks: its phone's goodbye
   * cannot be waited for).
   */
  stop(now = false): void {
    if (this.#state === 'stopped') return;
    this.#state = 'stopped';
    this.#now = now;
    this.#abort.abort();
    this.#release?.();
  }
}
