/**
 * What became of a call in the history, in words: "Busy (486)", "Call ended", "Talked 1:05"…
 * Light (the first paint exports it): the outcome catalogue is used once it is here.
 */
import type { HistoryEntry } from '../../src/index.js';
import { loadedOutcomes } from '../shared/lazy.js';
import { uiStrings } from '../../src/i18n/ui.js';

/** A call's length as m:ss. */
export function duration(ms: number): string {
  const total = Math.round(ms / 1000);
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

/**
 * "Busy (486)", "Call ended", "Missed call"… from the outcome catalogue, in `lang`. The catalogue is
 * fetched with the phone core or by `<sip-call-history>` (`loadOutcomes`); until it is here a status
 * is said as "SIP 486".
 */
export function historyOutcome(entry: HistoryEntry, lang = 'en'): string {
  const t = uiStrings(lang);
  const catalogue = loadedOutcomes();
  if (entry.state === 'ended' && entry.durationMs > 0 && entry.cause !== 'missed')
    return t.talked(duration(entry.durationMs));
  if (!catalogue) return entry.status !== undefined ? `SIP ${entry.status}` : t.callEnded;
  if (entry.cause === 'missed') return catalogue.describeLocalCause('missed', lang).title;
  const title = entry.cause
    ? catalogue.describeLocalCause(entry.cause, lang).title
    : entry.status !== undefined
      ? catalogue.describeStatus(entry.status, 'call', lang).title
      : t.callEnded;
  return entry.status !== undefined && entry.status >= 300 ? `${title} (${entry.status})` : title;
}
