// Chromium's own floor for "click → INVITE": on a click, what any WebRTC call must do before its
// offer can leave — getUserMedia (audio), a peer connection with that track, createOffer,
// setLocalDescription, and ICE gathering until `complete` — with nothing else in the page: no SIP,
// no framework. Marks: `floor:microphone` (getUserMedia resolved), `floor:offer` (local description
// set) and `floor:gathered` (the end). Host candidates only unless a run passes ICE
// servers.
import type { SubjectPage } from './types.js';
import { noOpenPeerConnection, waitUntil } from './util.js';

let iceServers: RTCIceServer[] = [];

async function offerReady(): Promise<void> {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  window.__bench.mark('floor:microphone');
  const pc = new RTCPeerConnection({ iceServers });
  for (const track of stream.getTracks()) pc.addTrack(track, stream);
  const gathered = new Promise<void>((resolve) => {
    const check = () => {
      if (pc.iceGatheringState === 'complete') resolve();
    };
    pc.addEventListener('icegatheringstatechange', check);
    pc.addEventListener('icecandidate', (event) => {
      if (event.candidate === null) resolve();
    });
  });
  await pc.setLocalDescription(await pc.createOffer());
  window.__bench.mark('floor:offer');
  await gathered;
  window.__bench.mark('floor:gathered');
  pc.close();
  for (const track of stream.getTracks()) track.stop();
}

function call(): void {
  offerReady().catch((error: unknown) => {
    console.error(error);
    window.__bench.mark('floor:error');
  });
}

document.querySelector('#go')!.addEventListener('click', call);

const page: SubjectPage = {
  setup: () => Promise.resolve({ startAt: 0, registeredAt: 0 }),
  prepare(_target: string, servers?: RTCIceServer[]) {
    iceServers = servers ?? [];
  },
  call,
  waitConnected: () => Promise.resolve(true),
  waitMedia: () => Promise.resolve(true),
  hangup: () => undefined,
  waitIdle: (timeoutMs) => waitUntil(noOpenPeerConnection, timeoutMs),
  sendDtmf: () => {
    throw new Error('the floor page has no call');
  },
  listenerCount: () => null,
  prewarmed: () => false,
  teardown: () => Promise.resolve(true),
};
window.__page = page;
