// Soak: 100 sequential calls through the fault peer. Nothing may accumulate: peer connections,
// microphone tracks, phone listeners, heap.
import { expect } from '@open-wc/testing';
import { waitFor } from '../helpers/sandbox.js';
import { closeScenarios, faultPhone, registered, scenario } from './fault-helpers.js';

const CALLS = 100;

/** Observes every RTCPeerConnection and microphone track created while it is installed. */
function observeMedia() {
  const connections: Array<WeakRef<RTCPeerConnection>> = [];
  const tracks: Array<WeakRef<MediaStreamTrack>> = [];
  const NativePeerConnection = window.RTCPeerConnection;
  const nativeGetUserMedia = navigator.mediaDevices.getUserMedia;
  window.RTCPeerConnection = class extends NativePeerConnection {
    constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
      super(...args);
      connections.push(new WeakRef(this));
    }
  };
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const stream = await nativeGetUserMedia.call(navigator.mediaDevices, constraints);
    for (const track of stream.getTracks()) tracks.push(new WeakRef(track));
    return stream;
  };
  return {
    created: () => connections.length,
    open: () =>
      connections.filter((ref) => {
        const pc = ref.deref();
        return pc !== undefined && pc.signalingState !== 'closed';
      }).length,
    liveTracks: () => tracks.filter((ref) => ref.deref()?.readyState === 'live').length,
    restore: () => {
      window.RTCPeerConnection = NativePeerConnection;
      navigator.mediaDevices.getUserMedia = nativeGetUserMedia;
    },
  };
}

async function heapAfterGc(): Promise<number> {
  const gc = (window as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize;
}

describe('faults: soak', () => {
  afterEach(closeScenarios);

  it(`${CALLS} sequential calls: peer connections, tracks, listeners and heap stay flat`, async function () {
    this.timeout(280_000);
    expect(
      (window as { gc?: unknown }).gc,
      'the faults group runs Chromium with --expose-gc',
    ).to.be.a('function');
    const media = observeMedia();
    try {
      const peer = await scenario();
      const phone = await faultPhone(peer, 'bob');
      await registered(phone);
      const el = phone.el;
      let listenersAtWarmup = 0;
      let heapAtWarmup = 0;
      for (let i = 1; i <= CALLS; i++) {
        el.call('echo');
        await waitFor(() => el.callState === 'connected', `call ${i} connected`, 10_000);
        el.hangup();
        await waitFor(
          () => el.callState === 'ended' && el.lines.length === 0,
          `call ${i} ended`,
          10_000,
        );
        await waitFor(() => media.open() === 0, `call ${i}: its peer connection closed`, 5000);
        expect(media.liveTracks(), `call ${i}: microphone tracks stopped`).to.equal(0);
        if (i === 20) {
          listenersAtWarmup = el.phone!.listenerCount;
          heapAtWarmup = await heapAfterGc();
        }
      }
      const heapAtEnd = await heapAfterGc();
      expect(media.created()).to.equal(CALLS);
      expect(el.phone!.listenerCount).to.equal(listenersAtWarmup);
      expect(el.phone!.calls).to.have.length(0);
      expect(heapAtEnd - heapAtWarmup, `heap growth over ${CALLS - 20} calls, bytes`).to.be.below(
        2_000_000,
      );
      expect(await peer.count({ from: 'phone', method: 'INVITE', request: true })).to.equal(
        2 * CALLS,
      );
      expect(await peer.count({ from: 'phone', method: 'BYE' })).to.equal(CALLS);
      expect(await peer.count({ to: 'phone', method: 'BYE', status: 200 })).to.equal(CALLS);
      expect(await peer.connections()).to.equal(1);
      expect(el.registrationState).to.equal('registered');
    } finally {
      media.restore();
    }
  });
});
