// Issue 17, part 8: the elements' looks, checked by pictures. Each element is shown in its main
// states (real calls to the sandbox for <sip-phone> and <sip-call-button>; snapshots for
// <sip-call-banner>), each state narrow and wide, in the default light theme and in one custom theme,
// and compared with the committed baseline (test/visual/baselines/, web-test-runner.config.mjs's
// visual group: at most 0.5 % of the pixels may differ). A broken look fails CI the way a broken
// call does. What changes by itself is hidden before a picture: the call timer and the call-quality
// line (`::part(timer)`, `::part(quality)`), and focus (no caret, no focus ring).
import { fixture, html } from '@open-wc/testing';
import type { LitElement } from 'lit';
import '../../components/index.js';
import type { SipCallBanner, SipCallButton } from '../../components/index.js';
import type { CallSnapshot } from '../../src/index.js';
import { describeStatus } from '../../src/outcomes.js';
import { callSnapshot } from '../helpers/call-snapshot.js';
import { hideWhatChanges, shoot } from './shoot.js';
import { registeredPhone, waitForCall } from '../helpers/phone-fixture.js';
import { passwordOf, sandbox, sandboxCallsUser, waitFor } from '../helpers/sandbox.js';

before(hideWhatChanges);

describe('how the elements look', () => {
  it('<sip-phone>: idle, ringing, early media, connected, held, ended, failed, incoming', async function () {
    // Eight states, four pictures each, and the calls between them: longer than mocha's default.
    this.timeout(120_000);
    const alice = await registeredPhone('alice');
    await shoot(alice.el, 'phone-idle');

    alice.el.call('ring');
    await waitForCall(alice, 'ringing', 180);
    await shoot(alice.el, 'phone-ringing');
    alice.el.hangup();
    await waitForCall(alice, 'ended');
    await waitFor(() => alice.el.callState === 'idle', 'back to idle', 10_000);

    alice.el.call('early');
    await waitForCall(alice, 'early-media', 183);
    await shoot(alice.el, 'phone-early-media');
    await waitForCall(alice, 'connected');
    await shoot(alice.el, 'phone-connected');
    await alice.el.hold();
    await waitForCall(alice, 'held');
    await shoot(alice.el, 'phone-held');
    alice.el.hangup();
    await waitForCall(alice, 'ended');
    await shoot(alice.el, 'phone-ended');
    await waitFor(() => alice.el.callState === 'idle', 'back to idle', 10_000);

    alice.el.call('486');
    await waitForCall(alice, 'failed', 486);
    await shoot(alice.el, 'phone-failed');
    await waitFor(() => alice.el.callState === 'idle', 'back to idle', 10_000);

    await sandboxCallsUser({ to: 'alice', displayName: 'Front door' });
    await waitForCall(alice, 'incoming');
    await shoot(alice.el, 'phone-incoming');
    alice.el.reject();
    await waitForCall(alice, 'ended');
  });

  it('<sip-call-banner>: every call state, from snapshots', async () => {
    const el = await fixture<SipCallBanner>(html`<sip-call-banner></sip-call-banner>`);
    await shoot(el, 'banner-idle');
    const states: Array<[string, Partial<CallSnapshot>]> = [
      ['calling', { state: 'calling' }],
      ['ringing', { state: 'ringing', status: 180 }],
      ['early-media', { state: 'early-media', status: 183 }],
      ['connected', { state: 'connected', status: 200, answeredAt: 1 }],
      ['held', { state: 'held', answeredAt: 1 }],
      ['ended', { state: 'ended', cause: 'hangup-local', answeredAt: 1 }],
      ['failed', { state: 'failed', status: 486, outcome: describeStatus(486, 'call') }],
    ];
    for (const [name, snapshot] of states) {
      el.snapshot = callSnapshot(snapshot);
      await shoot(el, `banner-${name}`);
    }
  });

  it('<sip-call-button>: waiting, and in a call with its keypad', async () => {
    const info = await sandbox();
    const el = await fixture<SipCallButton>(
      html`<sip-call-button
        .server=${info.wsUrl}
        uri=${`sip:bob@${info.domain}`}
        .password=${await passwordOf('bob')}
        target="echo"
        keypad
        >Call reception</sip-call-button
      >`,
    );
    await shoot(el, 'kiosk-idle');
    await el.call();
    await waitFor(() => el.callState === 'connected', 'the kiosk call connected', 10_000);
    await shoot(el, 'kiosk-connected');
    el.hangup();
    await waitFor(() => el.callState === 'ended', 'the kiosk call ended');
  });

  it('<sip-dialpad>, <sip-self-test> and an empty <sip-call-history>', async () => {
    await shoot(await fixture(html`<sip-dialpad></sip-dialpad>`), 'dialpad');
    await shoot(
      await fixture(html`<sip-self-test for="nowhere"></sip-self-test>`),
      'self-test-idle',
    );
    const history = await fixture<LitElement>(
      html`<sip-call-history database-name="visual-empty-history"></sip-call-history>`,
    );
    await waitFor(() => history.shadowRoot?.querySelector('[part~="empty"]'), 'the empty list');
    await shoot(history, 'history-empty');
  });
});
