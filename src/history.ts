/**
 * Call history in IndexedDB: direction, the other party, times, duration and the outcome with its
 * SIP code. It never holds a password, a digest or any other credential: entries are built from a
 * call snapshot's public fields only. Every instance on the page (and in other tabs) hears about
 * changes through a BroadcastChannel.
 */
import { Emitter } from './emitter.js';
import type { CallDirection, CallSnapshot } from './call.js';
import type { LocalCause } from './outcomes.js';

export interface HistoryEntry {
  id: string;
  direction: CallDirection;
  /** The other party, as shown at the time (plain text). */
  peer: { user: string; displayName: string; uri: string };
  startedAt: number;
  answeredAt?: number;
  endedAt: number;
  /** Talk time in ms (0 for calls never answered). */
  durationMs: number;
  state: 'ended' | 'failed';
  status?: number;
  reason?: string;
  cause?: LocalCause;
}

export interface HistoryEvents extends Record<string, unknown> {
  change: void;
}

const STORE = 'calls';
const VERSION = 1;

/** The history entry for a finished call. Only public, non-secret fields are copied. */
export function historyEntryFor(snapshot: CallSnapshot): HistoryEntry {
  const endedAt = snapshot.endedAt ?? Date.now();
  const entry: HistoryEntry = {
    id: snapshot.id,
    direction: snapshot.direction,
    peer: {
      user: snapshot.remote.user,
      displayName: snapshot.remote.displayName,
      uri: snapshot.remote.uri,
    },
    startedAt: snapshot.startedAt,
    endedAt,
    durationMs: snapshot.answeredAt ? Math.max(0, endedAt - snapshot.answeredAt) : 0,
    state: snapshot.state === 'failed' ? 'failed' : 'ended',
  };
  if (snapshot.answeredAt) entry.answeredAt = snapshot.answeredAt;
  if (snapshot.status !== undefined) entry.status = snapshot.status;
  if (snapshot.reason) entry.reason = snapshot.reason;
  if (snapshot.cause) entry.cause = snapshot.cause;
  return entry;
}

const request = <T>(req: IDBRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });

export class CallHistory extends Emitter<HistoryEvents> {
  readonly databaseName: string;
  readonly maxEntries: number;
  #db: Promise<IDBDatabase> | undefined;
  #channel: BroadcastChannel | undefined;

  constructor(options: { databaseName?: string; maxEntries?: number } = {}) {
    super();
    this.databaseName = options.databaseName ?? 'sip-phone-history';
    this.maxEntries = options.maxEntries ?? 500;
    if (typeof BroadcastChannel !== 'undefined') {
      this.#channel = new BroadcastChannel(`sip-phone-history:${this.databaseName}`);
      this.#channel.onmessage = () => this.emit('change', undefined);
    }
  }

  /** Records a finished call (replacing an entry with the same id) and trims the oldest ones. */
  async add(entry: HistoryEntry): Promise<void> {
    const db = await this.#open();
    const tx = db.transaction(STORE, 'readwrite');
    const store = tx.objectStore(STORE);
    store.put(entry);
    const count = await request(store.count());
    if (count > this.maxEntries) {
      // The index walks oldest first: delete what exceeds the cap.
      let excess = count - this.maxEntries;
      const cursorRequest = store.index('startedAt').openCursor();
      await new Promise<void>((resolve, reject) => {
        cursorRequest.onsuccess = () => {
          const cursor = cursorRequest.result;
          if (!cursor || excess <= 0) return resolve();
          cursor.delete();
          excess--;
          cursor.continue();
        };
        cursorRequest.onerror = () => reject(cursorRequest.error);
      });
    }
    await this.#done(tx);
    this.#changed();
  }

  /** The newest `limit` entries, newest first. */
  async list(limit = 100): Promise<HistoryEntry[]> {
    const db = await this.#open();
    const tx = db.transaction(STORE, 'readonly');
    const all = await request(tx.objectStore(STORE).index('startedAt').getAll());
    return (all as HistoryEntry[]).reverse().slice(0, limit);
  }

  /** Deletes every entry. */
  async clear(): Promise<void> {
    const db = await this.#open();
    const tx = db.transaction(STORE, 'readwrite');
    tx.objectStore(STORE).clear();
    await this.#done(tx);
    this.#changed();
  }

  /** Closes the database connection and the change channel. */
  close(): void {
    this.#channel?.close();
    this.#channel = undefined;
    void this.#db?.then((db) => db.close());
    this.#db = undefined;
    this.clearListeners();
  }

  #changed(): void {
    this.emit('change', undefined);
    this.#channel?.postMessage('change');
  }

  #done(tx: IDBTransaction): Promise<void> {
    return new Promise((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }

  #open(): Promise<IDBDatabase> {
    this.#db ??= new Promise((resolve, reject) => {
      const open = indexedDB.open(this.databaseName, VERSION);
      open.onupgradeneeded = () => {
        const store = open.result.createObjectStore(STORE, { keyPath: 'id' });
        store.createIndex('startedAt', 'startedAt');
      };
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    return this.#db;
  }
}
