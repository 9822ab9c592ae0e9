/**
 * Call quality from the browser's own statistics: round-trip time, jitter, packet loss, an
 * estimated MOS for G.711 (ITU-T G.107 E-model), no inbound audio, a silent microphone. Each
 * warning is raised when most recent samples are bad and cleared only when most are good again
 * (hysteresis), so a single bad second does not make the indicator flicker.
 */
import { Emitter } from './emitter.js';

/** One look at the call's statistics. */
export interface QualitySample {
  at: number;
  /** Round-trip time, from RTCP (remote-inbound-rtp). */
  rttMs?: number;
  /** Inbound interarrival jitter. */
  jitterMs?: number;
  /** Inbound packets lost in this interval, in % of those expected. */
  lossPct?: number;
  /** Inbound packets received so far (cumulative). */
  packetsReceived: number;
  /** Microphone level 0–1 (media-source audioLevel), when the browser reports it. */
  microphoneLevel?: number;
  /** True when the user muted the microphone (a silent microphone is then expected). */
  muted?: boolean;
}

export type QualityIssue =
  'high-rtt' | 'high-jitter' | 'packet-loss' | 'low-mos' | 'no-inbound-audio' | 'silent-microphone';

export interface QualitySnapshot {
  /** Warnings now raised. */
  issues: QualityIssue[];
  /** Estimated MOS (1–4.5) from the latest sample, when RTT is known. */
  mos?: number;
  latest?: QualitySample;
}

export interface QualityThresholds {
  rttMs: number;
  jitterMs: number;
  lossPct: number;
  mos: number;
  /** No inbound packet for this long raises `no-inbound-audio`. */
  noInboundMs: number;
  /** A microphone level below this, while not muted, counts as silent. */
  silentLevel: number;
}

export const DEFAULT_THRESHOLDS: QualityThresholds = {
  rttMs: 400,
  jitterMs: 30,
  lossPct: 3,
  mos: 3.5,
  noInboundMs: 3000,
  silentLevel: 0.0005,
};

/**
 * E-model estimate of the MOS of a G.711 call with packet-loss concealment (G.107 / G.113:
 * Ie = 0, Bpl = 25.1). One-way delay is taken as half the RTT plus a jitter buffer of twice the
 * jitter plus 20 ms of packetisation.
 */
export function mosG711(rttMs: number, jitterMs = 0, lossPct = 0): number {
  const delay = rttMs / 2 + 2 * jitterMs + 20;
  const delayImpairment = 0.024 * delay + (delay > 177.3 ? 0.11 * (delay - 177.3) : 0);
  const loss = Math.max(0, Math.min(100, lossPct));
  const equipmentImpairment = (95 * loss) / (loss + 25.1);
  const r = Math.max(0, Math.min(100, 93.2 - delayImpairment - equipmentImpairment));
  const mos = 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r);
  return Math.round(Math.max(1, Math.min(4.5, mos)) * 100) / 100;
}

/** Which checks a sample fails (`undefined`: not enough data to say). */
function failures(
  sample: QualitySample,
  history: readonly QualitySample[],
  thresholds: QualityThresholds,
): Partial<Record<QualityIssue, boolean>> {
  const result: Partial<Record<QualityIssue, boolean>> = {};
  if (sample.rttMs !== undefined) result['high-rtt'] = sample.rttMs > thresholds.rttMs;
  if (sample.jitterMs !== undefined) result['high-jitter'] = sample.jitterMs > thresholds.jitterMs;
  if (sample.lossPct !== undefined) result['packet-loss'] = sample.lossPct > thresholds.lossPct;
  if (sample.rttMs !== undefined) {
    result['low-mos'] = mosG711(sample.rttMs, sample.jitterMs, sample.lossPct) < thresholds.mos;
  }
  const since = history.findLast((h) => sample.at - h.at >= thresholds.noInboundMs);
  if (since) result['no-inbound-audio'] = sample.packetsReceived <= since.packetsReceived;
  if (sample.microphoneLevel !== undefined && !sample.muted) {
    result['silent-microphone'] = sample.microphoneLevel < thresholds.silentLevel;
  }
  return result;
}

/**
 * Turns samples into raised and cleared warnings: raised when at least `raiseAfter` of the last
 * `window` samples fail a check, cleared when no more than `clearAt` do.
 */
export class QualityEvaluator {
  readonly #window: number;
  readonly #raiseAfter: number;
  readonly #clearAt: number;
  readonly #thresholds: QualityThresholds;
  readonly #samples: QualitySample[] = [];
  readonly #verdicts: Array<Partial<Record<QualityIssue, boolean>>> = [];
  readonly #raised = new Set<QualityIssue>();

  constructor(
    options: {
      window?: number;
      raiseAfter?: number;
      clearAt?: number;
      thresholds?: Partial<QualityThresholds>;
    } = {},
  ) {
    this.#window = options.window ?? 5;
    this.#raiseAfter = options.raiseAfter ?? 3;
    this.#clearAt = options.clearAt ?? 1;
    this.#thresholds = { ...DEFAULT_THRESHOLDS, ...options.thresholds };
  }

