/**
 * HistoryController: the element's call history. With `history` on, every call that ends goes into
 * the IndexedDB database `historyDatabase` (what `<sip-call-history>` shows): direction, peer,
 * times and outcome, never a credential. The IndexedDB code is fetched on the first write.
 */
import type { CallSnapshot } from '../../src/call.js';
import { isFinalCallState } from '../../src/call-machine.js';
import { loadHistory } from '../shared/lazy.js';

/** The element's history settings. */
export interface HistoryHost {
  history: boolean;
  historyDatabase: string;
}

// No lifecycle of its own (the database is opened for each write), so not added to the host.
export class HistoryController {
  readonly #host: HistoryHost;

  constructor(host: HistoryHost) {
    this.#host = host;
  }

  /** A call changed: record it once it has ended, when the host keeps a history. */
  callChanged(snapshot: CallSnapshot): void {
    if (this.#host.history && isFinalCallState(snapshot.state)) void this.#record(snapshot);
  }

  async #record(snapshot: CallSnapshot): Promise<void> {
    const { CallHistory, historyEntryFor } = await loadHistory();
    const history = new CallHistory({ databaseName: this.#host.historyDatabase });
    try {
      await history.add(historyEntryFor(snapshot));
    } finally {
      history.close();
    }
  }
}
