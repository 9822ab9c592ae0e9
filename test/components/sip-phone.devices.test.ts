import { expect } from '@open-wc/testing';
import { listAudioDevices, type WireMessage } from '../../src/index.js';
import {
  inboundPackets,
  part,
  registeredPhone,
  textOf,
  tonesOf,
  waitForCall,
} from '../helpers/phone-fixture.js';
import { sandboxCalls, waitFor } from '../helpers/sandbox.js';
import type { SipPhone } from '../../components/index.js';

const micTrack = (el: SipPhone) =>
  el.currentCall!.peerConnection!.getSenders().find((s) => s.track?.kind === 'audio')!.track!;

async function deviceId(kind: 'microphones' | 'speakers', label: string): Promise<string> {
  // Labels appear once the page has used the microphone (the fake devices of Chromium's test mode).
  await navigator.mediaDevices
    .getUserMedia({ audio: true })
    .then((s) => s.getTracks().forEach((t) => t.stop()));
  const device = (await listAudioDevices())[kind].find((d) => d.label === label);
  if (!device) throw new Error(`no ${label}`);
  return device.deviceId;
}

describe('<sip-phone> devices', () => {
  it('switches the microphone mid-call with replaceTrack: no re-INVITE, the call goes on', async () => {
    const alice = await registeredPhone('alice');
    alice.el.call('echo');
    await waitForCall(alice, 'connected');
    const invites: WireMessage[] = [];
    alice.el.phone!.on(
      'wire',
      (m) => m.method === 'INVITE' && m.direction === 'out' && invites.push(m),
    );
    expect(micTrack(alice.el).label).to.equal('Fake Default Audio Input');

    alice.el.setMuted(true);
    alice.el.microphone = await deviceId('microphones', 'Fake Audio Input 1');
    await waitFor(
      () => micTrack(alice.el).label === 'Fake Audio Input 1',
      'the new microphone in use',
    );
    expect(micTrack(alice.el).enabled, 'still muted after the switch').to.equal(false);
    alice.el.setMuted(false);
    await waitFor(() => micTrack(alice.el).enabled, 'unmuted on the new microphone');

    const before = (await sandboxCalls('echo')).at(-1)!.rtp.packetsIn;
    const inboundBefore = await inboundPackets(alice.el);
    await waitFor(
      async () => (await sandboxCalls('echo')).at(-1)!.rtp.packetsIn > before + 25,
      'audio from the new microphone',
    );
    await waitFor(
      async () => (await inboundPackets(alice.el)) > inboundBefore + 25,
      'echo still arriving',
    );
    expect(invites, 'no renegotiation').to.have.length(0);
    expect(alice.el.callState).to.equal('connected');
    alice.el.hangup();
    await waitForCall(alice, 'ended');
  });

  it('falls back to the default microphone when the one in use goes away, and says so', async () => {
    const alice = await registeredPhone('alice');
    alice.el.microphone = await deviceId('microphones', 'Fake Audio Input 2');
    alice.el.call('echo');
    await waitForCall(alice, 'connected');
    expect(micTrack(alice.el).label, 'new calls use the chosen microphone').to.equal(
      'Fake Audio Input 2',
    );

    // What the browser fires when a device is unplugged.
    micTrack(alice.el).dispatchEvent(new Event('ended'));
    await waitFor(
      () => micTrack(alice.el).label === 'Fake Default Audio Input',
      'back on the default microphone',
    );
    await alice.el.updateComplete;
    expect(textOf(part(alice.el, 'notice'))).to.match(
      /microphone was disconnected.*default microphone/,
    );
    expect(alice.el.callState).to.equal('connected');
    alice.el.hangup();
    await waitForCall(alice, 'ended');
  });

  it('plays the call on the chosen speaker', async () => {
    const alice = await registeredPhone('alice');
    const speaker = await deviceId('speakers', 'Fake Audio Output 1');
    alice.el.speaker = speaker;
    await alice.el.updateComplete;
    const audio = alice.el.shadowRoot!.querySelector('audio') as HTMLAudioElement & {
      sinkId: string;
    };
    alice.el.call('echo');
    await waitForCall(alice, 'connected');
    await waitFor(() => audio.sinkId === speaker, 'the audio element routed to the speaker');
    expect(await tonesOf(alice.el).setSinkId(speaker), 'the ringer can be routed too').to.equal(
      true,
    );
    alice.el.hangup();
    await waitForCall(alice, 'ended');
  });

  it('says so when the chosen speaker is refused, and plays the call on the default one', async () => {
    const alice = await registeredPhone('alice');
    alice.el.speaker = 'no-such-speaker';
    await alice.el.updateComplete;
    alice.el.call('echo');
    await waitForCall(alice, 'connected');
    await waitFor(
      () => /speaker/i.test(textOf(part(alice.el, 'notice'))),
      'a notice about the speaker',
    );
    const audio = alice.el.shadowRoot!.querySelector('audio') as HTMLAudioElement & {
      sinkId: string;
    };
    expect(audio.sinkId).to.equal('');
    expect(alice.el.callState).to.equal('connected');
    alice.el.hangup();
    await waitForCall(alice, 'ended');
  });
});
