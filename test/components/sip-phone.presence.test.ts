// Busy lamps (`watch`) and voicemail (`voicemail`) of <sip-phone> against the sandbox: dialog-state
// SUBSCRIBE / NOTIFY for its users and numbers, the one-press call, message-summary subscribed to
// and sent unasked, a message left with voicemail-<user> and heard by calling voicemail; axe-clean.
import { expect, fixture, html } from '@open-wc/testing';
import type {
  SipPhone,
  SipPresenceChangeDetail,
  SipVoicemailChangeDetail,
  SipCallRequestDetail,
} from '../../components/index.js';
import { part, registeredPhone, textOf, waitForCall } from '../helpers/phone-fixture.js';
import {
  sandboxCallsUser,
  sandboxEndsCall,
  sandboxMailbox,
  sandboxSubscriptions,
  sleep,
  waitFor,
} from '../helpers/sandbox.js';

const lamp = (el: HTMLElement, target: string) =>
  el.shadowRoot!.querySelector<HTMLElement>(`[part~="lamp"][data-target="${target}"]`);

describe('<sip-phone> busy lamps (watch)', () => {
  it('reads the watch attribute as addresses separated by spaces or commas', async () => {
    const el = await fixture<SipPhone>(
      html`<sip-phone watch=" bob, 201  sip:carol@example.com,"></sip-phone>`,
    );
    expect(el.watch).to.deep.equal(['bob', '201', 'sip:carol@example.com']);
  });

  it('shows a user and a number idle, ringing and on a call, each lamp from one SUBSCRIBE', async () => {
    const alice = await registeredPhone('alice');
    const bob = await registeredPhone('bob');
    const changes: SipPresenceChangeDetail[] = [];
    alice.el.addEventListener('sip-presence-change', (e) => changes.push(e.detail));
    alice.el.watch = ['bob', 'ring', 'bob'];
    await alice.el.updateComplete;
    await waitFor(() => lamp(alice.el, 'bob')?.dataset['state'] === 'idle', 'bob idle');
    await waitFor(() => lamp(alice.el, 'ring')?.dataset['state'] === 'idle', 'ring idle');
    expect(part(alice.el, 'presence-list').querySelectorAll('[part~="lamp"]').length).to.equal(2);
    expect(textOf(lamp(alice.el, 'bob')!)).to.include('Free');
    const subs = (await sandboxSubscriptions()).filter((s) => s.subscriber === 'alice');
    expect(subs.filter((s) => s.target === 'bob' && s.event === 'dialog').length).to.equal(1);
    expect(subs.filter((s) => s.target === 'ring').length).to.equal(1);
    expect(changes.at(-1)!.lamps.map((l) => l.target)).to.deep.equal(['bob', 'ring']);
    expect(
      changes.some((c) => c.target === 'bob' && c.state === 'idle' && c.via === 'dialog'),
    ).to.equal(true);

    // Someone calls bob: his lamp rings (and the live region says so), then he answers: busy.
    const { id } = await sandboxCallsUser({ to: 'bob', from: 'front-desk' });
    await waitForCall(bob, 'incoming');
    await waitFor(() => lamp(alice.el, 'bob')?.dataset['state'] === 'ringing', 'bob ringing');
    expect(textOf(part(alice.el, 'presence'))).to.include('bob: ringing');
    await expect(alice.el).to.be.accessible();
    bob.el.answer();
    await waitForCall(bob, 'connected');
    await waitFor(() => lamp(alice.el, 'bob')?.dataset['state'] === 'busy', 'bob busy');
    expect(textOf(lamp(alice.el, 'bob')!)).to.include('On a call');
    await sandboxEndsCall(id);
    await waitFor(() => lamp(alice.el, 'bob')?.dataset['state'] === 'idle', 'bob free again');

    // Bob calls the ring number: both lamps show it (bob calling out is busy, ring rings).
    bob.el.number = 'ring';
    bob.el.call('ring');
    await waitFor(() => lamp(alice.el, 'ring')?.dataset['state'] === 'ringing', 'ring rings');
    await waitFor(() => lamp(alice.el, 'bob')?.dataset['state'] === 'busy', 'bob calling out');
    bob.el.hangup();
    await waitFor(() => lamp(alice.el, 'ring')?.dataset['state'] === 'idle', 'ring idle again');

    // A dropped address is un-subscribed.
    alice.el.watch = ['ring'];
    await alice.el.updateComplete;
    await waitFor(
      async () =>
        !(await sandboxSubscriptions()).some((s) => s.subscriber === 'alice' && s.target === 'bob'),
      'bob un-subscribed',
    );
    expect(lamp(alice.el, 'bob')).to.equal(null);
  });

  it('calls a watched address with one press, as the Call button does (sip-call-request first)', async () => {
    const alice = await registeredPhone('alice');
    alice.el.watch = ['echo'];
    await waitFor(() => lamp(alice.el, 'echo')?.dataset['state'] === 'idle', 'echo idle');
    const requests: SipCallRequestDetail[] = [];
    const veto = (e: Event) => {
      requests.push((e as CustomEvent<SipCallRequestDetail>).detail);
      e.preventDefault();
    };
    alice.el.addEventListener('sip-call-request', veto);
    const button = lamp(alice.el, 'echo')!.querySelector('button')!;
    expect(button.getAttribute('aria-label')).to.equal('Call echo');
    button.click();
    expect(requests).to.deep.equal([{ target: 'echo' }]);
    await sleep(200);
    expect(alice.el.callState).to.equal('idle');
    alice.el.removeEventListener('sip-call-request', veto);
    button.click();
    await waitForCall(alice, 'connected');
    await waitFor(() => lamp(alice.el, 'echo')?.dataset['state'] === 'busy', 'echo busy');
    alice.el.hangup();
    await waitForCall(alice, 'ended');
  });

  it('shows the lamps in the tab that holds a shared phone (tabs="shared")', async () => {
    const alice = await registeredPhone('alice');
    alice.el.tabs = 'shared';
    await waitFor(
      () => alice.el.tabRole === 'leader' && alice.el.registrationState === 'registered',
      'alice leads and is registered',
    );
    alice.el.watch = ['echo'];
    await waitFor(() => lamp(alice.el, 'echo')?.dataset['state'] === 'idle', 'echo idle');
  });

  it('says unknown for an address nobody serves, with the refusal', async () => {
    const alice = await registeredPhone('alice');
    const changes: SipPresenceChangeDetail[] = [];
    alice.el.addEventListener('sip-presence-change', (e) => changes.push(e.detail));
    alice.el.watch = ['nobody-here'];
    await waitFor(
      () => changes.find((c) => c.target === 'nobody-here' && c.status === 404),
      'the 404',
    );
    expect(lamp(alice.el, 'nobody-here')!.dataset['state']).to.equal('offline');
    expect(textOf(lamp(alice.el, 'nobody-here')!)).to.include('Offline');
  });
});

