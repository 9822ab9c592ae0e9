import { LitElement, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { defineElement } from '../shared/define.js';
import { baseStyles } from '../shared/base.styles.js';
import { selfTestStyles } from './sip-self-test.styles.js';
import type { SelfTestCheck, SelfTestReport } from '../../src/index.js';
import { selfTestStrings } from '../../src/i18n/self-test.js';
import { LocaleController, afterWords } from '../controllers/locale-controller.js';
import { SipSelfTestCompleteEvent } from '../events.js';
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
  static override styles = [baseStyles, selfTestStyles];

  readonly #locale = new LocaleController(this);

  /** The id of the `<sip-phone>` to test (in the same document or shadow root). */
  @property({ attribute: 'for' }) htmlFor = '';

  /** The `<sip-phone>` to test; takes precedence over `for`. */
  @property({ attribute: false }) phone: SipPhone | undefined;

  /** The checks as they stand (during and after a run). */
  @state() private checks: SelfTestCheck[] = [];

  @state() private running = false;

  /** The last complete report, once a run finished. */
  @state() report: SelfTestReport | undefined;

  /** Set while the speaker check waits for the user's answer. */
  @state() private speakerQuestion:
    { answer: (heard: boolean) => void; replay: () => Promise<void> } | undefined;

  #abort: AbortController | undefined;

  get #t() {
    return selfTestStrings(this.#locale.lang);
  }

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
    const phone = this.target;
    if (!phone || this.running) return undefined;
    this.#abort = new AbortController();
    this.running = true;
    this.report = undefined;
    try {
      const report = await phone.selfTest({
        signal: this.#abort.signal,
        onProgress: (checks) => (this.checks = checks),
        confirmSpeaker: (replay) =>
          new Promise<boolean>((resolve) => {
            this.speakerQuestion = {
              replay,
              answer: (heard) => {
                this.speakerQuestion = undefined;
                resolve(heard);
              },
            };
            const onAbort = () => this.speakerQuestion?.answer(false);
            this.#abort?.signal.addEventListener('abort', onAbort, { once: true });
            void this.updateComplete.then(() =>
              this.renderRoot.querySelector<HTMLButtonElement>('[data-answer="yes"]')?.focus(),
            );
          }),
      });
      this.checks = report.checks;
      this.report = report;
      this.dispatchEvent(new SipSelfTestCompleteEvent({ report }));
      return report;
    } finally {
      this.running = false;
      this.speakerQuestion = undefined;
      this.#abort = undefined;
    }
  }

  /** Stops a running self-test (checks not yet run are skipped). */
  stop(): void {
    this.#abort?.abort();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stop();
  }

  private handleRunClick(): void {
    void this.run();
  }

  private handleStopClick(): void {
    this.stop();
  }

  private handleAnswer(event: Event): void {
    const heard = (event.currentTarget as HTMLElement).dataset.answer === 'yes';
    this.speakerQuestion?.answer(heard);
  }

  private handleReplay(): void {
    void this.speakerQuestion?.replay();
  }

  private summary(): string {
    const t = this.#t;
    if (this.running) {
      const current = this.checks.find((c) => c.status === 'running');
      return current ? t.running(t.checks[current.id]) : t.running(t.heading);
    }
    if (this.report) {
      const failed = this.report.checks.filter((c) => c.status === 'fail').length;
      return failed ? t.failed(failed) : t.passed;
    }
    return this.target ? t.idle : t.noPhone;
  }

  private renderCheck(check: SelfTestCheck) {
    const t = this.#t;
    return html`<li part="check" data-check=${check.id} data-status=${check.status}>
      <span class="name">${t.checks[check.id]}</span>: <span>${t.status[check.status]}</span>
      ${check.detail ? html`<p class="detail">${check.detail}</p>` : nothing}
      ${
        check.fix && (check.status === 'fail' || check.status === 'warn')
          ? html`<p class="fix" part="fix">${t.fix} ${check.fix}</p>`
          : nothing
      }
    </li>`;
  }

  protected override scheduleUpdate(): void | Promise<unknown> {
    return afterWords(this.#locale, () => super.scheduleUpdate());
  }

  override render() {
    const t = this.#t;
    const question = this.speakerQuestion;
    return html`<div part="base">
      <div class="actions">
        <button
          type="button"
          part="run-button"
          ?disabled=${this.running || !this.target}
          @click=${this.handleRunClick}
        >
          ${this.report ? t.runAgain : t.run}
        </button>
        ${
          this.running
            ? html`<button type="button" part="stop-button" @click=${this.handleStopClick}>
                ${t.stop}
              </button>`
            : nothing
        }
      </div>
      <p class="summary" part="summary" role="status">${this.summary()}</p>
      ${
        question
          ? html`<div
              class="prompt"
              part="speaker-prompt"
              role="group"
              aria-label=${t.checks.speaker}
            >
              <p>${t.speakerQuestion}</p>
              <div class="actions">
                <button type="button" data-answer="yes" @click=${this.handleAnswer}>
                  ${t.heard}
                </button>
                <button type="button" data-answer="no" @click=${this.handleAnswer}>
                  ${t.notHeard}
                </button>
                <button type="button" @click=${this.handleReplay}>${t.playAgain}</button>
              </div>
            </div>`
          : nothing
      }
      ${
        this.checks.length
          ? html`<ul part="checks" aria-label=${t.heading}>
              ${this.checks.map((check) => this.renderCheck(check))}
            </ul>`
          : nothing
      }
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sip-self-test': SipSelfTest;
  }
}
