/**
 * The registration line of `<sip-phone>`: one model function that turns the registration snapshot
 * into words (the state, and when a retry waits, its countdown), and its template.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { outcomeOf } from './outcome-text.js';
import { uiStrings } from '../../src/i18n/ui.js';
import type { RegistrationSnapshot, RegistrationState } from '../../src/index.js';
import type { SipRegistrationChangeDetail } from '../events.js';

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

export interface RegistrationContext {
  /** The account's SIP URI, once the phone is configured. */
  uri?: string | undefined;
  /** Why the configuration was refused, when it was. */
  configError?: Error | undefined;
  /** Configured, and the phone's code is on its way: "Connecting…" rather than "Not registered". */
  connecting?: boolean;
  lang?: string;
  /** The time to count down from (epoch ms). */
  now?: number;
}

/** "Reconnecting in 2 s" / "Retrying in 3 min": seconds under 90, else minutes. */
export function retryCountdown(retryAt: number, now: number): string {
  const seconds = Math.max(0, Math.ceil((retryAt - now) / 1000));
  return seconds < 90 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
}

/** Words for the registration snapshot, in `context.lang`. */
export function registrationLine(
  registration: RegistrationSnapshot,
  context: RegistrationContext = {},
): RegistrationLine {
  const lang = context.lang ?? 'en';
  const t = uiStrings(lang);
  const account = context.uri?.replace(/^sips?:/, '') ?? '';
  let text: string;
  switch (registration.state) {
    case 'registered':
      text = t.registered(account);
      break;
    case 'registering':
      if (registration.previous !== 'registered') text = t.registering(account);
      // With a countdown, the countdown says it ("Connection lost. Reconnecting in 2 s.").
      else text = registration.retryAt === undefined ? t.reconnecting : '';
      break;
    case 'failed': {
      const outcome = outcomeOf(registration, 'register', lang);
      text = context.configError
        ? t.settingsProblem(context.configError.message)
        : [outcome?.title ?? t.registrationFailed, outcome?.explanation, outcome?.action]
            .filter(Boolean)
            .join('. ')
            .replace(/\.\./g, '.');
      break;
    }
    default:
      if (context.connecting) text = t.connecting;
      else text = context.uri !== undefined ? t.notRegistered : t.notConfigured;
  }
  const line: RegistrationLine = {
    state: registration.state,
    ...(registration.status !== undefined ? { status: registration.status } : {}),
    role: registration.state === 'failed' ? 'alert' : 'status',
    text,
  };
  const retryAt = registration.retryAt;
  if (retryAt === undefined) return line;
  const when = retryCountdown(retryAt, context.now ?? Date.now());
  line.retry = {
    countdown: registration.state === 'registering' ? t.reconnectingIn(when) : t.retryingIn(when),
    at: t.retryingAt(new Date(retryAt).toLocaleTimeString(lang)),
    label: t.retryNow,
  };
  return line;
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

/** The phone was registered and has lost its connection (reconnecting, or waiting to). */
export function connectionLost(registration: RegistrationSnapshot): boolean {
  if (registration.state === 'registering') return registration.previous === 'registered';
  return registration.state === 'failed' && registration.cause === 'connection-error';
}

/** The `sip-registration-change` detail for a snapshot: only what it has. */
export const registrationChangeDetail = (
  snapshot: RegistrationSnapshot,
): SipRegistrationChangeDetail => ({
  state: snapshot.state,
  ...(snapshot.previous ? { previous: snapshot.previous } : {}),
  ...(snapshot.status !== undefined ? { status: snapshot.status } : {}),
  ...(snapshot.reason ? { reason: snapshot.reason } : {}),
});
