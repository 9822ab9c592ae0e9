/**
 * Pre-warming: the microphone and a peer connection prepared before the user presses Call (on
 * hover or focus), so the INVITE leaves as soon as the offer is made. The peer connection gathers
 * its ICE candidates in advance (`iceCandidatePoolSize`), which is most of the time a call takes
 * to start. What is prepared is held for a short while only, then released: the microphone is not
 * kept open for a call nobody places.
 */
import { rtcSessionPrototype } from './jssip-internals.js';
import { microphoneConstraints } from './devices.js';

interface Prepared {
  stream: MediaStream;
  pc: RTCPeerConnection;
  key: string;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Peer connections handed to JsSIP, by a token in the `pcConfig` of the call that takes them
 * (JsSIP copies `pcConfig`, so the object itself cannot be the key; RTCPeerConnection ignores the
 * unknown member).
 */
const handOver = new Map<string, RTCPeerConnection>();
const TOKEN = 'sipPhonePrewarmed';
let nextToken = 0;
let patched = false;

type TaggedConfig = RTCConfiguration & { [TOKEN]?: string };

/**
 * JsSIP creates each call's RTCPeerConnection itself (`RTCSession._createRTCConnection`, JsSIP
 * 3.13.8). When a call's `pcConfig` carries a prepared connection, JsSIP's constructor call
 * returns that one instead; everything else JsSIP does with it is unchanged.
 */
function patchJsSip(): void {
  if (patched) return;
  patched = true;
  const proto = rtcSessionPrototype<TaggedConfig>();

  const create = proto._createRTCConnection;
  proto._createRTCConnection = function (pcConfig, constraints) {
    const token = pcConfig?.[TOKEN];
    const prepared = token === undefined ? undefined : handOver.get(token);
    if (!prepared) return create.call(this, pcConfig, constraints);
    handOver.delete(token!);
    const Native = globalThis.RTCPeerConnection;
    // `new` on a function that returns an object yields that object.
    globalThis.RTCPeerConnection = function () {
      return prepared;
    } as unknown as typeof RTCPeerConnection;
    try {
      create.call(this, pcConfig, constraints);
    } finally {
      globalThis.RTCPeerConnection = Native;
    }
  };
}

const keyOf = (microphoneId: string, iceServers: RTCIceServer[]) =>
  JSON.stringify([microphoneId, iceServers]);

export class Prewarm {
  #prepared: Prepared | undefined;
  #preparing: Promise<void> | undefined;
  /** Bumped by every release: a preparation that finishes after one is thrown away. */
  #generation = 0;
  /** A stream given to a call: stopped when that call ends (JsSIP leaves given streams alone). */
  readonly #handedOut = new Set<MediaStream>();

  /** True while a microphone and peer connection wait for a call. */
  get ready(): boolean {
    return this.#prepared !== undefined;
  }

  /**
   * Prepares for a call with this microphone and these ICE servers, held for `holdMs`. Calling it
   * again while prepared extends the hold. Rejects when the microphone cannot be opened.
   */
  async prepare(microphoneId: string, iceServers: RTCIceServer[], holdMs: number): Promise<void> {
    const key = keyOf(microphoneId, iceServers);
    if (this.#prepared?.key === key) {
      this.#hold(this.#prepared, holdMs);
      return;
    }
    if (this.#preparing) return this.#preparing;
    this.release();
    const generation = this.#generation;
    this.#preparing = (async () => {
      const stream = await navigator.mediaDevices.getUserMedia(microphoneConstraints(microphoneId));
      if (generation !== this.#generation) {
        for (const track of stream.getTracks()) track.stop();
        return;
      }
      const pc = new RTCPeerConnection({ iceServers, iceCandidatePoolSize: 1 });
      const prepared: Prepared = { stream, pc, key, timer: undefined as never };
      this.#prepared = prepared;
      this.#hold(prepared, holdMs);
    })().finally(() => (this.#preparing = undefined));
    return this.#preparing;
  }

  /**
   * Takes what was prepared for a call with this microphone and these ICE servers, if anything:
   * the stream to pass as JsSIP's `mediaStream`, and a `pcConfig` that makes JsSIP use the
   * prepared connection. Whatever does not match is released.
   */
  take(
    microphoneId: string,
    iceServers: RTCIceServer[],
  ): { stream: MediaStream; pcConfig: RTCConfiguration } | undefined {
    const prepared = this.#prepared;
    if (!prepared) return undefined;
    this.#prepared = undefined;
    clearTimeout(prepared.timer);
    const live =
      prepared.pc.signalingState !== 'closed' &&
      prepared.stream.getAudioTracks().some((t) => t.readyState === 'live');
    if (prepared.key !== keyOf(microphoneId, iceServers) || !live) {
      Prewarm.#dispose(prepared);
      return undefined;
    }
    patchJsSip();
    const token = String(++nextToken);
    const pcConfig: TaggedConfig = { iceServers, iceCandidatePoolSize: 1, [TOKEN]: token };
    handOver.set(token, prepared.pc);
    // Should JsSIP not create a connection for this call after all, close it.
    setTimeout(() => {
      handOver.get(token)?.close();
      handOver.delete(token);
    }, 10_000);
    this.#handedOut.add(prepared.stream);
    return { stream: prepared.stream, pcConfig };
  }

  /** The call that took `stream` is over: its microphone is closed. */
  finished(stream: MediaStream): void {
    if (!this.#handedOut.delete(stream)) return;
    for (const track of stream.getTracks()) track.stop();
  }

  /** Releases what is prepared (the microphone closes). */
  release(): void {
    this.#generation++;
    const prepared = this.#prepared;
    this.#prepared = undefined;
    if (prepared) Prewarm.#dispose(prepared);
  }

  #hold(prepared: Prepared, holdMs: number): void {
    clearTimeout(prepared.timer);
    prepared.timer = setTimeout(() => {
      if (this.#prepared === prepared) this.release();
    }, holdMs);
  }

  static #dispose(prepared: Prepared): void {
    clearTimeout(prepared.timer);
    for (const track of prepared.stream.getTracks()) track.stop();
    prepared.pc.close();
  }
}
