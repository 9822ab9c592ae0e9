import { expect } from '@open-wc/testing';
import { render } from 'lit';
import type { CallSnapshot } from '../../src/index.js';
import { callSnapshot } from '../helpers/call-snapshot.js';
import { uiStrings } from '../../src/i18n/index.js';
import {
  phoneTemplate,
  type PhoneHandlers,
  type PhoneView,
} from '../../components/shared/phone-view.js';
import { idleChangeDetail, qualityChangeDetail } from '../../components/shared/change-details.js';

const t = uiStrings('en');

const call = (overrides: Partial<CallSnapshot> = {}): CallSnapshot =>
  callSnapshot({ startedAt: 1_000, ...overrides });

const view = (overrides: Partial<PhoneView> = {}): PhoneView => ({
  lang: 'en',
  now: Date.now(),
  registration: { state: 'registered', status: 200 },
  uri: 'sip:alice@example.com',
  configError: undefined,
  connecting: false,
  maxLines: 2,
  lines: [],
  shown: undefined,
  transferPrompt: undefined,
  soundBlocked: false,
  notices: {},
  issues: [],
  number: '',
  error: '',
  ...overrides,
});

/** Handlers that record which control was used. */
function recorder(): { on: PhoneHandlers; used: string[] } {
  const used: string[] = [];
  const note = (name: string) => () => void used.push(name);
  const on: PhoneHandlers = {
    retryNow: note('retryNow'),
    enableSound: note('enableSound'),
    transferPrompt: { accept: note('accept'), decline: note('decline'), keydown: note('keydown') },
    line: note('line'),
    submit: (event) => {
      event.preventDefault();
      used.push('submit');
    },
    input: note('input'),
    press: note('press'),
    mute: note('mute'),
    hold: note('hold'),
    transfer: note('transfer'),
    answer: note('answer'),
    reject: note('reject'),
    hangup: note('hangup'),
    callIntent: note('callIntent'),
  };
  return { on, used };
}

function card(model: PhoneView, on = recorder().on): HTMLElement {
  const host = document.createElement('div');
  document.body.append(host);
  render(phoneTemplate(model, on), host);
  return host;
}

const part = (root: HTMLElement, name: string) =>
  root.querySelector<HTMLElement>(`[part~="${name}"]`);

describe('phone card (template)', () => {
  afterEach(() => {
    document.body.replaceChildren();
  });

  it('offers Call, disabled until the phone is configured', () => {
    const configured = card(view({ number: '1234' }));
    const call = part(configured, 'call-button') as HTMLButtonElement;
    expect(call.disabled).to.equal(false);
    expect((part(configured, 'number') as HTMLInputElement).value).to.equal('1234');
    expect(part(configured, 'registration')?.dataset.state).to.equal('registered');
    expect(part(configured, 'hangup-button')).to.equal(null);
    const unconfigured = card(
      view({ maxLines: undefined, registration: { state: 'unregistered' } }),
    );
    expect((part(unconfigured, 'call-button') as HTMLButtonElement).disabled).to.equal(true);
  });

  it('offers Answer and Reject while a call rings, and says who calls', () => {
    const ringing = call({ state: 'incoming', direction: 'incoming' });
    const { on, used } = recorder();
    const root = card(view({ lines: [ringing], shown: ringing }), on);
    expect(part(root, 'call-button')).to.equal(null);
    expect(part(root, 'banner')?.dataset.state).to.equal('incoming');
    part(root, 'answer-button')!.click();
    part(root, 'reject-button')!.click();
    expect(used).to.deep.equal(['answer', 'reject']);
  });

  it('lists the lines and locks the number once every line is in use', () => {
    const held = call({ id: 'c1', state: 'held' });
    const talking = call({ id: 'c2', state: 'connected', answeredAt: 2_000 });
    const { on, used } = recorder();
    const root = card(view({ lines: [held, talking], shown: talking }), on);
    expect(root.querySelectorAll('[part~="line"]')).to.have.length(2);
    expect((part(root, 'number') as HTMLInputElement).readOnly).to.equal(true);
    expect(part(root, 'transfer-button')?.textContent?.trim()).to.equal(t.connectCalls);
    expect(part(root, 'timer')?.textContent).to.not.equal('');
    part(root, 'mute-button')!.click();
    part(root, 'hangup-button')!.click();
    part(root, 'resume-button')!.click();
    expect(used).to.deep.equal(['mute', 'hangup', 'line']);
  });

  it('says "not connected" without a call while the connection is lost', () => {
    const lost = card(view({ registration: { state: 'registering', previous: 'registered' } }));
    expect(part(lost, 'banner-title')?.textContent).to.equal(t.offline);
    const ready = card(view());
    expect(part(ready, 'banner-title')?.textContent).to.equal(t.ready);
  });

  it('puts the device notice first, and shows the sound prompt and quality warnings', () => {
    const talking = call();
    const { on, used } = recorder();
    const root = card(
      view({
        lines: [talking],
        shown: talking,
        soundBlocked: true,
        issues: ['packet-loss'],
        notices: { deviceNotice: 'Mic gone', transferNotice: { call: 'c1', text: 'Declined.' } },
        error: 'Not now',
      }),
      on,
    );
    expect(part(root, 'notice')?.textContent).to.equal('Mic gone');
    expect(part(root, 'quality')?.dataset.issues).to.equal('packet-loss');
    expect(part(root, 'error')?.textContent).to.equal('Not now');
    part(root, 'sound-button')!.click();
    expect(used).to.deep.equal(['enableSound']);
  });
});

describe('change event details', () => {
  it('announces idle after the last call, keeping who it was with', () => {
    const last = call({ state: 'ended', previous: 'connected', status: 200 });
    const detail = idleChangeDetail(last);
    expect(detail).to.include({ id: 'c1', state: 'idle', previous: 'ended', status: 200 });
    expect(detail.remote).to.deep.equal(last.remote);
    expect(detail.remote).to.not.equal(last.remote);
  });

  it('gives the quality issues as a copy, and the MOS only when known', () => {
    const issues = ['high-rtt' as const];
    const withMos = qualityChangeDetail('c1', { issues, mos: 3.2 });
    expect(withMos).to.deep.equal({ id: 'c1', issues: ['high-rtt'], mos: 3.2 });
    expect(withMos.issues).to.not.equal(issues);
    expect(qualityChangeDetail('c1', { issues: [] })).to.deep.equal({ id: 'c1', issues: [] });
  });
});
