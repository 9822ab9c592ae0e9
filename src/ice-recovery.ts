/**
 * Restoring an answered call's audio path when ICE breaks, instead of hanging up as JsSIP does on
 * `failed`. A `disconnected` that lasts {@link ICE_RESTART_DELAY_MS} (often a blip that heals by
 * itself), a `failed`, or a network change leads to an ICE-restart re-INVITE — at most
 * {@link MAX_ICE_RESTARTS} per break; a path not back within {@link ICE_RECOVERY_MS} of `failed`
 * is given up, and the call ends ("Audio connection lost"). The phase of the path is a pure
 * transition table ({@link nextIcePhase}); the timers and the re-INVITE are the call's.
 */
import type { RTCSession } from 'jssip/lib/RTCSession';
import { sessionInternals } from './jssip-internals.js';

/** How long ICE may stay `disconnected` before an ICE restart is tried, in ms. */
export const ICE_RESTART_DELAY_MS = 2000;
/** ICE restarts per break of the audio path. */
export const MAX_ICE_RESTARTS = 2;
/** How long after `failed` the path may still come back before the call is ended, in ms. */
export const ICE_RECOVERY_MS = 20_000;

/** `healthy`: audio flows; `interrupted`: ICE says disconnected; `failed`: ICE gave up. */
export type IcePhase = 'healthy' | 'interrupted' | 'failed';

const PHASES: Record<IcePhase, Partial<Record<RTCIceConnectionState, IcePhase>>> = {
  healthy: { disconnected: 'interrupted', failed: 'failed' },
  interrupted: { connected: 'healthy', completed: 'healthy', failed: 'failed' },
  failed: { connected: 'healthy', completed: 'healthy' },
};

/** The phase after ICE reports `state`; the same phase when `state` changes nothing. */
export const nextIcePhase = (phase: IcePhase, state: RTCIceConnectionState): IcePhase =>
  PHASES[phase][state] ?? phase;

const isConnected = (pc: RTCPeerConnection | undefined): boolean =>
  pc?.iceConnectionState === 'connected' || pc?.iceConnectionState === 'completed';

export interface IceRecoveryOptions {
  peerConnection: () => RTCPeerConnection | undefined;
  /** The call is answered and not over (connected or held). */
  established: () => boolean;
  /** The call is over. */
  isOver: () => boolean;
  /** A re-INVITE could leave now (signalling up, no other offer in flight). */
  canReoffer: () => boolean;
  /** Sends the ICE-restart re-INVITE (rolled back when refused); resolves whether it was taken. */
  sendRestart: () => Promise<boolean>;
  /** The audio path broke (`true`) or is back (`false`): the banner says "Reconnecting…". */
  onInterrupted: (interrupted: boolean) => void;
  /** The path could not be restored in time: end the call. */
  giveUp: () => void;
}

export class IceRecovery {
  readonly #options: IceRecoveryOptions;
  #phase: IcePhase = 'healthy';
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #giveUpTimer: ReturnType<typeof setTimeout> | undefined;
  #failedAt: number | undefined;
  #restarts = 0;
  #restarting = false;

  constructor(options: IceRecoveryOptions) {
    this.#options = options;
  }

  get phase(): IcePhase {
    return this.#phase;
  }

  /** An answered call whose audio path may still come back. */
  get recoverable(): boolean {
    if (!this.#options.established()) return false;
    return this.#failedAt === undefined || Date.now() - this.#failedAt < ICE_RECOVERY_MS;
  }

  /** ICE reported a new connection state. */
  handleState(state: RTCIceConnectionState): void {
    if (!this.#options.established()) return;
    this.#phase = nextIcePhase(this.#phase, state);
    if (state === 'connected' || state === 'completed') {
      this.#clearTimers();
      this.#failedAt = undefined;
      this.#restarts = 0;
      this.#options.onInterrupted(false);
    } else if (state === 'disconnected') {
      // Often a blip that heals by itself within a second or two: restart only if it lasts.
      this.#options.onInterrupted(true);
      this.#retryTimer ??= setTimeout(() => {
        this.#retryTimer = undefined;
        void this.restart();
      }, ICE_RESTART_DELAY_MS);
    } else if (state === 'failed') {
      this.fail();
    }
  }

