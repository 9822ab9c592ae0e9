import { expect } from '@open-wc/testing';
import {
  UPDATE_AFTER_CALL_TEXT,
  UPDATE_TEXT,
  nextUpdateState,
  updatePromptView,
  type UpdateInput,
  type UpdateState,
} from '../../app/update-prompt.js';

describe("the dialer's update prompt (app/update-prompt.ts)", () => {
  // [state, input, in a call, next state, reload now]
  const table: Array<[UpdateState, UpdateInput, boolean, UpdateState, boolean]> = [
    ['none', 'waiting', false, 'ready', false],
    ['none', 'waiting', true, 'ready', false],
    ['none', 'press', false, 'none', false],
    ['none', 'idle', false, 'none', false],
    ['ready', 'waiting', false, 'ready', false],
    ['ready', 'idle', false, 'ready', false],
    ['ready', 'press', false, 'reloading', true],
    ['ready', 'press', true, 'after-call', false],
    ['after-call', 'waiting', true, 'after-call', false],
    ['after-call', 'press', true, 'after-call', false],
    ['after-call', 'idle', true, 'after-call', false],
    ['after-call', 'idle', false, 'reloading', true],
    ['reloading', 'waiting', false, 'reloading', false],
    ['reloading', 'press', false, 'reloading', false],
    ['reloading', 'idle', false, 'reloading', false],
  ];
  for (const [state, input, inCall, next, reload] of table) {
    it(`${state} + ${input}${inCall ? ' (in a call)' : ''} → ${next}${reload ? ', reload' : ''}`, () => {
      expect(nextUpdateState(state, input, inCall)).to.deep.equal({ state: next, reload });
    });
  }

  it('never reloads without the press: only press and the end of a call after it do', () => {
    for (const [state, input, inCall] of table) {
      const { reload } = nextUpdateState(state, input, inCall);
      if (reload) {
        expect(inCall, `${state} + ${input}`).to.equal(false);
        expect(['ready', 'after-call']).to.include(state);
      }
    }
  });

  it('says "A new version is ready" with Reload, and during a call when it will load', () => {
    expect(updatePromptView('none')).to.deep.equal({ text: '', button: false });
    expect(updatePromptView('ready')).to.deep.equal({ text: UPDATE_TEXT, button: true });
    expect(updatePromptView('after-call')).to.deep.equal({
      text: UPDATE_AFTER_CALL_TEXT,
      button: false,
    });
    expect(UPDATE_AFTER_CALL_TEXT).to.match(/when your call ends/);
    expect(updatePromptView('reloading')).to.deep.equal({ text: '', button: false });
  });
});
