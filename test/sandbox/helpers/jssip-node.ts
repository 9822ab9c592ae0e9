// Running JsSIP 3.13.8 in Node for the sandbox's tests, with werift as its WebRTC.
import { createRequire } from 'node:module';
import { MediaStream, MediaStreamTrack, RTCPeerConnection } from 'werift';
import WebSocket from 'ws';
import { peerConfig } from '../../../sandbox/media.js';

const require = createRequire(import.meta.url);

interface IstPrototype {
  stateChanged(this: { H?: NodeJS.Timeout }, state: number): void;
}

let patched = false;

/**
 * JsSIP never clears an INVITE server transaction's Timer H (32 s) when the ACK of its non-2xx
 * final response arrives: it only starts Timer I (Transactions.js, checkTransaction), and the
 * transaction is destroyed with Timer H still pending. Harmless in a browser, but in Node that
 * timer keeps a test process alive for 32 s after every call JsSIP rejected or saw cancelled.
 * This clears Timer H once the transaction is confirmed or terminated (the same module instance
 * `import JsSIP from 'jssip'` uses). Idempotent.
 */
export function clearJsSipTimerHOnAck(): void {
  if (patched) return;
  patched = true;
  const transactions = require('jssip/lib/Transactions') as {
    C: { STATUS_TERMINATED: number; STATUS_CONFIRMED: number };
    InviteServerTransaction: { prototype: IstPrototype };
  };
  const { C } = transactions;
  const proto = transactions.InviteServerTransaction.prototype;
  const original = proto.stateChanged;
  proto.stateChanged = function (state) {
    original.call(this, state);
    if (state === C.STATUS_CONFIRMED || state === C.STATUS_TERMINATED) clearTimeout(this.H);
  };
}

/**
 * werift's RTCPeerConnection standing in for the browser's, for JsSIP: ICE on 127.0.0.1 only,
 * G.711 + telephone-event (the sandbox's own configuration), whatever JsSIP passes as
 * configuration. werift throws on `createOffer(null)`, which JsSIP passes for re-offers.
 */
export class NodePeerConnection extends RTCPeerConnection {
  constructor() {
    super(peerConfig('127.0.0.1'));
  }

  override createOffer(options?: Parameters<RTCPeerConnection['createOffer']>[0] | null) {
    return super.createOffer(options ?? undefined);
  }
}

/** What JsSIP constructs with `new RTCSessionDescription({ type, sdp })`. */
class SessionDescriptionInit {
  readonly type: string;
  readonly sdp: string;
  constructor(init: { type: string; sdp: string }) {
    this.type = init.type;
    this.sdp = init.sdp;
  }
}

/**
 * Give JsSIP what it needs from a browser: `WebSocket` (ws), `RTCPeerConnection` (werift),
 * `RTCSessionDescription` and `window.RTCPeerConnection`. Returns a function restoring the
 * previous globals.
 */
export function installNodeWebRtc(): () => void {
  const g = globalThis as Record<string, unknown>;
  const names = ['WebSocket', 'RTCPeerConnection', 'RTCSessionDescription', 'window'];
  const saved = names.map((n) => [n, Object.hasOwn(g, n), g[n]] as const);
  g['WebSocket'] = WebSocket;
  g['RTCPeerConnection'] = NodePeerConnection;
  g['RTCSessionDescription'] = SessionDescriptionInit;
  g['window'] = { RTCPeerConnection: NodePeerConnection };
  return () => {
    for (const [name, had, value] of saved) {
      if (had) g[name] = value;
      else delete g[name];
    }
  };
}

/** A local "microphone" for JsSIP's `mediaStream` option (werift sends nothing from it). */
export function silentAudioStream(): MediaStream {
  return new MediaStream([new MediaStreamTrack({ kind: 'audio' })]);
}