  /** ICE failed (or JsSIP was about to hang up for it): restart now, give up after the deadline. */
  fail(): void {
    this.#phase = 'failed';
    if (this.#failedAt === undefined) {
      this.#failedAt = Date.now();
      this.#giveUpTimer = setTimeout(() => {
        if (!isConnected(this.#options.peerConnection())) this.#options.giveUp();
      }, ICE_RECOVERY_MS);
    }
    this.#options.onInterrupted(true);
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    void this.restart();
  }

  /**
   * The network changed, or the browser came back online: an interrupted path restarts at once,
   * without the grace period; with `networkChanged`, a path that still looks connected restarts
   * too — its pair may be gone with the old network, and ICE would take seconds to notice
   * (Chromium keeps the old pair until a new one works: make before break).
   */
  recover(networkChanged = false): void {
    const ice = this.#options.peerConnection()?.iceConnectionState;
    if (ice === 'disconnected' || ice === 'failed') {
      clearTimeout(this.#retryTimer);
      this.#retryTimer = undefined;
      void this.restart();
    } else if (networkChanged && this.#options.established()) {
      void this.restart(true);
    }
  }

  /**
   * Sends an ICE-restart re-INVITE once signalling is possible; tries again later while attempts
   * are left and the path is still down.
   */
  async restart(networkChanged = false): Promise<void> {
    const pc = this.#options.peerConnection();
    if (!pc || this.#restarting || !this.recoverable) return;
    // After a network change a "connected" pair proves nothing yet: restart all the same.
    const healthy = () => !networkChanged && isConnected(pc);
    if (healthy() || this.#restarts >= MAX_ICE_RESTARTS) return;
    this.#restarting = true;
    try {
      const ready = await waitUntil(
        () => this.#options.isOver() || healthy() || this.#options.canReoffer(),
        ICE_RECOVERY_MS,
      );
      if (!ready || this.#options.isOver() || healthy()) return;
      if (!networkChanged) this.#restarts++;
      await this.#options.sendRestart();
    } finally {
      this.#restarting = false;
    }
    if (!this.#options.isOver() && !isConnected(pc) && this.#restarts < MAX_ICE_RESTARTS) {
      this.#retryTimer ??= setTimeout(() => {
        this.#retryTimer = undefined;
        void this.restart();
      }, ICE_RESTART_DELAY_MS);
    }
  }

  /** The call is over: no more timers. */
  stop(): void {
    this.#clearTimers();
  }

  #clearTimers(): void {
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#giveUpTimer);
    this.#retryTimer = undefined;
    this.#giveUpTimer = undefined;
  }
}

// JsSIP's cause when ICE fails (it then hangs up by itself).
const RTP_TIMEOUT = 'RTP Timeout';

/**
 * JsSIP hangs up by itself when ICE reaches `failed` (cause "RTP Timeout"): while the audio path
 * may still come back, that hang-up becomes an ICE restart instead. Returns the hang-up for when
 * it cannot come back: BYE, "Audio connection lost".
 */
export function deferRtpTimeoutHangup(session: RTCSession, recovery: IceRecovery): () => void {
  const internals = sessionInternals(session);
  const terminate = internals.terminate.bind(internals);
  let givingUp = false;
  internals.terminate = (options) => {
    if (options?.cause === RTP_TIMEOUT && !givingUp && recovery.recoverable) {
      recovery.fail();
      return;
    }
    terminate(options);
  };
  return () => {
    givingUp = true;
    session.terminate({ cause: RTP_TIMEOUT, status_code: 408, reason_phrase: RTP_TIMEOUT });
  };
}

/** Resolves true once `check()` holds (polled), false after `timeoutMs`. */
export async function waitUntil(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}
