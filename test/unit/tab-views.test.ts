import { expect } from '@open-wc/testing';
import type { CallState } from '../../src/index.js';
import { callSnapshot } from '../helpers/call-snapshot.js';
import { registrationLine } from '../../components/shared/registration-line.js';
import { noticeText } from '../../components/shared/notice.js';
import { describeLocalCause } from '../../src/outcomes.js';
import '../../src/i18n/index.js';

// What a follower tab says (tabs="shared"): the registration line and the notice, as tables.
describe('shared tabs: what a follower says', () => {
  const uri = 'sip:alice@example.com';
  const lines: Array<[string, boolean, string]> = [
    ['en', false, 'Registered as alice@example.com'],
    ['en', true, 'Registered as alice@example.com (in another tab)'],
    ['de', false, 'Angemeldet als alice@example.com'],
    ['de', true, 'Angemeldet als alice@example.com (in einem anderen Tab)'],
  ];
  for (const [lang, elsewhere, text] of lines) {
    it(`registration line, ${lang}, ${elsewhere ? 'in another tab' : 'here'}`, () => {
      expect(registrationLine({ state: 'registered' }, { uri, lang, elsewhere }).text).to.equal(
        text,
      );
    });
  }

  it('only a registered phone is "in another tab": other states say what they say', () => {
    expect(registrationLine({ state: 'registering' }, { uri, elsewhere: true }).text).to.equal(
      'Registering alice@example.com…',
    );
  });

  const notices: Array<[CallState, boolean, string]> = [
    ['incoming', true, 'The call is in another tab of this browser: its sound plays there.'],
    ['calling', true, 'The call is in another tab of this browser: its sound plays there.'],
    ['connected', true, 'The call is in another tab of this browser: its sound plays there.'],
    ['held', true, 'The call is in another tab of this browser: its sound plays there.'],
    ['connected', false, ''],
    ['ended', true, ''],
    ['failed', true, ''],
  ];
  for (const [state, inAnotherTab, text] of notices) {
    it(`notice: a ${state} call${inAnotherTab ? ' in another tab' : ' here'}`, () => {
      expect(noticeText(callSnapshot({ state }), { inAnotherTab })).to.equal(text);
    });
  }

  it('notice: the far end putting you on hold, and German', () => {
    expect(noticeText(callSnapshot({ remoteHold: true }), { inAnotherTab: true })).to.equal(
      'The other side put you on hold.',
    );
    expect(noticeText(callSnapshot(), { inAnotherTab: true, lang: 'de' })).to.equal(
      'Das Gespräch läuft in einem anderen Tab dieses Browsers: Der Ton kommt dort.',
    );
  });

  it('a call that ended with the tab that held it says so', () => {
    expect(describeLocalCause('tab-closed')).to.include({
      severity: 'info',
      title: 'Call ended in another tab',
    });
  });
});
