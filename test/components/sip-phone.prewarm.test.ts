import { expect, fixture, html } from '@open-wc/testing';
import type { SipPhone } from '../../components/index.js';
import { Prewarm } from '../../src/prewarm.js';
import {
  inboundPackets,
  part,
  waitForCall,
  type PhoneUnderTest,
} from '../helpers/phone-fixture.js';
import { passwordOf, sandbox, sandboxCalls, sleep, waitFor } from '../helpers/sandbox.js';
import { trackPeerConnections } from '../helpers/peer-connections.js';

const constructed = trackPeerConnections();

async function alice(prewarm: boolean): Promise<PhoneUnderTest> {
  const info = await sandbox();
  const calls: PhoneUnderTest['calls'] = [];
  const el = await fixture<SipPhone>(
    html`<sip-phone
      server=${info.wsUrl}
      uri=${`sip:alice@${info.domain}`}
      .password=${await passwordOf('alice')}
      ?prewarm=${prewarm}
      @sip-call-change=${(e: CustomEvent) => calls.push(e.detail as PhoneUnderTest['calls'][0])}
    ></sip-phone>`,
  );
  await waitFor(() => el.registrationState === 'registered', 'alice registered');
  return { el, calls, registrations: [] };
}

describe('<sip-phone prewarm>', () => {
  it('prepares the call on hover; the call uses the prepared connection, and its microphone closes after', async () => {
    const phone = await alice(true);
    phone.el.number = 'echo';
    await phone.el.updateComplete;
    part(phone.el, 'call-button').dispatchEvent(new PointerEvent('pointerenter'));
    await waitFor(() => phone.el.phone!.prewarmed, 'prepared on hover');
    const prepared = constructed.at(-1)!;
    const count = constructed.length;
    await sleep(200);
    part(phone.el, 'call-button').click();
    await waitForCall(phone, 'connected', 200);
    const pc = phone.el.currentCall!.peerConnection!;
    // The call took the connection prepared on hover (with its candidate pool), and made none.
    expect(pc).to.equal(prepared);
    expect(constructed.length, 'no new peer connection at the click').to.equal(count);
    expect(pc.getConfiguration().iceCandidatePoolSize).to.equal(1);
    expect(phone.el.phone!.prewarmed, 'taken by the call').to.equal(false);
    await waitFor(async () => (await inboundPackets(phone.el)) > 10, 'audio back from echo');
    const track = pc.getSenders().find((s) => s.track?.kind === 'audio')!.track!;
    expect(track.readyState).to.equal('live');
    const record = (await sandboxCalls('echo')).at(-1)!;
    expect(record.offer.codecs).to.deep.equal(['PCMU/8000', 'PCMA/8000', 'telephone-event/8000']);
    phone.el.hangup();
    await waitForCall(phone, 'ended');
    expect(track.readyState, 'the microphone closed with the call').to.equal('ended');
    expect(pc.signalingState).to.equal('closed');
    // Call is back under the pointer that pressed Hang up: that does not prepare another call.
    part(phone.el, 'call-button').dispatchEvent(new PointerEvent('pointerenter'));
    await sleep(300);
    expect(phone.el.phone!.prewarmed).to.equal(false);
    expect(constructed.every((c) => c.signalingState === 'closed')).to.equal(true);
  });

  it('does nothing on hover without the attribute', async () => {
    const phone = await alice(false);
    part(phone.el, 'call-button').dispatchEvent(new PointerEvent('pointerenter'));
    part(phone.el, 'call-button').focus();
    await sleep(300);
    expect(phone.el.phone!.prewarmed).to.equal(false);
    const count = constructed.length;
    phone.el.call('echo');
    await waitForCall(phone, 'connected', 200);
    expect(constructed.length, 'the call made its own').to.equal(count + 1);
    expect(phone.el.currentCall!.peerConnection!.getConfiguration().iceCandidatePoolSize).to.equal(
      0,
    );
    phone.el.hangup();
    await waitForCall(phone, 'ended');
  });
});

describe('Prewarm', () => {
  it('releases what it prepared when the hold runs out, and never hands over a mismatch', async () => {
    const prewarm = new Prewarm();
    await prewarm.prepare('', [], 100);
    expect(prewarm.ready).to.equal(true);
    await sleep(250);
    expect(prewarm.ready, 'released after the hold').to.equal(false);
    expect(prewarm.take('', [])).to.equal(undefined);

    await prewarm.prepare('', [], 5000);
    const other = prewarm.take('another-microphone', []);
    expect(other, 'prepared for another microphone').to.equal(undefined);
    expect(prewarm.ready).to.equal(false);

    await prewarm.prepare('', [], 5000);
    const taken = prewarm.take('', [])!;
    const track = taken.stream.getAudioTracks()[0]!;
    expect(track.readyState).to.equal('live');
    expect(taken.pcConfig.iceCandidatePoolSize).to.equal(1);
    prewarm.finished(taken.stream);
    expect(track.readyState).to.equal('ended');
  });

  it('throws away a preparation released before the microphone opened', async () => {
    const prewarm = new Prewarm();
    const pending = prewarm.prepare('', [], 5000);
    prewarm.release();
    await pending;
    expect(prewarm.ready).to.equal(false);
  });
});
