import { LitElement, html } from 'lit';
import { property, state } from 'lit/decorators.js';
import { defineElement } from '../shared/define.js';
import { baseStyles, panelHostStyles } from '../shared/base.styles.js';
import type { SelfTestReport } from '../../src/index.js';
import { LocaleController, afterWords } from '../controllers/locale-controller.js';
import { BodyController } from '../controllers/body-controller.js';
import type { SipPhone } from '../sip-phone/sip-phone.js';

/**
 * @tagname sip-self-test
 * @summary The pre-call self-test of a `<sip-phone>` as a panel: runs it with the phone's settings
 * and devices, asks whether the test tone was heard, and lists each check with what to do when it
 * failed.
 *
 * @fires sip-self-test-complete - The self-test finished: `detail.report` (`ok`, `checks`).
 *
 * @csspart base - The wrapper.
 * @csspart run-button - Starts (or restarts) the self-test.
 * @csspart stop-button - Stops a running self-test.
 * @csspart summary - One line on the outcome; an ARIA live region.
 * @csspart checks - The list of checks.
 * @csspart check - One check; carries `data-check` and `data-status`.
 * @csspart fix - What to do about a failed check.
 * @csspart speaker-prompt - "Did you hear a short tone?" with its buttons.
 *
 * @cssprop --sip-color-text - Text colour.
 * @cssprop --sip-color-border - Borders.
 * @cssprop --sip-color-accept - Passed checks.
 * @cssprop --sip-color-danger - Failed checks.
 * @cssprop --sip-color-warning - Warnings.
 * @cssprop --sip-color-focus - Focus ring.
 * @cssprop --sip-radius - Corner radius.
 */
@defineElement('sip-self-test')
export class SipSelfTest extends LitElement {
  // The rest of the look comes with the body (its lists and buttons are drawn by it).
  static override styles = [baseStyles, panelHostStyles];

  readonly #locale = new LocaleController(this);

  /** What the panel does (the run, its checks, the speaker question): fetched when connected. */
  readonly #code = new BodyController(this, () =>
    import('./sip-self-test-body.js').then(
      ({ SelfTestBody }) =>
        () =>
          new SelfTestBody(this, this.#locale),
    ),
  );

  /** The id of the `<sip-phone>` to test (in the same document or shadow root). */
  @property({ attribute: 'for' }) htmlFor = '';

  /** The `<sip-phone>` to test; takes precedence over `for`. */
  @property({ attribute: false }) phone: SipPhone | undefined;

  /** The last complete report, once a run finished. */
  @state() report: SelfTestReport | undefined;

  /** The phone this panel tests. */
  get target(): SipPhone | undefined {
    if (this.phone) return this.phone;
    if (!this.htmlFor) return undefined;
    const root = this.getRootNode() as Document | ShadowRoot;
    const found = root.getElementById?.(this.htmlFor) ?? document.getElementById(this.htmlFor);
    return found?.localName === 'sip-phone' ? (found as SipPhone) : undefined;
  }

  /** Runs the self-test; resolves with its report (undefined when there is no phone to test). */
  async run(): Promise<SelfTestReport | undefined> {
    await this.#code.load();
    return this.#code.body?.run();
  }

  /** Stops a running self-test (checks not yet run are skipped). */
  stop(): void {
    this.#code.body?.stop();
  }

  protected override scheduleUpdate(): void | Promise<unknown> {
    return afterWords(this.#locale, () => super.scheduleUpdate());
  }

  // `await el.updateComplete` means the element is whole: its code is here and has rendered.
  protected override async getUpdateComplete(): Promise<boolean> {
    await this.#code.settled;
    return super.getUpdateComplete();
  }

  override render() {
    return this.#code.body?.render() ?? html`<div part="base"></div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sip-self-test': SipSelfTest;
  }
}