describe('<sip-phone> voicemail', () => {
  it('shows the summary, a message left for the user, and clears it when voicemail is called', async () => {
    await sandboxMailbox('carol', { newMessages: 0, oldMessages: 0 });
    const carol = await registeredPhone('carol');
    const summaries: SipVoicemailChangeDetail[] = [];
    carol.el.addEventListener('sip-voicemail-change', (e) => summaries.push(e.detail));
    carol.el.voicemail = 'voicemail';
    await carol.el.updateComplete;
    await waitFor(() => summaries.length > 0, 'the first summary');
    expect(textOf(part(carol.el, 'voicemail-badge'))).to.equal('No new voicemail');
    expect(part(carol.el, 'voicemail-badge').getAttribute('role')).to.equal('status');

    // Alice leaves carol a message: she speaks after the beep (the fake microphone), hangs up.
    const alice = await registeredPhone('alice');
    alice.el.call('voicemail-carol');
    await waitForCall(alice, 'connected');
    await sleep(1500);
    alice.el.hangup();
    await waitFor(() => summaries.some((s) => s.newMessages === 1), 'one new message');
    expect(summaries.at(-1)).to.deep.equal({ waiting: true, newMessages: 1, oldMessages: 0 });
    expect(textOf(part(carol.el, 'voicemail-badge'))).to.equal('1 new voicemail');
    expect(part(carol.el, 'voicemail').dataset['new']).to.equal('1');
    await expect(carol.el).to.be.accessible();

    // Carol calls voicemail: the message is heard, the badge clears.
    part(carol.el, 'voicemail-button').click();
    await waitForCall(carol, 'connected');
    await waitFor(
      () => summaries.at(-1)?.newMessages === 0 && summaries.at(-1)?.oldMessages === 1,
      'the message heard',
    );
    expect(textOf(part(carol.el, 'voicemail-badge'))).to.equal('No new voicemail, 1 old');
    carol.el.hangup();
    await waitForCall(carol, 'ended');
    expect(await sandboxMailbox('carol')).to.deep.equal({ newMessages: 0, oldMessages: 1 });
  });

  it('shows a summary the server sends unasked, without a subscription', async () => {
    const bob = await registeredPhone('bob');
    const summaries: SipVoicemailChangeDetail[] = [];
    bob.el.addEventListener('sip-voicemail-change', (e) => summaries.push(e.detail));
    expect(bob.el.shadowRoot!.querySelector('[part~="voicemail"]')).to.equal(null);
    expect(
      (await sandboxSubscriptions()).some(
        (s) => s.subscriber === 'bob' && s.event === 'message-summary',
      ),
    ).to.equal(false);
    await sandboxMailbox('bob', { newMessages: 3, oldMessages: 2 });
    await waitFor(() => summaries.length > 0, 'the unsolicited summary');
    expect(summaries[0]).to.deep.equal({ waiting: true, newMessages: 3, oldMessages: 2 });
    await bob.el.updateComplete;
    expect(textOf(part(bob.el, 'voicemail-badge'))).to.equal('3 new voicemails, 2 old');
    // No number set: no button to call.
    expect(bob.el.shadowRoot!.querySelector('[part~="voicemail-button"]')).to.equal(null);
    await expect(bob.el).to.be.accessible();
    await sandboxMailbox('bob', { newMessages: 0, oldMessages: 0 });
  });
});
