/**
 * The RTP inactivity watchdog: a call whose audio has stopped arriving for `timeout` ms is over —
 * typically its BYE was lost while the signalling connection was down (a "ghost call"). It reads
 * `packetsReceived` of the inbound audio from `getStats()`; while `active()` is false (on hold,
 * held by the far end) the clock does not run.
 */
export interface MediaWatchdogOptions {
  pc: RTCPeerConnection;
  timeout: number;
  /** Whether audio is expected now (connected, neither side holding). */
  active: () => boolean;
  onTimeout: () => void;
}

/** Inbound audio packets counted by the browser for `pc`. */
export async function inboundAudioPackets(pc: RTCPeerConnection): Promise<number> {
  let packets = 0;
  (await pc.getStats()).forEach(
    (report: { type: string; kind?: string; packetsReceived?: number }) => {
      if (report.type === 'inbound-rtp' && report.kind === 'audio')
        packets += report.packetsReceived ?? 0;
    },
  );
  return packets;
}

export class MediaWatchdog {
  readonly #options: MediaWatchdogOptions;
  #timer: ReturnType<typeof setInterval> | undefined;
  #packets = -1;
  #lastProgress = 0;
  #polling = false;

  constructor(options: MediaWatchdogOptions) {
    this.#options = options;
  }

  start(): void {
    if (this.#timer !== undefined || this.#options.timeout <= 0) return;
    this.#lastProgress = Date.now();
    const every = Math.min(2000, Math.max(250, this.#options.timeout / 4));
    this.#timer = setInterval(() => void this.#poll(), every);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Audio is not expected for a while (hold): restart the clock when it is expected again. */
  reset(): void {
    this.#lastProgress = Date.now();
  }

  async #poll(): Promise<void> {
    if (this.#polling || this.#timer === undefined) return;
    const { pc, timeout, active, onTimeout } = this.#options;
    if (pc.connectionState === 'closed') {
      this.stop();
      return;
    }
    this.#polling = true;
    try {
      const packets = await inboundAudioPackets(pc);
      const now = Date.now();
      if (packets !== this.#packets || !active()) {
        this.#packets = packets;
        this.#lastProgress = now;
      } else if (now - this.#lastProgress >= timeout && this.#timer !== undefined) {
        this.stop();
        onTimeout();
      }
    } catch {
      // getStats() on a closing connection: the call is ending anyway.
    } finally {
      this.#polling = false;
    }
  }
}
