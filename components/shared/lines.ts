/**
 * The lines list of `<sip-phone>` (shown once a second line is in use): one model function that
 * turns the calls' snapshots into rows (who, state, what can be done), and its template.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { uiStrings } from '../../src/i18n/ui.js';
import type { CallSnapshot } from '../../src/call.js';
import type { CallState } from '../../src/call-machine.js';

export interface LineRow {
  /** The call's id (`data-call` on its buttons). */
  id: string;
  state: CallState;
  /** This is the call the phone shows. */
  shown: boolean;
  /** "Alice · On hold". */
  text: string;
  /** Resume a held call, or answer a ringing one. */
  action?: { key: 'resume' | 'answer'; label: string; ariaLabel: string };
  /** The end button's label and accessible name. */
  end: { label: string; ariaLabel: string };
}

export interface LinesModel {
  /** The list's accessible name. */
  label: string;
  rows: LineRow[];
}

/** The display name, else the user part, else a neutral word. */
export const nameOf = (snapshot: CallSnapshot, unknown: string): string =>
  snapshot.remote.displayName || snapshot.remote.user || unknown;

/** Rows for the calls not over yet (oldest first); undefined while fewer than two. */
export function linesModel(
  lines: readonly CallSnapshot[],
  shownId: string | undefined,
  lang = 'en',
): LinesModel | undefined {
  if (lines.length < 2) return undefined;
  const t = uiStrings(lang);
  return {
    label: t.calls,
    rows: lines.map((snapshot) => {
      const name = nameOf(snapshot, t.unknownCaller);
      const action =
        snapshot.state === 'held'
          ? { key: 'resume' as const, label: t.resume, ariaLabel: t.resumeWho(name) }
          : snapshot.state === 'incoming'
            ? { key: 'answer' as const, label: t.answer, ariaLabel: t.answerWho(name) }
            : undefined;
      return {
        id: snapshot.id,
        state: snapshot.state,
        shown: snapshot.id === shownId,
        text: `${name} · ${t.lineStates[snapshot.state]}`,
        ...(action ? { action } : {}),
        end: { label: t.end, ariaLabel: t.hangUpWho(name) },
      };
    }),
  };
}

/**
 * The list: one `line` part per call (`data-state`, `data-focused` on the shown one); its buttons
 * carry `data-call` and `data-action` (`resume`, `answer`, `hangup`) for `onAction`.
 */
export function linesTemplate(
  model: LinesModel | undefined,
  onAction: (event: Event) => void,
): TemplateResult | typeof nothing {
  if (!model) return nothing;
  return html`<ul part="lines" class="lines" aria-label=${model.label}>
    ${model.rows.map(
      (row) =>
        html`<li part="line" class="line" data-state=${row.state} ?data-focused=${row.shown}>
          <span class="who">${row.text}</span>
          ${
            row.action
              ? html`<button
                  part="${row.action.key}-button"
                  class="accept"
                  type="button"
                  data-call=${row.id}
                  data-action=${row.action.key}
                  aria-label=${row.action.ariaLabel}
                  @click=${onAction}
                >
                  ${row.action.label}
                </button>`
              : nothing
          }
          <button
            class="danger"
            type="button"
            data-call=${row.id}
            data-action="hangup"
            aria-label=${row.end.ariaLabel}
            @click=${onAction}
          >
            ${row.end.label}
          </button>
        </li>`,
    )}
  </ul>`;
}