  /** Adds a sample; returns the snapshot after it. */
  add(sample: QualitySample): QualitySnapshot {
    this.#verdicts.push(failures(sample, this.#samples, this.#thresholds));
    this.#samples.push(sample);
    // Keep enough history for the no-inbound-audio look-back, and the window for the verdicts.
    while (
      this.#samples.length > 2 &&
      sample.at - this.#samples[1]!.at > this.#thresholds.noInboundMs
    ) {
      this.#samples.shift();
    }
    while (this.#verdicts.length > this.#window) this.#verdicts.shift();
    for (const issue of ISSUES) {
      const bad = this.#verdicts.filter((v) => v[issue] === true).length;
      if (bad >= this.#raiseAfter) this.#raised.add(issue);
      else if (bad <= this.#clearAt) this.#raised.delete(issue);
    }
    const snapshot: QualitySnapshot = {
      issues: ISSUES.filter((i) => this.#raised.has(i)),
      latest: sample,
    };
    if (sample.rttMs !== undefined)
      snapshot.mos = mosG711(sample.rttMs, sample.jitterMs, sample.lossPct);
    return snapshot;
  }
}

const ISSUES: QualityIssue[] = [
  'high-rtt',
  'high-jitter',
  'packet-loss',
  'low-mos',
  'no-inbound-audio',
  'silent-microphone',
];

interface StatsLike {
  type: string;
  kind?: string;
  roundTripTime?: number;
  jitter?: number;
  packetsReceived?: number;
  packetsLost?: number;
  audioLevel?: number;
}

/**
 * Reads one sample from a peer connection's statistics. `previous` is needed to turn the
 * cumulative loss counters into a loss rate for the interval.
 */
export async function sampleQuality(
  pc: RTCPeerConnection,
  previous?: { packetsReceived: number; packetsLost: number },
  muted = false,
): Promise<QualitySample & { counters: { packetsReceived: number; packetsLost: number } }> {
  let rttMs: number | undefined;
  let jitterMs: number | undefined;
  let packetsReceived = 0;
  let packetsLost = 0;
  let microphoneLevel: number | undefined;
  (await pc.getStats()).forEach((report: StatsLike) => {
    if (
      report.type === 'remote-inbound-rtp' &&
      report.kind === 'audio' &&
      report.roundTripTime !== undefined
    ) {
      rttMs = report.roundTripTime * 1000;
    }
    if (report.type === 'inbound-rtp' && report.kind === 'audio') {
      packetsReceived += report.packetsReceived ?? 0;
      packetsLost += report.packetsLost ?? 0;
      if (report.jitter !== undefined) jitterMs = report.jitter * 1000;
    }
    if (
      report.type === 'media-source' &&
      report.kind === 'audio' &&
      report.audioLevel !== undefined
    ) {
      microphoneLevel = report.audioLevel;
    }
  });
  const sample: QualitySample & { counters: { packetsReceived: number; packetsLost: number } } = {
    at: Date.now(),
    packetsReceived,
    muted,
    counters: { packetsReceived, packetsLost },
  };
  if (rttMs !== undefined) sample.rttMs = rttMs;
  if (jitterMs !== undefined) sample.jitterMs = jitterMs;
  if (microphoneLevel !== undefined) sample.microphoneLevel = microphoneLevel;
  if (previous) {
    const received = packetsReceived - previous.packetsReceived;
    const lost = Math.max(0, packetsLost - previous.packetsLost);
    if (received + lost > 0) sample.lossPct = (100 * lost) / (received + lost);
  }
  return sample;
}

export interface QualityEvents extends Record<string, unknown> {
  /** The set of raised warnings changed (also the first sample). */
  change: QualitySnapshot;
  sample: QualitySnapshot;
}

/** Samples a peer connection every `intervalMs` and reports warnings as they rise and clear. */
export class QualityMonitor extends Emitter<QualityEvents> {
  readonly #pc: RTCPeerConnection;
  readonly #evaluator: QualityEvaluator;
  readonly #intervalMs: number;
  readonly #isMuted: () => boolean;
  #timer: ReturnType<typeof setInterval> | undefined;
  #previous: { packetsReceived: number; packetsLost: number } | undefined;
  #snapshot: QualitySnapshot = { issues: [] };

  constructor(
    pc: RTCPeerConnection,
    options: {
      intervalMs?: number;
      isMuted?: () => boolean;
      window?: number;
      raiseAfter?: number;
      clearAt?: number;
      thresholds?: Partial<QualityThresholds>;
    } = {},
  ) {
    super();
    this.#pc = pc;
    this.#intervalMs = options.intervalMs ?? 1000;
    this.#isMuted = options.isMuted ?? (() => false);
    this.#evaluator = new QualityEvaluator(options);
  }

  get snapshot(): QualitySnapshot {
    return this.#snapshot;
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.#tick(), this.#intervalMs);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.clearListeners();
  }

  async #tick(): Promise<void> {
    if (this.#pc.connectionState === 'closed') return this.stop();
    const sample = await sampleQuality(this.#pc, this.#previous, this.#isMuted());
    this.#previous = sample.counters;
    const snapshot = this.#evaluator.add(sample);
    const changed = snapshot.issues.join() !== this.#snapshot.issues.join();
    this.#snapshot = snapshot;
    this.emit('sample', snapshot);
    if (changed) this.emit('change', snapshot);
  }
}
