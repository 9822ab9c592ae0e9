/**
 * `<sip-phone tabs="shared">` in one page: elements with the same account share one phone the way
 * tabs do (the same Web Lock and channel names); without the attribute every element keeps its
 * own phone, as before. The multi-tab behaviour (pages of one browser context) is proved end to
 * end in test/e2e/tabs.test.mjs.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { ifDefined } from 'lit/directives/if-defined.js';
import '../../components/index.js';
import type { SipPhone } from '../../components/index.js';
import { passwordOf, sandbox, sandboxCalls, waitFor } from '../helpers/sandbox.js';
import { part } from '../helpers/phone-fixture.js';

const contactsOf = async (user: string) =>
  (
    await executeServerCommand<Array<{ user: string; contact: string }>, { action: string }>(
      'sandbox',
      { action: 'registrations' },
    )
  ).filter((r) => r.user === user);

async function twoPhones(user: string, tabs: string | undefined, lang = 'en') {
  const info = await sandbox();
  const password = await passwordOf(user);
  const wrapper = await fixture<HTMLDivElement>(html`
    <div lang=${lang}>
      <sip-phone
        tabs=${ifDefined(tabs)}
        .server=${info.wsUrl}
        uri="sip:${user}@${info.domain}"
        .password=${password}
      ></sip-phone>
      <sip-phone
        tabs=${ifDefined(tabs)}
        .server=${info.wsUrl}
        uri="sip:${user}@${info.domain}"
        .password=${password}
      ></sip-phone>
    </div>
  `);
  const [a, b] = [...wrapper.querySelectorAll<SipPhone>('sip-phone')] as [SipPhone, SipPhone];
  await Promise.all([a.updateComplete, b.updateComplete]);
  return { wrapper, a, b };
}

const roles = (...els: SipPhone[]) => els.map((el) => el.tabRole).sort();

describe('<sip-phone tabs>', () => {
  it('defaults to separate: two elements with one account each register (two contacts)', async () => {
    const { a, b } = await twoPhones('carol', undefined);
    expect(a.tabs).to.equal('separate');
    await waitFor(
      () => a.registrationState === 'registered' && b.registrationState === 'registered',
      'both registered',
    );
    expect(roles(a, b)).to.deep.equal(['alone', 'alone']);
    expect(a.phone).to.not.equal(undefined);
    expect(b.phone).to.not.equal(undefined);
    expect(await contactsOf('carol')).to.have.length(2);
  });

  it('shared: one element holds the phone (one contact), the other mirrors it and is accessible', async () => {
    const { a, b } = await twoPhones('carol', 'shared');
    await waitFor(
      () => a.registrationState === 'registered' && b.registrationState === 'registered',
      'both registered',
    );
    expect(roles(a, b)).to.deep.equal(['follower', 'leader']);
    const [leader, follower] = a.tabRole === 'leader' ? [a, b] : [b, a];
    expect(leader.phone).to.not.equal(undefined);
    expect(follower.phone).to.equal(undefined);
    await waitFor(async () => (await contactsOf('carol')).length === 1, 'one contact');
    expect(part(follower, 'registration').textContent!.trim()).to.match(
      /^Registered as carol@\S+ \(in another tab\)$/,
    );
    expect(part(leader, 'registration').textContent!.trim()).to.match(/^Registered as carol@\S+$/);
    await expect(follower).to.be.accessible();

    // A call placed from the follower is the leader's; its audio is there.
    follower.call('echo');
    await waitFor(
      () => leader.callState === 'connected' && follower.callState === 'connected',
      'connected in both',
    );
    expect(leader.currentCall?.peerConnection).to.not.equal(undefined);
    expect(follower.currentCall).to.equal(undefined);
    expect(follower.lines).to.have.length(0);
    expect(follower.callSnapshot?.remote.user).to.equal('echo');
    await follower.updateComplete;
    expect(part(follower, 'notice').textContent).to.equal(
      'The call is in another tab of this browser: its sound plays there.',
    );
    expect(part(leader, 'notice').textContent).to.equal('');
    await expect(follower).to.be.accessible();
    // Transfer stays with the tab that holds the call: the follower says so, the call goes on.
    follower.number = 'bob';
    await follower.updateComplete;
    part(follower, 'transfer-button').click();
    await follower.updateComplete;
    expect(part(follower, 'error').textContent!.trim()).to.equal(
      'The call is in another tab: transfer it there.',
    );
    expect(leader.callState).to.equal('connected');
    follower.sendDtmf('5');
    await waitFor(
      async () => (await sandboxCalls('echo')).some((c) => c.dtmf.some((d) => d.digit === '5')),
      'the digit at the sandbox',
    );
    follower.hangup();
    await waitFor(
      () => leader.callState === 'ended' && follower.callState === 'ended',
      'ended in both',
    );
  });

  it('shared: when the holder leaves the page, the other element takes over and registers', async () => {
    const { a, b } = await twoPhones('carol', 'shared');
    await waitFor(() => a.tabRole === 'leader' || b.tabRole === 'leader', 'a leader');
    const [leader, follower] = a.tabRole === 'leader' ? [a, b] : [b, a];
    await waitFor(() => follower.registrationState === 'registered', 'the follower mirrors');
    leader.remove();
    await waitFor(
      () => follower.tabRole === 'leader' && follower.phone?.registration.state === 'registered',
      'the follower registered itself',
    );
    await waitFor(async () => (await contactsOf('carol')).length === 1, 'one contact');
    expect(part(follower, 'registration').textContent!.trim()).to.match(
      /^Registered as carol@\S+$/,
    );
  });

  it('shared, in German: the follower says so in German', async () => {
    const { a, b } = await twoPhones('carol', 'shared', 'de');
    await waitFor(() => roles(a, b).join() === 'follower,leader', 'a leader and a follower');
    const follower = a.tabRole === 'follower' ? a : b;
    await waitFor(() => follower.registrationState === 'registered', 'registered');
    await follower.updateComplete;
    expect(part(follower, 'registration').textContent!.trim()).to.match(
      /^Angemeldet als carol@\S+ \(in einem anderen Tab\)$/,
    );
  });
});
