// What the benchmark pages expose to the benchmarks (Playwright calls these on `window`).

/** A click, a SIP request leaving the page (`sip:INVITE`), or a mark set by the page itself. */
export interface PageEvent {
  name: string;
  /** performance.now() in the page. */
  at: number;
  /** The Call-ID of a SIP request; '' for other events. */
  callId: string;
}

export interface MediaCounts {
  peerConnectionsCreated: number;
  /** Created and not closed (signalingState !== 'closed'). */
  peerConnectionsOpen: number;
  /** Not yet garbage-collected (closed or not). */
  peerConnectionsReachable: number;
  /** Of those, created longer ago than the `olderThanMs` asked for. */
  peerConnectionsReachableOld: number;
  tracksCreated: number;
  /** getUserMedia tracks not stopped. */
  tracksLive: number;
  socketsCreated: number;
  socketsOpen: number;
}

/** bench/pages/instrument.ts, on every page as `window.__bench`. */
export interface BenchInstrument {
  mark(name: string): void;
  /** timeStamp of the last click event, or undefined. */
  lastClick(): number | undefined;
  clicks(): number;
  /** The first event `name` at or after `after` (performance.now()), or null after the timeout. */
  waitFor(name: string, after: number, timeoutMs: number): Promise<PageEvent | null>;
  media(olderThanMs?: number): MediaCounts;
}

export interface AccountOptions {
  server: string;
  uri: string;
  password: string;
  iceServers?: RTCIceServer[];
  /** `<sip-phone prewarm>`: prepare the call when the pointer reaches Call. */
  prewarm?: boolean;
}

/** JsSIP's sendDTMF options (bare JsSIP page only). */
export interface DtmfOptions {
  transportType?: 'INFO' | 'RFC2833';
  duration?: number;
  interToneGap?: number;
}

/** Time from the start of the user agent (or element) to registered, in the page's clock. */
export interface RegisterTiming {
  startAt: number;
  registeredAt: number;
}

/** The page of one subject: `<sip-phone>`, bare JsSIP, or Chromium's floor (no SIP at all). */
export interface SubjectPage {
  /** Start the phone / UA and wait until it is registered (the floor page: returns zeros). */
  setup(options: AccountOptions, timeoutMs: number): Promise<RegisterTiming>;
  /** The number the next click calls (and the ICE servers the floor page uses). */
  prepare(target: string, iceServers?: RTCIceServer[]): void;
  /** Call the prepared number from script, without a click (the floor page: its offer steps). */
  call(): void;
  /** Resolves true once the call is connected (200 OK, ACK), false after the timeout. */
  waitConnected(timeoutMs: number): Promise<boolean>;
  /** Resolves true once the call's RTCPeerConnection is `connected` (ICE + DTLS). */
  waitMedia(timeoutMs: number): Promise<boolean>;
  hangup(): void;
  /** Resolves true once no call is left and every peer connection is closed. */
  waitIdle(timeoutMs: number): Promise<boolean>;
  /**
   * Send DTMF with the subject's defaults (bare JsSIP: or with JsSIP's options); returns the epoch
   * time (ms, fractional) it was asked.
   */
  sendDtmf(digits: string, options?: DtmfOptions): number;
  /** The core's listener count (`el.phone.listenerCount`); null where there is none. */
  listenerCount(): number | null;
  /** `<sip-phone prewarm>` has a call prepared (the other pages: never). */
  prewarmed(): boolean;
  /** Stop the phone / UA and wait until its WebSocket is closed. */
  teardown(timeoutMs: number): Promise<boolean>;
}

declare global {
  interface Window {
    __bench: BenchInstrument;
    __page: SubjectPage;
  }
}
