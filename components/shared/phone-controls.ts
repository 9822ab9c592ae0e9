/**
 * The call parts of `<sip-phone>` below the banner, as templates of a call snapshot and the UI
 * strings: the transfer prompt, the sound prompt, the timer, the quality warning, the in-call
 * controls and the answer / hang-up actions (the idle parts are in ./card-view.ts). Handlers are called with the rendering element
 * as `this`.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { UiStrings } from '../../src/i18n/ui.js';
import type { CallSnapshot } from '../../src/call.js';
import { isEstablishedCallState, isLiveCallState, type CallState } from '../../src/call-machine.js';
import type { QualityIssue } from '../../src/quality.js';
import type { TransferRequest } from '../../src/index.js';
import { callActionTemplate, emptyTimerTemplate, qualityLineTemplate } from './card-view.js';

type Handler = (event: Event) => void;

const SETUP_STATES: ReadonlySet<CallState> = new Set(['calling', 'ringing', 'early-media']);

/** `m:ss` (or `h:mm:ss`) for a duration in ms. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** The target of a transfer request as shown: no scheme, no parameters. */
export const transferTarget = (request: TransferRequest): string =>
  request.target.replace(/^sips?:/, '').split(';')[0]!;

/** "X wants to transfer you to Y — Accept / Decline", while a transfer request waits. */
export function transferPromptTemplate(
  request: TransferRequest | undefined,
  t: UiStrings,
  on: { accept: Handler; decline: Handler; keydown: (event: KeyboardEvent) => void },
): TemplateResult | typeof nothing {
  if (!request || request.state !== 'pending') return nothing;
  const who = request.from.displayName || request.from.user || t.theOtherSide;
  return html`<div
    part="transfer-prompt"
    class="transfer-prompt"
    role="group"
    aria-labelledby="transfer-ask"
    @keydown=${on.keydown}
  >
    <p id="transfer-ask" role="alert">
      <strong>${t.transferAsk(who, transferTarget(request))}</strong> ${t.transferAskHint}
    </p>
    <div class="choices">
      <button part="transfer-accept-button" class="accept" type="button" @click=${on.accept}>
        ${t.transferAccept}
      </button>
      <button part="transfer-decline-button" class="danger" type="button" @click=${on.decline}>
        ${t.transferDecline}
      </button>
    </div>
  </div>`;
}

/** "Sound is blocked — Enable sound", while the browser blocks audio until the user clicks. */
export function soundPromptTemplate(
  blocked: boolean,
  t: UiStrings,
  onEnable: Handler,
): TemplateResult | typeof nothing {
  return blocked
    ? html`<div part="sound-prompt" class="sound-prompt" role="alert">
        <span>${t.soundBlocked}</span>
        <button part="sound-button" type="button" @click=${onEnable}>${t.enableSound}</button>
      </div>`
    : nothing;
}

/** The call duration while the shown call is answered and live (not announced while it ticks). */
export function timerTemplate(
  snapshot: CallSnapshot | undefined,
  t: UiStrings,
  now = Date.now(),
): TemplateResult {
  if (!snapshot?.answeredAt || !isLiveCallState(snapshot.state)) return emptyTimerTemplate();
  const duration = formatDuration(now - snapshot.answeredAt);
  return html`<span part="timer" class="timer" role="timer" aria-label=${t.callDuration(duration)}
    >${duration}</span
  >`;
}

/** A call-quality warning in plain words, while one is raised (not while all is well). */
export function qualityTemplate(issues: readonly QualityIssue[], t: UiStrings): TemplateResult {
  return qualityLineTemplate(
    issues,
    issues.length
      ? html`<strong>${t.qualityPoor}:</strong> ${issues.map((i) => t.qualityIssues[i]).join(' ')}`
      : nothing,
  );
}

/** Mute, hold and transfer, while the shown call is established. */
export function controlsTemplate(
  snapshot: CallSnapshot | undefined,
  t: UiStrings,
  options: { lines: number; mute: Handler; hold: Handler; transfer: Handler },
): TemplateResult | typeof nothing {
  if (!snapshot || !isEstablishedCallState(snapshot.state)) return nothing;
  const held = snapshot.state === 'held';
  const holdLabel =
    snapshot.pending === 'hold' ? t.holding : snapshot.pending === 'unhold' ? t.resuming : t.hold;
  return html`<div part="controls" class="controls">
    <button
      part="mute-button"
      type="button"
      aria-pressed=${snapshot.muted ? 'true' : 'false'}
      @click=${options.mute}
    >
      ${t.mute}
    </button>
    <button
      part="hold-button"
      type="button"
      aria-pressed=${held ? 'true' : 'false'}
      ?disabled=${snapshot.pending !== undefined}
      @click=${options.hold}
    >
      ${holdLabel}
    </button>
    <button
      part="transfer-button"
      type="button"
      ?disabled=${snapshot.transfer !== undefined && snapshot.transfer.state !== 'failed'}
      @click=${options.transfer}
    >
      ${options.lines > 1 ? t.connectCalls : t.transfer}
    </button>
  </div>`;
}

/** Answer and reject while a call rings; hang up (or cancel) while one is live; else Call. */
export function actionsTemplate(
  state: CallState,
  t: UiStrings,
  options: {
    /** There is a call on show. */
    shown: boolean;
    /** Call is disabled: no phone yet, or every line is in use. */
    callDisabled: boolean;
    answer: Handler;
    reject: Handler;
    hangup: Handler;
    callIntent: Handler;
  },
): TemplateResult {
  if (state === 'incoming') {
    return html`<button part="answer-button" class="accept" type="button" @click=${options.answer}>
        ${t.answer}
      </button>
      <button part="reject-button" class="danger" type="button" @click=${options.reject}>
        ${t.reject}
      </button>`;
  }
  if (options.shown && isLiveCallState(state)) {
    return html`<button part="hangup-button" class="danger" type="button" @click=${options.hangup}>
      ${SETUP_STATES.has(state) ? t.cancel : t.hangUp}
    </button>`;
  }
  return callActionTemplate(t.call, options.callDisabled, options.callIntent);
}
