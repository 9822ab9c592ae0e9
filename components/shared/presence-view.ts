/**
 * The busy lamps and the voicemail badge of `<sip-phone>`'s card: what each watched address is
 * doing, in words as well as colour, with a one-press call; new and old voicemail messages, with
 * "Call voicemail" when the element knows the number.
 */
import { css, html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { Lamp, VoicemailSummary } from '../../src/index.js';
import type { UiStrings } from '../../src/i18n/ui.js';

type Handler = (event: Event) => void;

export interface PresenceView {
  lamps: readonly Lamp[];
  /** The lamp that started ringing last (said by the live region). */
  ringing: Lamp | undefined;
  voicemail: VoicemailSummary | undefined;
  /** The voicemail number ('' when none is set). */
  voicemailNumber: string;
}

export function presenceTemplate(
  view: PresenceView,
  t: UiStrings,
  on: { call: Handler; callVoicemail: Handler },
): TemplateResult | typeof nothing {
  const { lamps, voicemail, voicemailNumber } = view;
  if (lamps.length === 0 && !voicemail && !voicemailNumber) return nothing;
  const newMessages = voicemail?.newMessages ?? 0;
  return html`${
    voicemail || voicemailNumber
      ? html`<div part="voicemail" class="voicemail" data-new=${newMessages}>
          <span part="voicemail-badge" class="badge" role="status"
            >${
              voicemail ? t.voicemailCount(newMessages, voicemail.oldMessages) : t.voicemailUnknown
            }</span
          >
          ${
            voicemailNumber
              ? html`<button part="voicemail-button" type="button" @click=${on.callVoicemail}>
                  ${t.callVoicemail}
                </button>`
              : nothing
          }
        </div>`
      : nothing
  }
  ${
    lamps.length > 0
      ? html`<section part="presence" class="presence" aria-labelledby="presence-heading">
          <h2 id="presence-heading" class="presence-heading">${t.presenceHeading}</h2>
          <ul part="presence-list" class="lamps">
            ${repeat(
              lamps,
              (lamp) => lamp.target,
              (lamp) =>
                html`<li
                  part="lamp"
                  class="lamp"
                  data-state=${lamp.state}
                  data-target=${lamp.target}
                >
                  <span part="lamp-light" class="light" aria-hidden="true"></span>
                  <span class="lamp-name">${lamp.target}</span>
                  <span part="lamp-state" class="lamp-state">${t.lampState[lamp.state]}</span>
                  <button
                    part="lamp-call-button"
                    type="button"
                    data-target=${lamp.target}
                    aria-label=${t.callLamp(lamp.target)}
                    @click=${on.call}
                  >
                    ${t.call}
                  </button>
                </li>`,
            )}
          </ul>
          <span class="visually-hidden" role="status"
            >${view.ringing ? t.lampRinging(view.ringing.target) : ''}</span
          >
        </section>`
      : nothing
  }`;
}

/** The lamps' and the badge's looks (adopted by `<sip-phone>`'s body: not in the first paint). */
export const presenceStyles = css`
  .voicemail {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 0.5rem;
    margin-top: 0.75rem;
  }
  .voicemail button {
    flex: none;
    white-space: nowrap;
  }
  .voicemail[data-new]:not([data-new='0']) .badge {
    font-weight: 600;
    color: var(--sip-color-danger, #b91c1c);
  }
  .presence-heading {
    font-size: 0.875rem;
    font-weight: 600;
    margin: 0.75rem 0 0.25rem;
  }
  .lamps {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .lamp {
    display: grid;
    grid-template-columns: auto 1fr auto auto;
    align-items: center;
    gap: 0.5rem;
    padding: 0.25rem 0;
    border-top: 1px solid var(--sip-color-border, #d1d5db);
  }
  .lamp-name {
    overflow-wrap: anywhere;
  }
  .lamp-state {
    font-size: 0.875rem;
  }
  .light {
    width: 0.75rem;
    height: 0.75rem;
    border-radius: 50%;
    border: 1px solid var(--sip-color-border, #d1d5db);
    background: var(--sip-lamp-unknown, transparent);
  }
  .lamp[data-state='idle'] .light {
    background: var(--sip-lamp-idle, #15803d);
  }
  .lamp[data-state='ringing'] .light {
    background: var(--sip-lamp-ringing, #d97706);
  }
  .lamp[data-state='busy'] .light {
    background: var(--sip-lamp-busy, #b91c1c);
  }
  .lamp[data-state='offline'] .light {
    background: var(--sip-lamp-offline, #9ca3af);
  }
  @media (prefers-reduced-motion: no-preference) {
    .lamp[data-state='ringing'] .light {
      animation: sip-lamp-blink 1s steps(2, start) infinite;
    }
  }
  @keyframes sip-lamp-blink {
    to {
      opacity: 0.3;
    }
  }
  .voicemail button,
  .lamp button {
    padding: 0.3em 0.7em;
    font-weight: 600;
    color: var(--sip-color-text, #111827);
    background: var(--sip-key-background, var(--sip-color-surface-raised, #f3f4f6));
    border: 1px solid var(--sip-color-border, #d1d5db);
    border-radius: var(--sip-radius, 8px);
    cursor: pointer;
  }
`;
