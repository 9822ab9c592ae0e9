// Injected into every benchmark page before the page's own scripts (Playwright `addInitScript`),
// the same for every subject, so that each is timed at the same points:
//   - a click: the click event's timeStamp (capture phase on window, shadow DOM included);
//   - a SIP request leaving the page: WebSocket.prototype.send, just before the native send (JsSIP
//     and the phone send each message synchronously through it);
//   - a WebSocket created (`ws:new`) and opened (`ws:open`);
//   - named marks a page sets itself (the floor page's "ICE gathering complete").
// It also keeps weak references to every RTCPeerConnection, microphone track and WebSocket the
// page creates, to count those still open or alive.
import type { BenchInstrument, PageEvent } from './types.js';

const RING = 64;
const events: PageEvent[] = [];
const waiters = new Set<{ name: string; after: number; resolve: (e: PageEvent) => void }>();
let lastClick: number | undefined;
let clicks = 0;

function record(name: string, callId = ''): void {
  const event: PageEvent = { name, at: performance.now(), callId };
  events.push(event);
  if (events.length > RING) events.shift();
  for (const w of [...waiters]) {
    if (w.name === name && event.at >= w.after) {
      waiters.delete(w);
      w.resolve(event);
    }
  }
}

const REQUEST_LINE = /^([A-Z]+) \S+ SIP\/2\.0\r?\n/;
const CALL_ID = /^(?:Call-ID|i)[ \t]*:[ \t]*(\S+)/im;
const nativeSend = WebSocket.prototype.send;
WebSocket.prototype.send = function send(
  this: WebSocket,
  data: string | ArrayBufferLike | Blob | ArrayBufferView,
): void {
  if (typeof data === 'string') {
    const request = REQUEST_LINE.exec(data);
    if (request) record(`sip:${request[1]}`, CALL_ID.exec(data)?.[1] ?? '');
  }
  nativeSend.call(this, data);
};

window.addEventListener(
  'click',
  (event) => {
    lastClick = event.timeStamp;
    clicks++;
  },
  true,
);

const peerConnections: Array<WeakRef<RTCPeerConnection>> = [];
/** When each peer connection was created (performance.now()), by the same index. */
const createdAt: number[] = [];
let peerConnectionsCreated = 0;
const NativePeerConnection = window.RTCPeerConnection;
window.RTCPeerConnection = class extends NativePeerConnection {
  constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
    super(...args);
    peerConnectionsCreated++;
    peerConnections.push(new WeakRef(this));
    createdAt.push(performance.now());
  }
};

const tracks: Array<WeakRef<MediaStreamTrack>> = [];
let tracksCreated = 0;
const nativeGetUserMedia = MediaDevices.prototype.getUserMedia;
MediaDevices.prototype.getUserMedia = async function getUserMedia(
  this: MediaDevices,
  constraints?: MediaStreamConstraints,
): Promise<MediaStream> {
  const stream = await nativeGetUserMedia.call(this, constraints);
  for (const track of stream.getTracks()) {
    tracksCreated++;
    tracks.push(new WeakRef(track));
  }
  return stream;
};

const sockets: Array<WeakRef<WebSocket>> = [];
let socketsCreated = 0;
const NativeWebSocket = window.WebSocket;
window.WebSocket = class extends NativeWebSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    record('ws:new');
    super(url, protocols);
    socketsCreated++;
    sockets.push(new WeakRef(this));
    this.addEventListener('open', () => record('ws:open'), { once: true });
  }
};

/** Drop the references whose object was collected; returns the live ones. */
function live<T extends object>(refs: Array<WeakRef<T>>): T[] {
  const out: T[] = [];
  for (let i = refs.length - 1; i >= 0; i--) {
    const x = refs[i]!.deref();
    if (x === undefined) refs.splice(i, 1);
    else out.push(x);
  }
  return out;
}

const instrument: BenchInstrument = {
  mark: (name) => record(name),
  lastClick: () => lastClick,
  clicks: () => clicks,
  waitFor(name, after, timeoutMs) {
    const seen = events.find((e) => e.name === name && e.at >= after);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => {
      const waiter = {
        name,
        after,
        resolve: (e: PageEvent | null) => {
          clearTimeout(timer);
          resolve(e);
        },
      };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        resolve(null);
      }, timeoutMs);
      waiters.add(waiter);
    });
  },
  media(olderThanMs = 0) {
    const pcs = peerConnections.map((ref) => ref.deref());
    const now = performance.now();
    const reachable = pcs.filter((pc) => pc !== undefined);
    return {
      peerConnectionsCreated,
      peerConnectionsOpen: reachable.filter((pc) => pc.signalingState !== 'closed').length,
      peerConnectionsReachable: reachable.length,
      peerConnectionsReachableOld: pcs.filter(
        (pc, i) => pc !== undefined && now - createdAt[i]! > olderThanMs,
      ).length,
      tracksCreated,
      tracksLive: live(tracks).filter((t) => t.readyState === 'live').length,
      socketsCreated,
      socketsOpen: live(sockets).filter((s) => s.readyState !== WebSocket.CLOSED).length,
    };
  },
};
window.__bench = instrument;
