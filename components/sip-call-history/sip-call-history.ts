import { LitElement, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { defineElement } from '../shared/define.js';
import { baseStyles } from '../shared/base.styles.js';
import { callHistoryStyles } from './sip-call-history.styles.js';
import type { HistoryEntry, UiStrings } from '../../src/index.js';
import type { CallHistory } from '../../src/history.js';
import { loadHistory, loadOutcomes, loadedOutcomes } from '../shared/lazy.js';
import { uiStrings } from '../../src/i18n/ui.js';
import { SipHistoryClearEvent, SipRedialEvent } from '../events.js';
import { LocaleController, afterWords } from '../controllers/locale-controller.js';

const timeFormats = new Map<string, Intl.DateTimeFormat>();
const timeFormat = (lang: string): Intl.DateTimeFormat => {
  let format = timeFormats.get(lang);
  if (!format) {
    format = new Intl.DateTimeFormat(lang, { dateStyle: 'short', timeStyle: 'short' });
    timeFormats.set(lang, format);
  }
  return format;
};

function duration(ms: number): string {
  const total = Math.round(ms / 1000);
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

/**
 * "Busy (486)", "Call ended", "Missed call"… from the outcome catalogue, in `lang`. The catalogue is
 * fetched with the phone core or by `<sip-call-history>` (`loadOutcomes`); until it is here a status
 * is said as "SIP 486".
 */
export function historyOutcome(entry: HistoryEntry, lang = 'en'): string {
  const t = uiStrings(lang);
  const catalogue = loadedOutcomes();
  if (entry.state === 'ended' && entry.durationMs > 0 && entry.cause !== 'missed')
    return t.talked(duration(entry.durationMs));
  if (!catalogue) return entry.status !== undefined ? `SIP ${entry.status}` : t.callEnded;
  if (entry.cause === 'missed') return catalogue.describeLocalCause('missed', lang).title;
  const title = entry.cause
    ? catalogue.describeLocalCause(entry.cause, lang).title
    : entry.status !== undefined
      ? catalogue.describeStatus(entry.status, 'call', lang).title
      : t.callEnded;
  return entry.status !== undefined && entry.status >= 300 ? `${title} (${entry.status})` : title;
}

type Direction = 'outgoing' | 'incoming' | 'missed';
const directionOf = (entry: HistoryEntry): Direction =>
  entry.direction === 'outgoing'
    ? 'outgoing'
    : entry.cause === 'missed' || (entry.state === 'ended' && !entry.answeredAt)
      ? 'missed'
      : 'incoming';
const directionLabel = (direction: Direction, t: UiStrings): string => t[direction];

/**
 * @tagname sip-call-history
 * @summary The call history kept by `<sip-phone history>`: newest first, with redial and clear.
 *
 * @fires sip-redial - The user asked to call an entry again; `detail.target` is its SIP URI.
 * @fires sip-history-clear - The user asked to clear the history; cancelable.
 *
 * @csspart base - The wrapper.
 * @csspart list - The list of calls.
 * @csspart entry - One call; carries `data-direction`, `data-state` and `data-status`.
 * @csspart redial-button - Calls an entry again.
 * @csspart clear-button - Clears the history.
 * @csspart empty - Shown when there is no call yet.
 *
 * @cssprop --sip-color-text - Text colour.
 * @cssprop --sip-color-border - Separators.
 * @cssprop --sip-color-danger - Failed and missed calls.
 */
@defineElement('sip-call-history')
export class SipCallHistory extends LitElement {
  static override styles = [baseStyles, callHistoryStyles];

  /** IndexedDB database shared with `<sip-phone history>` (same default). */
  @property({ attribute: 'database-name' }) databaseName = 'sip-phone-history';

  /** How many calls to show. */
  @property({ type: Number }) limit = 50;

  readonly #locale = new LocaleController(this);

  @state() private entries: HistoryEntry[] = [];
  @state() private loaded = false;

  #history: CallHistory | undefined;
  /** Counts opens and closes, so that an open finished after a close is dropped. */
  #opening = 0;

  /** Reloads the list from the database. */
  async refresh(): Promise<void> {
    if (!this.#history) return;
    this.entries = await this.#history.list(this.limit);
    this.loaded = true;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#open();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#opening++;
    this.#history?.close();
    this.#history = undefined;
  }

  protected override scheduleUpdate(): void | Promise<unknown> {
    return afterWords(this.#locale, () => super.scheduleUpdate());
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (
      changed.has('databaseName') &&
      this.isConnected &&
      changed.get('databaseName') !== undefined
    ) {
      this.#history?.close();
      this.#history = undefined;
      void this.#open();
    }
  }

  /** Opens the database: its code and the outcome titles are fetched on the first open. */
  async #open(): Promise<void> {
    const opening = ++this.#opening;
    const [{ CallHistory }] = await Promise.all([loadHistory(), loadOutcomes()]);
    if (opening !== this.#opening) return;
    this.#history = new CallHistory({ databaseName: this.databaseName });
    this.#history.on('change', () => void this.refresh());
    await this.refresh();
  }

  private handleRedial(event: Event): void {
    const id = (event.currentTarget as HTMLButtonElement).dataset.id;
    const entry = this.entries.find((e) => e.id === id);
    if (entry) this.dispatchEvent(new SipRedialEvent({ target: entry.peer.uri, entry }));
  }

  private async handleClear(): Promise<void> {
    if (!this.dispatchEvent(new SipHistoryClearEvent())) return;
    await this.#history?.clear();
    await this.refresh();
  }

  override render() {
    const t = this.#locale.strings;
    const lang = this.#locale.lang;
    if (this.loaded && !this.entries.length) {
      return html`<div part="base"><p part="empty">${t.noCalls}</p></div>`;
    }
    return html`<div part="base">
      <ul part="list" aria-label=${t.history}>
        ${this.entries.map((entry) => {
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
              @click=${this.handleRedial}
            >
              ${t.call}
            </button>
          </li>`;
        })}
      </ul>
      ${
        this.entries.length
          ? html`<div class="toolbar">
              <button part="clear-button" type="button" @click=${this.handleClear}>
                ${t.clearHistory}
              </button>
            </div>`
          : nothing
      }
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sip-call-history': SipCallHistory;
  }
}
