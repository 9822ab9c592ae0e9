/**
 * The registration line of `<sip-phone>`: one model function that turns the registration snapshot
 * into words (the state, and when a retry waits, its countdown). Its template is in ./card-view.ts.
 */
import { outcomeOf } from './outcome-text.js';
import { uiStrings } from '../../src/i18n/ui.js';
import type { RegistrationSnapshot } from '../../src/index.js';
import type { SipRegistrationChangeDetail } from '../events.js';
import type { RegistrationLine } from './card-view.js';

export type { RegistrationLine };

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
  /** Tabs share one phone and another tab holds it: the line says so. */
  elsewhere?: boolean;
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
      text = context.elsewhere ? t.registeredElsewhere(account) : t.registered(account);
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
