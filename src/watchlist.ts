/**
 * Subscriptions the phone holds (RFC 6665) over JsSIP's `Subscriber`: one `dialog` subscription per
 * watched address (the busy lamps), falling back to `presence` when the server does not serve
 * dialog state (489 Bad Event), and the account's own `message-summary` (voicemail waiting).
 *
 * What JsSIP leaves to us: never more than one subscription per address; re-SUBSCRIBE on the new
 * connection after a reconnect (the old dialog's NOTIFYs can no longer reach us); back off after a
 * refusal, honouring a valid `Retry-After`; and re-subscribe at once when the server ends a
 * subscription it wants renewed (RFC 6665 4.1.3: `deactivated`, `timeout`). JsSIP refreshes an
 * active subscription before it expires by itself.
 */
import type { Subscriber } from 'jssip/lib/Subscriber';
import {
  applyDialogInfo,
  lampFromDialogs,
  lampFromPresence,
  parseDialogInfo,
  parseMessageSummary,
  parsePidf,
  type DialogEntry,
  type LampState,
  type VoicemailSummary,
} from './presence.js';
import { parseRetryAfter } from './registration-policy.js';

export type WatchPackage = 'dialog' | 'presence';

/** One watched address, as the phone reports it. */
export interface Lamp {
  /** The address as it was given (`bob`, `sip:bob@example.com`, `201`). */
  target: string;
  state: LampState;
  /** The package that gave the state; absent before the first NOTIFY. */
  via?: WatchPackage;
  /** The SIP status of the last refusal, when the server refused the subscription. */
  status?: number;
  /** When the phone tries again after a refusal (epoch ms). */
  retryAt?: number;
}

/** What the list needs of the phone. */
export interface WatchlistHost {
  /** A JsSIP subscriber for `target` (not yet sent). */
  subscriber(target: string, event: string, accept: string): Subscriber;
  /** The status (and Retry-After) of every final response to the subscriber's SUBSCRIBEs. */
  onFinalResponse(
    subscriber: Subscriber,
    listener: (status: number, retryAfter?: string) => void,
  ): void;
  retryBaseDelay: number;
  retryMaxDelay: number;
  lampChanged(lamp: Lamp): void;
  voicemailChanged(summary: VoicemailSummary): void;
}

const ACCEPT: Readonly<Record<WatchPackage | 'message-summary', string>> = {
  dialog: 'application/dialog-info+xml',
  presence: 'application/pidf+xml',
  'message-summary': 'application/simple-message-summary',
};
/** Addresses one phone may watch: beyond this a list is cut (a lamp per address is a SUBSCRIBE). */
export const MAX_WATCHED = 100;
// Reasons of a final NOTIFY after which the subscriber should subscribe again at once.
const RESUBSCRIBE_REASONS: ReadonlySet<string> = new Set(['deactivated', 'timeout']);
// Reasons after which another attempt is pointless until the list changes.
const FINAL_REASONS: ReadonlySet<string> = new Set(['rejected', 'noresource', 'invariant']);
// Statuses that say the address is not there to watch.
const GONE_STATUSES: ReadonlySet<number> = new Set([404, 410, 484, 604]);

interface Entry {
  target: string;
  event: WatchPackage | 'message-summary';
  subscriber: Subscriber | undefined;
  lamp: Lamp;
  dialogs: { version: number; dialogs: ReadonlyMap<string, DialogEntry> } | undefined;
  failures: number;
  retry: ReturnType<typeof setTimeout> | undefined;
  /** The status of the last final response to this entry's SUBSCRIBE. */
  lastStatus: number | undefined;
  lastRetryAfter: string | undefined;
}

export class Watchlist {
  readonly #host: WatchlistHost;
  readonly #entries = new Map<string, Entry>();
  #mailbox: Entry | undefined;
  /** Registered on a live connection: subscriptions may be sent. */
  #online = false;

  constructor(host: WatchlistHost) {
    this.#host = host;
  }

