/**
 * What `<sip-call-history>` does: it opens the history database (its IndexedDB code and the outcome
 * titles are fetched on the first open), follows its changes and lists the calls, with redial and
 * clear. A chunk of its own, fetched when the element is put in a page.
 */
import { html, nothing, type ReactiveController } from 'lit';
import { uiStrings } from '../../src/i18n/ui.js';
import type { HistoryEntry, UiStrings } from '../../src/index.js';
import type { CallHistory } from '../../src/history.js';
import { loadHistory, loadOutcomes } from '../shared/lazy.js';
import { SipHistoryClearEvent, SipRedialEvent } from '../events.js';
import type { LocaleController } from '../controllers/locale-controller.js';
import { adoptBodyStyles } from '../controllers/body-controller.js';
import { callHistoryStyles } from './sip-call-history.styles.js';
import { historyOutcome } from './history-outcome.js';
import type { SipCallHistory } from './sip-call-history.js';

const timeFormats = new Map<string, Intl.DateTimeFormat>();
const timeFormat = (lang: string): Intl.DateTimeFormat => {
  let format = timeFormats.get(lang);
  if (!format) {
    format = new Intl.DateTimeFormat(lang, { dateStyle: 'short', timeStyle: 'short' });
    timeFormats.set(lang, format);
  }
  return format;
};

type Direction = 'outgoing' | 'incoming' | 'missed';
const directionOf = (entry: HistoryEntry): Direction =>
  entry.direction === 'outgoing'
    ? 'outgoing'
    : entry.cause === 'missed' || (entry.state === 'ended' && !entry.answeredAt)
      ? 'missed'
      : 'incoming';
const directionLabel = (direction: Direction, t: UiStrings): string => t[direction];

export class HistoryBody implements ReactiveController {
  readonly #host: SipCallHistory;
  readonly #locale: LocaleController;
  #entries: HistoryEntry[] = [];
  #loaded = false;
  #history: CallHistory | undefined;
  /** Counts opens and closes, so that an open finished after a close is dropped. */
  #opening = 0;

  constructor(host: SipCallHistory, locale: LocaleController) {
    this.#host = host;
    this.#locale = locale;
    adoptBodyStyles(host, callHistoryStyles);
    host.addController(this);
  }

  /** Reloads the list from the database. */
  async refresh(): Promise<void> {
    if (!this.#history) return;
    this.#entries = await this.#history.list(this.#host.limit);
    this.#loaded = true;
    this.#host.requestUpdate();
  }

  hostConnected(): void {
    void this.#open();
  }

  hostDisconnected(): void {
    this.#opening++;
    this.#history?.close();
    this.#history = undefined;
  }

  /** The element's `willUpdate()`: another database is opened in place of the last one. */
  willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('databaseName') && this.#host.isConnected && this.#history) {
      this.#history.close();
      this.#history = undefined;
      void this.#open();
    }
  }

  /** Opens the database: its code and the outcome titles are fetched on the first open. */
  async #open(): Promise<void> {
    const opening = ++this.#opening;
    const [{ CallHistory }] = await Promise.all([loadHistory(), loadOutcomes()]);
    if (opening !== this.#opening) return;
    this.#history = new CallHistory({ databaseName: this.#host.databaseName });
    this.#history.on('change', () => void this.refresh());
    await this.refresh();
  }

  readonly #handleRedial = (event: Event): void => {
    const id = (event.currentTarget as HTMLButtonElement).dataset.id;
    const entry = this.#entries.find((e) => e.id === id);
    if (entry) this.#host.dispatchEvent(new SipRedialEvent({ target: entry.peer.uri, entry }));
  };

  readonly #handleClear = async (): Promise<void> => {
    if (!this.#host.dispatchEvent(new SipHistoryClearEvent())) return;
    await this.#history?.clear();
    await this.refresh();
  };

  render() {
    const t = uiStrings(this.#locale.lang);
    const lang = this.#locale.lang;
    if (this.#loaded && !this.#entries.length) {
      return html`<div part="base"><p part="empty">${t.noCalls}</p></div>`;
    }
    return html`<div part="base">
      <ul part="list" aria-label=${t.history}>
        ${this.#entries.map((entry) => {
          const direction = directionOf(entry);
          const name = entry.peer.displayName || entry.peer.user;
          return html`<li
            part="entry"
            data-direction=${direction}
            data-state=${entry.state}
            data-status=${entry.status ?? nothing}
          >
            <span class="direction">${directionLabel(direction, t)}</span>
            <span class="peer"
              >${name}${
                entry.peer.displayName
                  ? html` <span class="number">(${entry.peer.user})</span>`
                  : nothing
              }
              <span class="meta"
                >${timeFormat(lang).format(entry.startedAt)} ·
                <span class="outcome">${historyOutcome(entry, lang)}</span></span
              ></span
            >
            <button
              part="redial-button"
              type="button"
              data-id=${entry.id}
              aria-label=${t.callAgain(name)}
              @click=${this.#handleRedial}
            >
              ${t.call}
            </button>
          </li>`;
        })}
      </ul>
      ${
        this.#entries.length
          ? html`<div class="toolbar">
              <button part="clear-button" type="button" @click=${this.#handleClear}>
                ${t.clearHistory}
              </button>
            </div>`
          : nothing
      }
    </div>`;
  }
}
