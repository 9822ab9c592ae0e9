/**
 * The call-state banner's look: its model type, the live-region template and its styles. No words
 * here (./banner.ts turns a call into words, from the outcome catalogue): this module is part of the
 * kiosk button's first paint, which shows the banner empty until a call starts.
 */
import { html, css, nothing, type TemplateResult } from 'lit';
import type { Severity } from '../../src/outcomes.js';
import type { CallState } from '../../src/call-machine.js';

export interface BannerModel {
  state: CallState;
  status?: number;
  severity: Severity;
  title: string;
  text: string;
  action?: string;
  /** `alert` for failures and incoming calls, `status` for everything else. */
  role: 'status' | 'alert';
}

/** The banner when there is no call, with these words (none: an empty live region, ready to speak). */
export const idleBanner = (title = '', text = ''): BannerModel => ({
  state: 'idle',
  severity: 'info',
  title,
  text,
  role: 'status',
});

/** The live region. It is rendered from the first render on; only its text and data change. */
export function bannerTemplate(model: BannerModel): TemplateResult {
  return html`<div
    part="banner banner-${model.severity}"
    class="banner ${model.severity}"
    role=${model.role}
    aria-live=${model.role === 'alert' ? 'assertive' : 'polite'}
    aria-atomic="true"
    data-state=${model.state}
    data-status=${model.status ?? nothing}
  >
    <strong part="banner-title" class="title">${model.title}</strong>
    <span part="banner-text" class="text">${model.text}</span>
    ${model.action ? html`<span part="banner-action" class="action">${model.action}</span>` : nothing}
  </div>`;
}

export const bannerStyles = css`
  .banner {
    display: flex;
    flex-direction: column;
    gap: 0.15em;
    min-height: 3.2em;
    padding: var(--sip-banner-padding, 0.6em 0.8em);
    border-radius: var(--sip-radius, 8px);
    border-inline-start: 4px solid var(--sip-banner-accent, var(--sip-color-neutral, #6b7280));
    background: var(--sip-banner-background, var(--sip-color-surface-raised, #f3f4f6));
    color: var(--sip-color-text, #111827);
  }
  .banner.progress {
    --sip-banner-accent: var(--sip-color-progress, #2563eb);
  }
  .banner.success {
    --sip-banner-accent: var(--sip-color-success, #15803d);
  }
  .banner.warning {
    --sip-banner-accent: var(--sip-color-warning, #b45309);
  }
  .banner.error {
    --sip-banner-accent: var(--sip-color-danger, #b91c1c);
  }
  .title {
    font-weight: 600;
  }
  .text,
  .action {
    font-size: 0.9em;
  }
  .action {
    font-style: italic;
  }
`;
