import { expect } from '@open-wc/testing';
import { isDialStringError } from '../../src/index.js';
import {
  answerTransferPrompt,
  inboundPackets,
  part,
  phoneFor,
  registeredPhone,
  textOf,
  waitForCall,
  type PhoneUnderTest,
} from '../helpers/phone-fixture.js';
import { waitFor } from '../helpers/sandbox.js';

/** caller calls callee, callee answers: both connected. */
async function connect(caller: PhoneUnderTest, callee: PhoneUnderTest, user: string) {
  const seen = callee.calls.length;
  caller.el.call(user);
  await waitFor(
    () => callee.calls.slice(seen).find((c) => c.state === 'incoming'),
    `${user} rings`,
  );
  callee.el.answer();
  await waitFor(() => caller.el.callState === 'connected', 'caller connected');
  await waitFor(() => callee.el.callState === 'connected', 'callee connected');
}

describe('<sip-phone> transfers', () => {
  it('blind transfer: bob sends alice to echo; alice ends up talking to echo', async () => {
    const alice = await registeredPhone('alice');
    const bob = await registeredPhone('bob');
    await connect(alice, bob, 'bob');
    const bobCall = bob.el.currentCall!;

    bob.el.number = 'echo';
    await bob.el.updateComplete;
    part(bob.el, 'transfer-button').click();
    // Alice is asked first: bob may not send her anywhere without her consent.
    expect(await answerTransferPrompt(alice.el)).to.match(
      /^bob wants to transfer you to echo@localhost\. /,
    );
    await waitFor(
      () => bobCall.snapshot.transfer?.state === 'succeeded',
      'the transfer reported done',
    );
    const bobEnd = await waitForCall(bob, 'ended');
    expect(bobEnd.cause).to.equal('transferred');
    expect(textOf(part(bob.el, 'banner'))).to.match(/^Call transferred/);

    await waitFor(
      () => alice.el.lines.length === 1 && alice.el.lines[0]!.remote.user === 'echo',
      'alice on the echo call',
    );
    const echoCall = alice.el.lines[0]!;
    await waitFor(() => echoCall.state === 'connected', 'echo answered');
    await waitFor(async () => (await inboundPackets(alice.el)) > 20, 'echo audio at alice');
    echoCall.hangup();
    await waitFor(() => alice.el.lines.length === 0, 'alice free');
  });

  it('refuses to transfer to a target the dial rules forbid', async () => {
    const alice = await registeredPhone('alice');
    const bob = await registeredPhone('bob');
    await connect(alice, bob, 'bob');
    let error: unknown;
    await bob.el.transfer('100@evil.example.net').catch((e: unknown) => (error = e));
    expect(isDialStringError(error)).to.equal(true);
    expect(bob.el.callState).to.equal('connected');
    bob.el.hangup();
    await waitForCall(alice, 'ended');
  });

  it('a phone that does not accept transfers declines, and the transferor stays on the call', async () => {
    const alice = await phoneFor('alice');
    alice.el.config = { transfers: 'refuse' };
    await waitFor(() => alice.el.registrationState === 'registered', 'alice registered');
    const bob = await registeredPhone('bob');
    await connect(alice, bob, 'bob');
    expect(await bob.el.transfer('echo')).to.equal(false);
    const transfer = bob.el.callSnapshot!.transfer!;
    expect(transfer.state).to.equal('failed');
    expect(transfer.status).to.equal(603);
    await bob.el.updateComplete;
    expect(textOf(part(bob.el, 'notice'))).to.match(
      /Transfer to echo@localhost failed: Declined \(603\)/,
    );
    expect(bob.el.callState).to.equal('connected');
    expect(alice.el.lines).to.have.length(1);
    bob.el.hangup();
    await waitForCall(alice, 'ended');
  });

  it('attended transfer: bob connects alice and carol, and drops out', async () => {
    const alice = await registeredPhone('alice');
    const bob = await registeredPhone('bob');
    const carol = await registeredPhone('carol');
    await connect(alice, bob, 'bob');
    const aliceToBob = alice.el.currentCall!;
    // Bob calls carol: alice waits on hold.
    await connect(bob, carol, 'carol');
    await waitFor(() => bob.el.lines.some((c) => c.state === 'held'), 'alice held at bob');
    await bob.el.updateComplete;
    expect(textOf(part(bob.el, 'transfer-button'))).to.equal('Connect calls');

    part(bob.el, 'transfer-button').click();
    // Carol is asked whether to take the call to alice over from bob.
    expect(await answerTransferPrompt(carol.el)).to.match(/^bob wants to transfer you to alice@/);
    await waitFor(() => bob.el.lines.length === 0, 'bob dropped out of both calls');
    // Carol's call with bob is gone; carol and alice talk.
    await waitFor(
      () => carol.el.lines.length === 1 && carol.el.lines[0]!.remote.user === 'alice',
      'carol now talks to alice',
    );
    await waitFor(() => carol.el.lines[0]!.state === 'connected', 'carol connected to alice');
    await waitFor(() => aliceToBob.state === 'ended', 'alice’s call to bob over');
    await waitFor(
      () => alice.el.lines.length === 1 && alice.el.lines[0]!.remote.user === 'carol',
      'alice with carol',
    );
    await waitFor(async () => (await inboundPackets(carol.el)) > 20, 'audio at carol');
    await waitFor(async () => (await inboundPackets(alice.el)) > 20, 'audio at alice');
    // Bob's REFER went to carol (his active call); carol called alice with Replaces, and alice's
    // phone answered that call itself: nobody pressed Answer.
    const replacement = alice.calls.filter((c) => c.remote.user === 'carol').map((c) => c.state);
    expect(replacement).to.deep.equal(['incoming', 'connected']);
    carol.el.hangup();
    await waitFor(() => alice.el.lines.length === 0, 'alice free');
  });
});
