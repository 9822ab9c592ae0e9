/**
 * The card of `<sip-phone>` as a skeleton with holes, and the parts of it that its idle look needs:
 * the registration line, the number field with the keypad, the Call button, the empty timer and
 * quality line. The element paints its idle card with these before its body is here; the body
 * (./phone-view.ts) fills the same skeleton with the same parts, so it takes over in place: the
 * field keeps its text and focus, the live regions stay the same nodes. No words here: they are
 * passed in (the idle ones are first-paint words, ../../src/i18n/languages.ts).
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { RegistrationState } from '../../src/index.js';
import type { SipDialpadPressEvent } from '../events.js';
import '../sip-dialpad/sip-dialpad.js';

type Handler = (event: Event) => void;
type Part = TemplateResult | typeof nothing;

/** What fills the card's holes, top to bottom. */
export interface CardParts {
  registration: Part;
  banner: Part;
  transferPrompt: Part;
  soundPrompt: Part;
  /** The notice's text (a live region of the skeleton's own). */
  notice: string;
  timer: Part;
  quality: Part;
  lines: Part;
  dial: Part;
  controls: Part;
  actions: Part;
  /** The voicemail badge and the busy lamps, under the actions (absent from the first paint). */
  presence?: Part;
}

/** The card. */
export function cardTemplate(parts: CardParts): TemplateResult {
  return html`<div part="base" class="card">
    ${parts.registration} ${parts.banner} ${parts.transferPrompt} ${parts.soundPrompt}
    <div class="status-row">
      <span part="notice" class="notice" role="status">${parts.notice}</span>
      ${parts.timer}
    </div>
    ${parts.quality} ${parts.lines} ${parts.dial} ${parts.controls}
    <div class="actions">${parts.actions}</div>
    ${parts.presence}
    <audio autoplay hidden></audio>
  </div>`;
}

export interface RegistrationLine {
  state: RegistrationState;
  status?: number;
  /** `alert` when registration failed, `status` otherwise. */
  role: 'alert' | 'status';
  text: string;
  /** When the next attempt is (shown while one waits for its backoff). */
  retry?: {
    /** "Reconnecting in 2 s": to look at (it changes every second). */
    countdown: string;
    /** "Retrying at 10:42:05": to hear (it does not change). */
    at: string;
    /** The "Retry now" button's label. */
    label: string;
  };
}

/**
 * The line: a live region with `data-state` and `data-status`. When the next attempt is: a
 * countdown to look at (hidden from screen readers, or the live region would speak every second)
 * and the clock time, which does not change, to hear; and "Retry now", which makes that attempt at
 * once (`onRetryNow`, called with the rendering element as `this`).
 */
export function registrationTemplate(
  line: RegistrationLine,
  onRetryNow: (event: Event) => void,
): TemplateResult {
  const retry = line.retry;
  return html`<div
    part="registration"
    class="registration"
    role=${line.role}
    aria-live="polite"
    data-state=${line.state}
    data-status=${line.status ?? nothing}
  >
    <span class="dot" aria-hidden="true"></span><span>${line.text}</span>${
      retry
        ? html` <span aria-hidden="true">${retry.countdown}</span
            ><span class="visually-hidden">${retry.at}</span>
            <button part="retry-now-button" class="retry-now" @click=${onRetryNow}>
              ${retry.label}
            </button>`
        : nothing
    }
  </div>`;
}

/** The timer's place while no answered call is on show. */
export const emptyTimerTemplate = (): TemplateResult =>
  html`<span part="timer" class="timer"></span>`;

/** The quality line: always in the page (a live region that appears would not be announced). */
export function qualityLineTemplate(issues: readonly string[], content: Part): TemplateResult {
  return html`<div
    part="quality"
    class=${issues.length ? 'quality poor' : 'quality'}
    role="status"
    data-issues=${issues.join(' ')}
  >
    ${content}
  </div>`;
}

/** Call, when no call rings and none is live. */
export function callActionTemplate(
  label: string,
  disabled: boolean,
  callIntent: Handler,
): TemplateResult {
  return html`<button
    part="call-button"
    class="accept"
    type="submit"
    form="dial"
    ?disabled=${disabled}
    @pointerenter=${callIntent}
    @focus=${callIntent}
  >
    ${label}
  </button>`;
}

/** The number field (with why it was refused, under it) and the keypad. */
export function dialTemplate(
  number: string,
  error: string,
  t: { numberLabel: string },
  options: {
    lang: string;
    /** Every line is in use: the number cannot change. */
    readonly: boolean;
    submit: (event: SubmitEvent) => void;
    input: (event: InputEvent) => void;
    press: (event: SipDialpadPressEvent) => void;
  },
): TemplateResult {
  return html`<form id="dial" @submit=${options.submit}>
      <label for="number">${t.numberLabel}</label>
      <input
        id="number"
        part="number"
        type="text"
        inputmode="tel"
        autocomplete="off"
        spellcheck="false"
        .value=${number}
        ?readonly=${options.readonly}
        aria-invalid=${error ? 'true' : 'false'}
        aria-describedby="error"
        @input=${options.input}
      />
    </form>
    <p id="error" part="error" class="error" role="alert">${error}</p>
    <sip-dialpad
      part="dialpad"
      lang=${options.lang}
      @sip-dialpad-press=${options.press}
    ></sip-dialpad>`;
}
