/**
 * What a call or registration change means, in the page's language, without the outcome catalogue
 * in the first paint: the catalogue arrives with the core (components/shared/lazy.ts), and until it
 * is here the English outcome the core put in the snapshot is said, so a failure is never blank.
 */
import type { LocalCause, Outcome, OutcomeContext } from '../../src/outcomes.js';
import { loadedOutcomes } from './lazy.js';

export interface DescribedChange {
  status?: number;
  cause?: LocalCause;
  /** What the core said about it, in English. */
  outcome?: Outcome;
}

/** The outcome of a change in `lang`; undefined when there is nothing to say. */
export function outcomeOf(
  change: DescribedChange,
  context: OutcomeContext,
  lang: string,
): Outcome | undefined {
  const catalogue = loadedOutcomes();
  return catalogue ? catalogue.describeOutcome(change, context, lang) : change.outcome;
}

/** The title of a SIP status in `lang`; `SIP <status>` while the catalogue is not here. */
export const statusTitle = (status: number, lang: string): string =>
  loadedOutcomes()?.describeStatus(status, 'call', lang).title ?? `SIP ${status}`;
