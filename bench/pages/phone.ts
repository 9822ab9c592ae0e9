// The `<sip-phone>` page: the element from the built CDN file (/sip-phone.js, loaded by the page
// before this script), driven the way a page embedding it would.
import type { AccountOptions, RegisterTiming, SubjectPage } from './types.js';
import { epochNow, noOpenPeerConnection, waitUntil } from './util.js';

/** The part of `<sip-phone>`'s public API this page uses (see the README's reference). */
interface SipPhoneElement extends HTMLElement {
  server: string;
  uri: string;
  password: string;
  number: string;
  config: { iceServers?: RTCIceServer[] } | undefined;
  prewarm: boolean;
  readonly registrationState: string;
  readonly callState: string;
  readonly lines: unknown[];
  readonly currentCall: { peerConnection?: RTCPeerConnection } | undefined;
  readonly phone: { listenerCount: number; prewarmed: boolean } | undefined;
  call(target?: string): void;
  hangup(): void;
  sendDtmf(digits: string): void;
}

let el: SipPhoneElement | undefined;

function phone(): SipPhoneElement {
  if (!el) throw new Error('no <sip-phone>: call setup() first');
  return el;
}

const page: SubjectPage = {
  async setup(options: AccountOptions, timeoutMs: number): Promise<RegisterTiming> {
    await customElements.whenDefined('sip-phone');
    const next = document.createElement('sip-phone') as SipPhoneElement;
    next.server = options.server;
    next.uri = options.uri;
    next.password = options.password;
    if (options.iceServers) next.config = { iceServers: options.iceServers };
    next.prewarm = options.prewarm === true;
    let registeredAt = 0;
    next.addEventListener('sip-registration-change', (event) => {
      const detail = (event as CustomEvent<{ state: string }>).detail;
      if (detail.state === 'registered' && registeredAt === 0) registeredAt = performance.now();
    });
    el = next;
    const startAt = performance.now();
    document.body.append(next);
    const ok = await waitUntil(() => registeredAt > 0, timeoutMs);
    if (!ok) throw new Error(`<sip-phone> not registered within ${timeoutMs} ms`);
    return { startAt, registeredAt };
  },
  prepare(target: string) {
    phone().number = target;
  },
  call: () => phone().call(),
  waitConnected: (timeoutMs) => waitUntil(() => phone().callState === 'connected', timeoutMs),
  waitMedia: (timeoutMs) =>
    waitUntil(
      () => phone().currentCall?.peerConnection?.connectionState === 'connected',
      timeoutMs,
    ),
  hangup: () => phone().hangup(),
  waitIdle: (timeoutMs) =>
    waitUntil(() => phone().lines.length === 0 && noOpenPeerConnection(), timeoutMs),
  sendDtmf(digits: string) {
    const at = epochNow();
    phone().sendDtmf(digits);
    return at;
  },
  listenerCount: () => phone().phone?.listenerCount ?? null,
  prewarmed: () => phone().phone?.prewarmed === true,
  async teardown(timeoutMs: number) {
    el?.remove();
    el = undefined;
    return waitUntil(() => window.__bench.media().socketsOpen === 0, timeoutMs);
  },
};
window.__page = page;
