import { expect } from '@open-wc/testing';
import { answerTransferPrompt, inboundPackets, waitForCall } from '../helpers/phone-fixture.js';
import { waitFor } from '../helpers/sandbox.js';
import { bed, printLogsIfFailed, registeredBedPhone, timing } from './bed.js';

describe('interop: hold, resume and transfer through Kamailio and rtpengine', function () {
  this.timeout(30_000);
  afterEach(printLogsIfFailed);

  before(async function () {
    this.timeout(60_000);
    await bed();
  });

  it('holds baresip 3000 with a sendonly re-INVITE and resumes with audio flowing again', async () => {
    const { numbers } = await bed();
    const phone = await registeredBedPhone('1002');
    phone.el.call(numbers.baresip);
    await waitForCall(phone, 'connected', 200);
    await waitFor(async () => (await inboundPackets(phone.el)) > 25, 'audio from baresip');

    const started = performance.now();
    expect(await phone.el.hold()).to.equal(true);
    expect(phone.el.callState).to.equal('held');
    // The far end's answer (through rtpengine) must mirror the hold: recvonly or inactive.
    const held = phone.el.currentCall!.peerConnection!.remoteDescription!.sdp;
    expect(held).to.match(/a=(recvonly|inactive)/);
    const holdMs = Math.round(performance.now() - started);

    expect(await phone.el.resume()).to.equal(true);
    expect(phone.el.callState).to.equal('connected');
    expect(phone.el.currentCall!.peerConnection!.remoteDescription!.sdp).to.match(/a=sendrecv/);
    const before = await inboundPackets(phone.el);
    await waitFor(async () => (await inboundPackets(phone.el)) > before + 25, 'audio after resume');
    phone.el.hangup();
    await waitForCall(phone, 'ended');
    await timing('hold / resume baresip 3000', started, `held after ${holdMs} ms`);
  });

  it('blind transfer between two <sip-phone>s: REFER and NOTIFY through Kamailio', async () => {
    const { numbers } = await bed();
    const alice = await registeredBedPhone('1000');
    const bob = await registeredBedPhone('1003');
    alice.el.call('1003');
    await waitForCall(bob, 'incoming');
    bob.el.answer();
    await waitForCall(alice, 'connected');

    const started = performance.now();
    const transferred = bob.el.transfer(numbers.baresip);
    await answerTransferPrompt(alice.el);
    expect(await transferred).to.equal(true);
    const bobEnd = await waitForCall(bob, 'ended');
    expect(bobEnd.cause).to.equal('transferred');
    await waitFor(
      () =>
        alice.el.lines.some((c) => c.remote.user === numbers.baresip && c.state === 'connected'),
      'alice connected to baresip',
    );
    await waitFor(async () => (await inboundPackets(alice.el)) > 25, 'baresip audio at alice');
    for (const call of alice.el.lines) call.hangup();
    await waitFor(() => alice.el.lines.length === 0, 'alice free');
    await timing('blind transfer 1003 → 1000 to baresip 3000', started);
  });
});
