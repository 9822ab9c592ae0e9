import { LitElement, html } from 'lit';
import { property } from 'lit/decorators.js';
import { defineElement } from '../shared/define.js';
import { baseStyles, panelHostStyles } from '../shared/base.styles.js';
import { LocaleController, afterWords } from '../controllers/locale-controller.js';
import { BodyController } from '../controllers/body-controller.js';

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
  // The rest of the look comes with the body (its lists and buttons are drawn by it).
  static override styles = [baseStyles, panelHostStyles];

  /** IndexedDB database shared with `<sip-phone history>` (same default). */
  @property({ attribute: 'database-name' }) databaseName = 'sip-phone-history';

  /** How many calls to show. */
  @property({ type: Number }) limit = 50;

  readonly #locale = new LocaleController(this);

  /** What the list does (the database, the list, redial and clear): fetched when it is connected. */
  readonly #code = new BodyController(this, () =>
    import('./sip-call-history-body.js').then(
      ({ HistoryBody }) =>
        () =>
          new HistoryBody(this, this.#locale),
    ),
  );

  /** Reloads the list from the database. */
  async refresh(): Promise<void> {
    await this.#code.load();
    await this.#code.body?.refresh();
  }

  protected override scheduleUpdate(): void | Promise<unknown> {
    return afterWords(this.#locale, () => super.scheduleUpdate());
  }

  // `await el.updateComplete` means the element is whole: its code is here and has rendered.
  protected override async getUpdateComplete(): Promise<boolean> {
    await this.#code.settled;
    return super.getUpdateComplete();
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    this.#code.body?.willUpdate(changed);
  }

  override render() {
    return this.#code.body?.render() ?? html`<div part="base"></div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sip-call-history': SipCallHistory;
  }
}
