/**
 * The call-state banner, shared by every element that shows a call: one model function that turns a
 * call snapshot into words (all from the outcome catalogue), and one template for the live region.
 */
import { html, css, nothing, type TemplateResult } from 'lit';
// Direct module imports, not src/index.js: the kiosk button's first paint must not pull in JsSIP.
import { describeOutcome, type Severity } from '../../src/outcomes.js';
import { uiStrings, type UiStrings } from '../../src/i18n/index.js';
import type { CallState } from '../../src/call-machine.js';
import type { CallSnapshot } from '../../src/call.js';

const en = uiStrings('en');

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

/** "Name (number)", the number, or a neutral word: who the call is with. Plain text. */
export const whoOf = (snapshot: CallSnapshot, t: UiStrings = en): string =>
  snapshot.remote.displayName
    ? `${snapshot.remote.displayName} (${snapshot.remote.user})`
    : snapshot.remote.user || t.theOtherSide;

/** Words for a call snapshot, in `lang`; `undefined` means no call yet. */
export function bannerModel(snapshot: CallSnapshot | undefined, lang = 'en'): BannerModel {
  const t = uiStrings(lang);
  if (!snapshot) {
    return { state: 'idle', severity: 'info', title: t.ready, text: t.readyText, role: 'status' };
  }
  const { state, status } = snapshot;
  const outcome = describeOutcome(snapshot, 'call', lang);
  const base = { state, ...(status !== undefined ? { status } : {}) };
  const who = whoOf(snapshot, t);
  if (snapshot.reconnecting && (state === 'connected' || state === 'held')) {
    // The audio path broke and the phone is restoring it (ICE restart): say so, the call goes on.
    return {
      ...base,
      severity: 'warning',
      title: t.reconnecting,
      text: t.inCallWith(who),
      role: 'status',
    };
  }
  switch (state) {
    case 'idle':
    case 'calling':
      return {
        ...base,
        severity: 'progress',
        title: t.calling,
        text: outcome?.explanation ?? t.callingWho(who),
        role: 'status',
      };
    case 'ringing':
    case 'early-media':
      return {
        ...base,
        severity: 'progress',
        title: outcome?.title ?? (state === 'ringing' ? t.ringing : t.callInProgress),
        text: outcome?.explanation ?? '',
        role: 'status',
      };
    case 'incoming':
      return {
        ...base,
        severity: 'progress',
        title: t.incomingCall,
        text: t.incomingFrom(who),
        role: 'alert',
      };
    case 'connected':
      return {
        ...base,
        severity: 'success',
        title: t.connected,
        text: t.inCallWith(who),
        role: 'status',
      };
    case 'held':
      return { ...base, severity: 'info', title: t.onHold, text: t.heldWho(who), role: 'status' };
    case 'ended':
    case 'failed':
      return {
        ...base,
        severity: outcome?.severity ?? (state === 'ended' ? 'info' : 'error'),
        title: outcome?.title ?? (state === 'ended' ? t.callEnded : t.callFailed),
        text: outcome?.explanation ?? '',
        ...(outcome?.action ? { action: outcome.action } : {}),
        role: state === 'failed' ? 'alert' : 'status',
      };
  }
}

/** The banner's text as one line (what the live region announces). */
export const bannerText = (model: BannerModel): string =>
  [model.title, model.text, model.action].filter(Boolean).join(' ');

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
