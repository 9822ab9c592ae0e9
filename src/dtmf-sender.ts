/**
 * Sending a call's DTMF: RFC 4733 when the far end agreed to telephone-event, SIP INFO otherwise
 * ({@link DtmfSender}). RFC 4733 digits go through the browser's `RTCDTMFSender` with a queue
 * ({@link DtmfQueue}): right after the answer the media transport may not be up yet
 * (`canInsertDTMF` false), and the first key a person presses must not be lost. Queued digits go
 * out as soon as the sender can take them; when it cannot within `waitMs`, they go by the fallback
 * (SIP INFO still reaches the far end).
 */
import type { DTMFOptions, RTCSession } from 'jssip/lib/RTCSession';
import type { ResolvedPhoneConfig } from './config.js';
import { validateDtmf, validateDtmfTiming } from './dtmf.js';
import { DtmfError, PhoneStateError } from './errors.js';
import { sdpHasTelephoneEvent } from './media-policy.js';

export interface DtmfQueueOptions {
  /** The call is over: drop what is queued. */
  isOver: () => boolean;
  /** Sends digits another way (SIP INFO) when RFC 4733 never became possible. */
  fallback: (tones: string, duration: number, gap: number) => void;
  /** How long queued digits wait for the media transport, in ms. Default 5000. */
  waitMs?: number;
}

const POLL_MS = 50;

export class DtmfQueue {
  readonly #options: DtmfQueueOptions;
  #pending = '';
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: DtmfQueueOptions) {
    this.#options = options;
  }

  /** Digits waiting for the media transport. */
  get pending(): string {
    return this.#pending;
  }

  /** Sends `tones` now, or queues them behind the ones still waiting. */
  send(dtmf: RTCDTMFSender, tones: string, duration: number, gap: number): void {
    if (dtmf.canInsertDTMF && !this.#pending) {
      // Append: insertDTMF replaces whatever is still queued.
      dtmf.insertDTMF(dtmf.toneBuffer + tones, duration, gap);
      return;
    }
    this.#pending += tones;
    if (this.#timer !== undefined) return;
    const giveUpAt = Date.now() + (this.#options.waitMs ?? 5000);
    this.#timer = setInterval(() => {
      if (this.#options.isOver()) return this.clear();
      if (dtmf.canInsertDTMF) {
        dtmf.insertDTMF(dtmf.toneBuffer + this.#pending, duration, gap);
        this.clear();
      } else if (Date.now() > giveUpAt) {
        const pending = this.#pending;
        this.clear();
        this.#options.fallback(pending, duration, gap);
      }
    }, POLL_MS);
  }

  /** Drops what is queued and stops waiting. */
  clear(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#pending = '';
  }
}

export type DtmfTransport = 'rfc4733' | 'info';

export interface DtmfSenderOptions {
  session: RTCSession;
  peerConnection(): RTCPeerConnection | undefined;
  /** The transport to use, and the tone length and gap when the caller gives none. */
  config: Pick<ResolvedPhoneConfig, 'dtmfMode' | 'dtmfDuration' | 'dtmfGap'>;
  /** The call is answered and not over: digits may go. */
  established(): boolean;
  isOver(): boolean;
  /** A digit was handed to the transport. */
  sent(tone: string, transport: DtmfTransport): void;
  /** How long digits wait for the media transport before going as SIP INFO, in ms. */
  waitMs: number;
}

export class DtmfSender {
  readonly #options: DtmfSenderOptions;
  readonly #queue: DtmfQueue;

  constructor(options: DtmfSenderOptions) {
    this.#options = options;
    this.#queue = new DtmfQueue({
      isOver: options.isOver,
      fallback: (tones, duration, gap) => this.#sendInfo(tones, duration, gap),
      waitMs: options.waitMs,
    });
  }

  /**
   * Sends `digits` (`0-9 * # A-D`, `,` a two-second pause) and says by which transport. Throws
   * {@link DtmfError} on bad input or when `rfc4733` is required and was not agreed, and
   * {@link PhoneStateError} outside an established call.
   */
  send(digits: string, options: { duration?: number; gap?: number } = {}): DtmfTransport {
    const tones = validateDtmf(digits);
    const { config } = this.#options;
    const duration = options.duration ?? config.dtmfDuration;
    const gap = options.gap ?? config.dtmfGap;
    validateDtmfTiming(duration, gap);
    if (!this.#options.established()) {
      throw new PhoneStateError('not-connected', 'DTMF can only be sent during a connected call.');
    }
    const pc = this.#options.peerConnection();
    const sender = pc?.getSenders().find((s) => s.track?.kind === 'audio' || s.dtmf);
    const mode = config.dtmfMode;
    const rfc4733 = Boolean(sender?.dtmf) && sdpHasTelephoneEvent(pc?.remoteDescription?.sdp ?? '');
    if (mode === 'rfc4733' && !rfc4733) {
      throw new DtmfError(
        'no-telephone-event',
        'The other side did not agree to RFC 4733 DTMF; use SIP INFO.',
      );
    }
    if (sender?.dtmf && rfc4733 && mode !== 'info') {
      this.#queue.send(sender.dtmf, tones, duration, gap);
      this.#report(tones, 'rfc4733');
      return 'rfc4733';
    }
    this.#sendInfo(tones, duration, gap);
    return 'info';
  }

  /** The call is over: drop queued digits. */
  clear(): void {
    this.#queue.clear();
  }

  #sendInfo(tones: string, duration: number, gap: number): void {
    const transportType = 'INFO' as DTMFOptions['transportType'];
    const interToneGap = Math.max(gap, 50);
    this.#options.session.sendDTMF(tones, { transportType, duration, interToneGap });
    this.#report(tones, 'info');
  }

  #report(tones: string, transport: DtmfTransport): void {
    for (const tone of tones) if (tone !== ',') this.#options.sent(tone, transport);
  }
}
