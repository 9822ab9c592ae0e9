// The banner's outcome words without the outcome catalogue in the first paint: this page loads the
// catalogue only in the second test, so the first sees what a page sees before it arrives.
import { expect } from '@open-wc/testing';
import { outcomeOf, statusTitle } from '../../components/shared/outcome-text.js';
import { loadLanguage, loadOutcomes, loadedOutcomes } from '../../components/shared/lazy.js';
import type { Outcome } from '../../src/outcomes.js';

// What the core puts in a snapshot (English), written out: this page must not load the catalogue.
const busy: Outcome = {
  status: 486,
  title: 'Busy',
  explanation: 'The person you called is on another call.',
  severity: 'warning',
};

describe('outcome words before and after the catalogue arrives', () => {
  it('says the core’s own (English) outcome until the catalogue is here: never blank', () => {
    expect(loadedOutcomes()).to.equal(undefined);
    expect(outcomeOf({ status: 486, outcome: busy }, 'call', 'de')).to.deep.equal(busy);
    expect(outcomeOf({}, 'call', 'en')).to.equal(undefined);
    expect(statusTitle(486, 'en')).to.equal('SIP 486');
  });

  it('translates from the catalogue once it is here, in the page language', async () => {
    await Promise.all([loadOutcomes(), loadLanguage('de')]);
    const german = outcomeOf({ status: 486, outcome: busy }, 'call', 'de')!;
    expect(german.title).to.not.equal('Busy');
    expect(german.explanation.length).to.be.greaterThan(0);
    expect(german.severity).to.equal('warning');
    expect(outcomeOf({ status: 486, outcome: busy }, 'call', 'en')!.title).to.equal('Busy');
    expect(statusTitle(486, 'en')).to.equal('Busy');
  });
});
