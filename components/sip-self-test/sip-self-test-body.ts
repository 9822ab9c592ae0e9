/**
 * What `<sip-self-test>` does: it runs the phone's self-test, shows each check as it runs, asks
 * whether the test tone was heard, and lists what to do about a failed check. A chunk of its own
 * (with the self-test's words), fetched when the panel is put in a page; the test itself is fetched
 * when it runs.
 */
import { html, nothing, type ReactiveController } from 'lit';
import type { SelfTestCheck, SelfTestReport } from '../../src/index.js';
import { selfTestStrings } from '../../src/i18n/self-test.js';
import type { LocaleController } from '../controllers/locale-controller.js';
import { adoptBodyStyles } from '../controllers/body-controller.js';
import { selfTestStyles } from './sip-self-test.styles.js';
import { SipSelfTestCompleteEvent } from '../events.js';
import type { SipSelfTest } from './sip-self-test.js';

export class SelfTestBody implements ReactiveController {
  readonly #host: SipSelfTest;
  readonly #locale: LocaleController;
  /** The checks as they stand (during and after a run). */
  #checks: SelfTestCheck[] = [];
  #running = false;
  /** Set while the speaker check waits for the user's answer. */
  #speakerQuestion: { answer: (heard: boolean) => void; replay: () => Promise<void> } | undefined;
  #abort: AbortController | undefined;

  constructor(host: SipSelfTest, locale: LocaleController) {
    this.#host = host;
    this.#locale = locale;
    adoptBodyStyles(host, selfTestStyles);
    host.addController(this);
  }

  get #t() {
    return selfTestStrings(this.#locale.lang);
  }

  hostDisconnected(): void {
    this.stop();
  }

  /** Runs the self-test; resolves with its report (undefined when there is no phone to test). */
  async run(): Promise<SelfTestReport | undefined> {
    const host = this.#host;
    const phone = host.target;
    if (!phone || this.#running) return undefined;
    this.#abort = new AbortController();
    this.#running = true;
    host.report = undefined;
    const changed = () => host.requestUpdate();
    try {
      const report = await phone.selfTest({
        signal: this.#abort.signal,
        onProgress: (checks) => {
          this.#checks = checks;
          changed();
        },
        confirmSpeaker: (replay) =>
          new Promise<boolean>((resolve) => {
            this.#speakerQuestion = {
              replay,
              answer: (heard) => {
                this.#speakerQuestion = undefined;
                changed();
                resolve(heard);
              },
            };
            changed();
            const onAbort = () => this.#speakerQuestion?.answer(false);
            this.#abort?.signal.addEventListener('abort', onAbort, { once: true });
            void host.updateComplete.then(() =>
              host.renderRoot.querySelector<HTMLButtonElement>('[data-answer="yes"]')?.focus(),
            );
          }),
      });
      this.#checks = report.checks;
      host.report = report;
      host.dispatchEvent(new SipSelfTestCompleteEvent({ report }));
      return report;
    } finally {
      this.#running = false;
      this.#speakerQuestion = undefined;
      this.#abort = undefined;
      changed();
    }
  }

  /** Stops a running self-test (checks not yet run are skipped). */
  stop(): void {
    this.#abort?.abort();
  }

  readonly #handleRunClick = (): void => {
    void this.run();
  };

  readonly #handleStopClick = (): void => {
    this.stop();
  };

  readonly #handleAnswer = (event: Event): void => {
    const heard = (event.currentTarget as HTMLElement).dataset.answer === 'yes';
    this.#speakerQuestion?.answer(heard);
  };

  readonly #handleReplay = (): void => {
    void this.#speakerQuestion?.replay();
  };

  #summary(): string {
    const t = this.#t;
    const report = this.#host.report;
    if (this.#running) {
      const current = this.#checks.find((c) => c.status === 'running');
      return current ? t.running(t.checks[current.id]) : t.running(t.heading);
    }
    if (report) {
      const failed = report.checks.filter((c) => c.status === 'fail').length;
      return failed ? t.failed(failed) : t.passed;
    }
    return this.#host.target ? t.idle : t.noPhone;
  }

  #renderCheck(check: SelfTestCheck) {
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

  render() {
    const t = this.#t;
    const question = this.#speakerQuestion;
    const running = this.#running;
    return html`<div part="base">
      <div class="actions">
        <button
          type="button"
          part="run-button"
          ?disabled=${running || !this.#host.target}
          @click=${this.#handleRunClick}
        >
          ${this.#host.report ? t.runAgain : t.run}
        </button>
        ${
          running
            ? html`<button type="button" part="stop-button" @click=${this.#handleStopClick}>
                ${t.stop}
              </button>`
            : nothing
        }
      </div>
      <p class="summary" part="summary" role="status">${this.#summary()}</p>
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
                <button type="button" data-answer="yes" @click=${this.#handleAnswer}>
                  ${t.heard}
                </button>
                <button type="button" data-answer="no" @click=${this.#handleAnswer}>
                  ${t.notHeard}
                </button>
                <button type="button" @click=${this.#handleReplay}>${t.playAgain}</button>
              </div>
            </div>`
          : nothing
      }
      ${
        this.#checks.length
          ? html`<ul part="checks" aria-label=${t.heading}>
              ${this.#checks.map((check) => this.#renderCheck(check))}
            </ul>`
          : nothing
      }
    </div>`;
  }
}
