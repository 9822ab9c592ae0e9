/**
 * RFC 4733 digits through the browser's `RTCDTMFSender`, with a queue: right after the answer the
 * media transport may not be up yet (`canInsertDTMF` false), and the first key a person presses
 * must not be lost. Queued digits go out as soon as the sender can take them; when it cannot
 * within `waitMs`, they go by the fallback (SIP INFO still reaches the far end).
 */
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
