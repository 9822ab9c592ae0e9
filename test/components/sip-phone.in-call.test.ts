import { expect } from '@open-wc/testing';
import type { SipCallChangeDetail, SipPhone } from '../../components/index.js';
import type { WireMessage } from '../../src/index.js';
import {
  banner,
  inboundPackets,
  part,
  registeredPhone,
  textOf,
  waitForCall,
} from '../helpers/phone-fixture.js';
import { sandboxCalls, waitFor } from '../helpers/sandbox.js';

/** INVITEs the phone sent (initial and re-INVITEs), with the SDP direction of each. */
function recordInvites(el: SipPhone): WireMessage[] {
  const invites: WireMessage[] = [];
  el.phone!.on('wire', (m) => {
    if (m.direction === 'out' && m.method === 'INVITE' && m.status === undefined) invites.push(m);
  });
  return invites;
}

const audioSender = (el: SipPhone) =>
  el.currentCall!.peerConnection!.getSenders().find((s) => s.track?.kind === 'audio')!;

describe('<sip-phone> during a call', () => {
  it('holds with a sendonly re-INVITE and resumes, media flowing again', async () => {
    const alice = await registeredPhone('alice');
    alice.el.call('echo');
    await waitForCall(alice, 'connected');
    const invites = recordInvites(alice.el);

    part(alice.el, 'hold-button').click();
    await waitForCall(alice, 'held');
    await alice.el.updateComplete;
    expect(part(alice.el, 'hold-button').getAttribute('aria-pressed')).to.equal('true');
    expect(banner(alice.el).dataset.state).to.equal('held');
    expect(invites).to.have.length(1);
    // JsSIP rewrites the offer it sends (a=sendonly); the far end's answer proves it arrived.
    const answer = alice.el.currentCall!.peerConnection!.remoteDescription!.sdp;
    expect(answer).to.match(/a=recvonly/);
    await expect(alice.el, 'accessible while held').to.be.accessible();
    expect(audioSender(alice.el).track!.enabled, 'microphone off while held').to.equal(false);

    const before = await inboundPackets(alice.el);
    expect(await alice.el.resume()).to.equal(true);
    expect(alice.el.callState).to.equal('connected');
    expect(invites).to.have.length(2);
    expect(audioSender(alice.el).track!.enabled).to.equal(true);
    await waitFor(async () => (await inboundPackets(alice.el)) > before + 20, 'echo after resume');
    alice.el.hangup();
    await waitForCall(alice, 'ended');
  });

  it('hold survives a 491 (glare): retried, then held', async () => {
    const alice = await registeredPhone('alice');
    alice.el.call('hold-491');
    await waitForCall(alice, 'connected');
    expect(await alice.el.hold()).to.equal(true);
    expect(alice.el.callState).to.equal('held');
    const record = (await sandboxCalls('hold-491')).at(-1)!;
    expect(record.reinvites.map((r) => r.status)).to.deep.equal([491, 200]);
    expect(record.reinvites.map((r) => r.direction)).to.deep.equal(['sendonly', 'sendonly']);
    alice.el.hangup();
    await waitForCall(alice, 'ended');
  });

  it('a refused hold rolls back: the call goes on, un-held, and the user is told', async () => {
    const alice = await registeredPhone('alice');
    alice.el.call('hold-fail');
    await waitForCall(alice, 'connected');
    await alice.el.updateComplete;
    part(alice.el, 'hold-button').click();
    await waitFor(() => alice.el.callSnapshot?.holdError, 'the hold reported as failed');
    expect(alice.el.callSnapshot!.holdError).to.deep.include({ action: 'hold', status: 488 });
    expect(alice.el.callState).to.equal('connected');
    await alice.el.updateComplete;
    expect(part(alice.el, 'hold-button').getAttribute('aria-pressed')).to.equal('false');
    expect(textOf(part(alice.el, 'notice'))).to.equal(
      'Could not put the call on hold (488); the call goes on.',
    );
    expect(audioSender(alice.el).track!.enabled, 'microphone back on').to.equal(true);
    const before = await inboundPackets(alice.el);
    await waitFor(
      async () => (await inboundPackets(alice.el)) > before + 20,
      'audio still flowing',
    );
    alice.el.hangup();
    await waitForCall(alice, 'ended');
  });

  it('mutes without renegotiating', async () => {
    const alice = await registeredPhone('alice');
    alice.el.call('echo');
    await waitForCall(alice, 'connected');
    const invites = recordInvites(alice.el);
    await alice.el.updateComplete;
    part(alice.el, 'mute-button').click();
    await waitFor(() => alice.el.callSnapshot?.muted, 'muted');
    await alice.el.updateComplete;
    expect(part(alice.el, 'mute-button').getAttribute('aria-pressed')).to.equal('true');
    expect(audioSender(alice.el).track!.enabled).to.equal(false);
    part(alice.el, 'mute-button').click();
    await waitFor(() => alice.el.callSnapshot?.muted === false, 'unmuted');
    expect(audioSender(alice.el).track!.enabled).to.equal(true);
    expect(invites, 'no re-INVITE for mute').to.have.length(0);
    alice.el.hangup();
    await waitForCall(alice, 'ended');
  });

  it('shows a call timer outside the live region', async () => {
    const alice = await registeredPhone('alice');
    alice.el.call('echo');
    await waitForCall(alice, 'connected');
    const timer = part(alice.el, 'timer');
    await waitFor(() => /^0:0[1-9]$/.test(textOf(timer)), 'the timer ticking');
    expect(timer.getAttribute('role')).to.equal('timer');
    expect(banner(alice.el).contains(timer)).to.equal(false);
    expect(textOf(banner(alice.el))).not.to.match(/\d:\d\d/);
    alice.el.hangup();
    await waitForCall(alice, 'ended');
    await alice.el.updateComplete;
    expect(textOf(part(alice.el, 'timer'))).to.equal('');
  });

  it('shows the end reason for a while, then returns to idle', async () => {
    const alice = await registeredPhone('alice');
    alice.el.endReasonTimeout = 400;
    alice.el.call('486');
    await waitForCall(alice, 'failed', 486);
    expect(textOf(banner(alice.el))).to.match(/^Busy/);
    const idle = await waitForCall(alice, 'idle');
    expect(idle.previous).to.equal('failed');
    await alice.el.updateComplete;
    expect(alice.el.callState).to.equal('idle');
    expect(banner(alice.el).dataset.state).to.equal('idle');
    expect(textOf(banner(alice.el))).to.match(/^Ready/);
  });

  it('call waiting: a second call rings, answering holds the first, and the lines switch', async () => {
    const alice = await registeredPhone('alice');
    const bob = await registeredPhone('bob', 'Bob B.');
    alice.el.call('echo');
    await waitForCall(alice, 'connected');
    const echoCall = alice.el.currentCall!;

    bob.el.call('alice');
    const waiting = await waitFor(
      () => alice.calls.find((c) => c.state === 'incoming'),
      'the second call ringing at alice',
    );
    expect(waiting.remote.displayName).to.equal('Bob B.');
    await alice.el.updateComplete;
    expect(alice.el.callState, 'the ringing call is shown').to.equal('incoming');
    const lines = alice.el.shadowRoot!.querySelectorAll('[part~="line"]');
    expect([...lines].map((l) => (l as HTMLElement).dataset.state)).to.deep.equal([
      'connected',
      'incoming',
    ]);

    await expect(alice.el, 'accessible with a call waiting').to.be.accessible();
    alice.el.answer();
    await waitForCall(bob, 'connected');
    await waitFor(() => echoCall.state === 'held', 'the first call on hold');
    await alice.el.updateComplete;
    await expect(alice.el, 'accessible with one call held').to.be.accessible();
    expect(alice.el.currentCall!.remote.user).to.equal('bob');
    expect(alice.el.callState).to.equal('connected');

    // Switch back: bob waits on hold, the echo call resumes.
    expect(await alice.el.resume(echoCall)).to.equal(true);
    expect(echoCall.state).to.equal('connected');
    await waitFor(() => alice.el.lines.find((c) => c !== echoCall)?.state === 'held', 'bob held');
    await waitFor(() => bob.el.callSnapshot?.remoteHold, 'bob sees he is on hold');
    await bob.el.updateComplete;
    expect(textOf(bob.el.shadowRoot!.querySelector('.notice')!)).to.match(/put you on hold/);

    for (const call of alice.el.lines) call.hangup();
    await waitForCall(bob, 'ended');
    await waitFor(() => alice.el.lines.length === 0, 'all lines free');
  });

  it('rejects with the configured status (603 Decline)', async () => {
    const alice = await registeredPhone('alice');
    const bob = await registeredPhone('bob');
    bob.el.rejectStatus = 603;
    alice.el.call('bob');
    await waitForCall(bob, 'incoming');
    await bob.el.updateComplete;
    part(bob.el, 'reject-button').click();
    const failed: SipCallChangeDetail = await waitForCall(alice, 'failed');
    expect(failed.status).to.equal(603);
    expect(textOf(banner(alice.el))).to.match(/^Declined/);
    const ended = await waitForCall(bob, 'ended');
    expect(ended.cause).to.equal('rejected-local');
    const record = (await sandboxCalls()).find((c) => c.finalStatus === 603);
    expect(record, 'the sandbox relayed the 603').to.not.equal(undefined);
  });
});
