// The anchor page: JsSIP 3.13.8 alone, with its defaults, as a page would use it without the phone:
// a UA that registers, and a button that calls `ua.call()`. The only option that is not JsSIP's
// default is `mediaConstraints: { audio: true, video: false }` (JsSIP asks for a camera too by
// default; this is an audio phone), and `pcConfig.iceServers` where a run sets a STUN server.
import JsSIP from 'jssip';
import type { DTMFOptions, RTCSession } from 'jssip/lib/RTCSession.js';
import type { UA } from 'jssip/lib/UA.js';
import type { AccountOptions, DtmfOptions, RegisterTiming, SubjectPage } from './types.js';
import { epochNow, noOpenPeerConnection, waitUntil } from './util.js';

let ua: UA | undefined;
let session: RTCSession | undefined;
let state: 'idle' | 'calling' | 'connected' | 'ended' = 'idle';
let target = '';
let iceServers: RTCIceServer[] | undefined;

function call(): void {
  if (!ua) return;
  state = 'calling';
  const next = ua.call(target, {
    mediaConstraints: { audio: true, video: false },
    ...(iceServers ? { pcConfig: { iceServers } } : {}),
  });
  session = next;
  next.on('confirmed', () => {
    if (session === next) state = 'connected';
  });
  const end = () => {
    if (session === next) state = 'ended';
  };
  next.on('ended', end);
  next.on('failed', end);
}

document.querySelector('#go')!.addEventListener('click', call);

const page: SubjectPage = {
  setup(options: AccountOptions, timeoutMs: number): Promise<RegisterTiming> {
    iceServers = options.iceServers;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`JsSIP not registered within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const startAt = performance.now();
      const next = new JsSIP.UA({
        sockets: [new JsSIP.WebSocketInterface(options.server)],
        uri: options.uri,
        password: options.password,
      });
      ua = next;
      next.on('registered', () => {
        clearTimeout(timer);
        resolve({ startAt, registeredAt: performance.now() });
      });
      next.on('registrationFailed', (e: { cause?: string }) => {
        clearTimeout(timer);
        reject(new Error(`JsSIP registration failed: ${e.cause ?? 'unknown'}`));
      });
      next.start();
    });
  },
  prepare(number: string) {
    target = number;
  },
  call,
  waitConnected: (timeoutMs) => waitUntil(() => state === 'connected', timeoutMs),
  waitMedia: (timeoutMs) =>
    waitUntil(() => session?.connection?.connectionState === 'connected', timeoutMs),
  hangup() {
    if (session && !session.isEnded()) session.terminate();
  },
  waitIdle: (timeoutMs) =>
    waitUntil(() => (state === 'ended' || state === 'idle') && noOpenPeerConnection(), timeoutMs),
  sendDtmf(digits: string, options?: DtmfOptions) {
    if (!session) throw new Error('no call');
    const at = epochNow();
    // JsSIP types its transport as a declared enum of these same strings.
    session.sendDTMF(digits, options as unknown as DTMFOptions | undefined);
    return at;
  },
  listenerCount: () => null,
  prewarmed: () => false,
  async teardown(timeoutMs: number) {
    ua?.stop();
    ua = undefined;
    return waitUntil(() => window.__bench.media().socketsOpen === 0, timeoutMs);
  },
};
window.__page = page;