  /** Every lamp, in the order the addresses were given. */
  get lamps(): Lamp[] {
    return [...this.#entries.values()].map((entry) => ({ ...entry.lamp }));
  }

  /**
   * Watch these addresses (duplicates dropped, at most {@link MAX_WATCHED}): new ones are
   * subscribed, dropped ones un-subscribed, the others kept as they are.
   */
  watch(targets: readonly string[]): void {
    const wanted = [...new Set(targets)].slice(0, MAX_WATCHED);
    for (const [target, entry] of this.#entries) {
      if (!wanted.includes(target)) {
        this.#end(entry);
        this.#entries.delete(target);
      }
    }
    const next = new Map<string, Entry>();
    for (const target of wanted) {
      const entry = this.#entries.get(target) ?? this.#newEntry(target, 'dialog');
      next.set(target, entry);
      if (!this.#entries.has(target)) {
        this.#host.lampChanged({ ...entry.lamp });
        if (this.#online) this.#subscribe(entry);
      }
    }
    this.#entries.clear();
    for (const [target, entry] of next) this.#entries.set(target, entry);
  }

  /** Subscribe to the account's own voicemail summary (or stop, with undefined). */
  watchMailbox(target: string | undefined): void {
    if (this.#mailbox?.target === target) return;
    if (this.#mailbox) this.#end(this.#mailbox);
    this.#mailbox = target === undefined ? undefined : this.#newEntry(target, 'message-summary');
    if (this.#mailbox && this.#online) this.#subscribe(this.#mailbox);
  }

  /** Registered on a (new) connection: subscribe everything that has no live subscription. */
  online(): void {
    this.#online = true;
    for (const entry of this.#all()) {
      if (!entry.subscriber && !entry.retry) this.#subscribe(entry);
    }
  }

  /**
   * The connection is gone: the subscriptions' dialogs went with it (the server will send their
   * NOTIFYs to a contact that is no longer there). Forget them; lamps read unknown until the
   * phone is registered again and subscribes anew.
   */
  offline(): void {
    this.#online = false;
    for (const entry of this.#all()) {
      this.#drop(entry);
      entry.failures = 0;
      this.#setLamp(entry, { state: 'unknown' });
    }
  }

  /** Un-SUBSCRIBE everything (the phone stops). */
  stop(): void {
    this.#online = false;
    for (const entry of this.#all()) this.#end(entry);
  }

  /** An out-of-dialog NOTIFY for `message-summary` (servers send them unasked). */
  unsolicitedSummary(body: string | undefined): void {
    const summary = parseMessageSummary(body ?? '');
    if (summary) this.#host.voicemailChanged(summary);
  }

  #all(): Entry[] {
    return [...this.#entries.values(), ...(this.#mailbox ? [this.#mailbox] : [])];
  }

  #newEntry(target: string, event: Entry['event']): Entry {
    return {
      target,
      event,
      subscriber: undefined,
      lamp: { target, state: 'unknown' },
      dialogs: undefined,
      failures: 0,
      retry: undefined,
      lastStatus: undefined,
      lastRetryAfter: undefined,
    };
  }

  #subscribe(entry: Entry): void {
    clearTimeout(entry.retry);
    entry.retry = undefined;
    this.#drop(entry);
    let subscriber: Subscriber;
    try {
      subscriber = this.#host.subscriber(entry.target, entry.event, ACCEPT[entry.event]);
    } catch {
      // JsSIP refuses a target it cannot normalise: nothing to watch there.
      this.#setLamp(entry, { state: 'unknown' });
      return;
    }
    entry.subscriber = subscriber;
    entry.lastStatus = undefined;
    entry.lastRetryAfter = undefined;
    this.#host.onFinalResponse(subscriber, (status, retryAfter) => {
      if (entry.subscriber !== subscriber) return;
      entry.lastStatus = status;
      entry.lastRetryAfter = retryAfter;
      if (status >= 200 && status < 300) entry.failures = 0;
    });
    subscriber.on('notify', (_final, _request, body, contentType) => {
      if (entry.subscriber === subscriber) this.#onNotify(entry, body, contentType);
    });
    subscriber.on('terminated', (code, reason, retryAfter) => {
      if (entry.subscriber !== subscriber) return;
      entry.subscriber = undefined;
      this.#onTerminated(entry, code, reason, retryAfter);
    });
    subscriber.subscribe();
  }

  #onNotify(entry: Entry, body: string | undefined, contentType: string | undefined): void {
    const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
    if (entry.event === 'message-summary') {
      if (type === ACCEPT['message-summary']) this.unsolicitedSummary(body);
      return;
    }
    if (type === ACCEPT.dialog) {
      const doc = parseDialogInfo(body ?? '');
      if (!doc) return;
      entry.dialogs = applyDialogInfo(entry.dialogs, doc);
      this.#setLamp(entry, {
        state: lampFromDialogs(entry.dialogs.dialogs.values()),
        via: 'dialog',
      });
    } else if (type === ACCEPT.presence) {
      const status = parsePidf(body ?? '');
      if (status) this.#setLamp(entry, { state: lampFromPresence(status), via: 'presence' });
    }
  }

  #onTerminated(
    entry: Entry,
    code: number,
    reason: string | undefined,
    retryAfter: number | undefined,
  ) {
    if (!this.#online) return;
    const status = entry.lastStatus;
    // 489 Bad Event: the server has no dialog package; presence is the fallback.
    if (status === 489 && entry.event === 'dialog') {
      entry.event = 'presence';
      this.#subscribe(entry);
      return;
    }
    const C = { NON_OK: 2, AUTH: 4, FINAL_NOTIFY: 6 };
    if (code === C.FINAL_NOTIFY && reason !== undefined && RESUBSCRIBE_REASONS.has(reason)) {
      this.#subscribe(entry);
      return;
    }
    const refused = code === C.NON_OK || code === C.AUTH;
    const final = refused
      ? status !== undefined && (GONE_STATUSES.has(status) || status === 403)
      : reason !== undefined && FINAL_REASONS.has(reason);
    const gone = (status !== undefined && GONE_STATUSES.has(status)) || reason === 'noresource';
    const lamp: Omit<Lamp, 'target'> = { state: gone ? 'offline' : 'unknown' };
    if (status !== undefined && status >= 300) lamp.status = status;
    if (final) {
      this.#setLamp(entry, lamp);
      return;
    }
    // Retry-After from a 503 (or a final NOTIFY's retry-after), else exponential backoff.
    const serverDelay =
      parseRetryAfter(entry.lastRetryAfter) ??
      (retryAfter !== undefined &&
      Number.isInteger(retryAfter) &&
      retryAfter >= 0 &&
      retryAfter <= 86_400
        ? retryAfter
        : undefined);
    const backoff = Math.min(
      this.#host.retryMaxDelay,
      this.#host.retryBaseDelay * 2 ** Math.min(entry.failures, 16),
    );
    entry.failures += 1;
    const delay = serverDelay !== undefined ? Math.max(serverDelay * 1000, 1000) : backoff;
    lamp.retryAt = Date.now() + delay;
    this.#setLamp(entry, lamp);
    entry.retry = setTimeout(() => {
      entry.retry = undefined;
      if (this.#online) this.#subscribe(entry);
    }, delay);
  }

  #setLamp(entry: Entry, change: Omit<Lamp, 'target'>): void {
    const lamp: Lamp = { target: entry.target, ...change };
    if (entry.event === 'message-summary') return;
    const before = entry.lamp;
    entry.lamp = lamp;
    if (
      before.state !== lamp.state ||
      before.via !== lamp.via ||
      before.status !== lamp.status ||
      before.retryAt !== lamp.retryAt
    ) {
      this.#host.lampChanged({ ...lamp });
    }
  }

  /** Forget the subscription without a word to the server (its connection is gone). */
  #drop(entry: Entry): void {
    entry.subscriber?.removeAllListeners();
    entry.subscriber = undefined;
    entry.dialogs = undefined;
  }

  /** Un-SUBSCRIBE (Expires: 0) and forget. */
  #end(entry: Entry): void {
    clearTimeout(entry.retry);
    entry.retry = undefined;
    const subscriber = entry.subscriber;
    this.#drop(entry);
    try {
      subscriber?.terminate();
    } catch {
      // Never sent (JsSIP throws in its initial state): nothing to end.
    }
  }
}
