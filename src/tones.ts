/**
 * Call-progress and alerting tones generated with Web Audio (no audio files to ship): ringback
 * while the far end rings without early media, a ringtone for incoming calls (routable to a
 * separate ringer device), the warning before an automatic answer, and a short DTMF key tone.
 * When the browser's autoplay policy keeps audio suspended, `blocked` turns true so the UI can ask
 * for one click ("enable sound").
 */
import { Emitter } from './emitter.js';
import type { CallSnapshot } from './call.js';

export type ToneKind = 'ringback' | 'ringtone' | 'auto-answer';

export interface ToneEvents extends Record<string, unknown> {
  /** Audio is (or is no longer) held back by the browser's autoplay policy. */
  'blocked-change': boolean;
  /** The looping tone changed (`undefined` when silent). */
  'tone-change': ToneKind | undefined;
}

interface Cadence {
  /** Frequencies mixed together, in Hz. */
  frequencies: number[];
  /** On/off pattern in ms, repeated: [on, off, on, off…]. */
  pattern: number[];
  gain: number;
}

// North American ringback (440 + 480 Hz, 2 s on, 4 s off), a two-burst ringtone, and the warning
// before an automatic answer: a high double pip every second, unlike either (auto-answer.ts).
const CADENCES: Record<ToneKind, Cadence> = {
  ringback: { frequencies: [440, 480], pattern: [2000, 4000], gain: 0.08 },
  ringtone: { frequencies: [660, 880], pattern: [400, 200, 400, 2000], gain: 0.15 },
  'auto-answer': { frequencies: [1400], pattern: [120, 80, 120, 680], gain: 0.12 },
};

// RFC 4733 / ITU-T Q.23 DTMF pairs.
const DTMF_ROWS: Record<string, number> = {
  '1': 697, '2': 697, '3': 697, A: 697,
  '4': 770, '5': 770, '6': 770, B: 770,
  '7': 852, '8': 852, '9': 852, C: 852,
  '*': 941, '0': 941, '#': 941, D: 941,
}; // prettier-ignore
const DTMF_COLUMNS: Record<string, number> = {
  '1': 1209, '4': 1209, '7': 1209, '*': 1209,
  '2': 1336, '5': 1336, '8': 1336, '0': 1336,
  '3': 1477, '6': 1477, '9': 1477, '#': 1477,
  A: 1633, B: 1633, C: 1633, D: 1633,
}; // prettier-ignore

/**
 * Which looping tone the lines call for: the ringtone while a call rings for us, ringback while the
 * far end rings without early media (a 180 without SDP), otherwise silence.
 */
export function toneFor(lines: readonly Pick<CallSnapshot, 'state'>[]): ToneKind | undefined {
  if (lines.some((line) => line.state === 'incoming')) return 'ringtone';
  if (lines.some((line) => line.state === 'ringing')) return 'ringback';
  return undefined;
}

/**
 * Whether a desktop notification should announce this call change: only when a call starts
 * ringing for us, notifications are on and allowed, and nobody is looking at the page.
 */
export function shouldNotify(options: {
  enabled: boolean;
  permission: NotificationPermission | 'unsupported';
  visibility: DocumentVisibilityState;
  snapshot: Pick<CallSnapshot, 'state' | 'previous'>;
}): boolean {
  return (
    options.enabled &&
    options.permission === 'granted' &&
    options.visibility === 'hidden' &&
    options.snapshot.state === 'incoming' &&
    options.snapshot.previous === 'idle'
  );
}

/** Frequencies of a DTMF key, or `undefined` for anything else. */
export function dtmfFrequencies(key: string): [number, number] | undefined {
  const row = DTMF_ROWS[key.toUpperCase()];
  const column = DTMF_COLUMNS[key.toUpperCase()];
  return row && column ? [row, column] : undefined;
}

const RESUME_WAIT_MS = 250;

interface AudioContextWithSink extends AudioContext {
  setSinkId?(sinkId: string): Promise<void>;
}

export class TonePlayer extends Emitter<ToneEvents> {
  #context: AudioContextWithSink | undefined;
  #analyser: AnalyserNode | undefined;
  #master: GainNode | undefined;
  #loop: { kind: ToneKind; stop: () => void } | undefined;
  #blocked = false;
  #sinkId = '';

  /** True when the browser holds audio back until the user interacts with the page. */
  get blocked(): boolean {
    return this.#blocked;
  }

  /** The looping tone now playing, if any. */
  get playing(): ToneKind | undefined {
    return this.#loop?.kind;
  }

  /**
   * Plays ringback, the ringtone or the auto-answer warning until {@link stop} (replacing any
   * other looping tone).
   */
  start(kind: ToneKind): void {
    if (this.#loop?.kind === kind) return;
    this.stop();
    const context = this.#ensureContext();
    const cadence = CADENCES[kind];
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    let step = 0;
    let sounding: OscillatorNode[] = [];
    const burst = () => {
      if (stopped) return;
      const on = cadence.pattern[step % cadence.pattern.length]!;
      const off = cadence.pattern[(step + 1) % cadence.pattern.length]!;
      sounding = this.#beep(context, cadence.frequencies, on / 1000, cadence.gain);
      step += 2;
      timer = setTimeout(burst, on + off);
    };
    burst();
    this.#loop = {
      kind,
      stop: () => {
        stopped = true;
        clearTimeout(timer);
        for (const oscillator of sounding) oscillator.stop();
      },
    };
    this.emit('tone-change', kind);
    void this.#checkBlocked();
  }

  /** Stops the looping tone, cutting a burst that is still sounding. */
  stop(): void {
    if (!this.#loop) return;
    this.#loop.stop();
    this.#loop = undefined;
    this.emit('tone-change', undefined);
  }

  /** A short, quiet DTMF tone as feedback for a key press. */
  key(key: string): void {
    const frequencies = dtmfFrequencies(key);
    if (!frequencies) return;
    this.#beep(this.#ensureContext(), frequencies, 0.08, 0.05);
  }

  /**
   * Tries to start audio after a user gesture (call it from a click handler). Resolves true when
   * audio now plays.
   */
  async unlock(): Promise<boolean> {
    await this.#resume(this.#ensureContext());
    return this.#checkBlocked();
  }

  /** Routes the tones to an output device (the ringer), where the browser supports it. */
  async setSinkId(deviceId: string): Promise<boolean> {
    this.#sinkId = deviceId;
    const context = this.#context;
    if (!context)
      return typeof (AudioContext.prototype as AudioContextWithSink).setSinkId === 'function';
    if (typeof context.setSinkId !== 'function') return false;
    await context.setSinkId(deviceId);
    return true;
  }

  /** Loudness of what the tones output now, 0–1 (RMS): lets tests and meters see the sound. */
  level(): number {
    const analyser = this.#analyser;
    if (!analyser) return 0;
    const samples = new Float32Array(analyser.fftSize);
    analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    for (const sample of samples) sum += sample * sample;
    return Math.sqrt(sum / samples.length);
  }

  /** The strongest frequency in the output now, in Hz (0 when silent). */
  dominantFrequency(): number {
    const analyser = this.#analyser;
    if (!analyser || !this.#context) return 0;
    const bins = new Float32Array(analyser.frequencyBinCount);
    analyser.getFloatFrequencyData(bins);
    let best = 0;
    for (let i = 1; i < bins.length; i++) if (bins[i]! > bins[best]!) best = i;
    return bins[best]! < -90 ? 0 : (best * this.#context.sampleRate) / analyser.fftSize;
  }

  /** Stops everything and releases the audio context. */
  async close(): Promise<void> {
    this.stop();
    const context = this.#context;
    this.#context = undefined;
    this.#master = undefined;
    this.#analyser = undefined;
    await context?.close().catch(() => undefined);
  }

  #ensureContext(): AudioContextWithSink {
    if (this.#context) return this.#context;
    const context: AudioContextWithSink = new AudioContext({ latencyHint: 'interactive' });
    const master = context.createGain();
    const analyser = context.createAnalyser();
    analyser.fftSize = 4096;
    master.connect(analyser);
    analyser.connect(context.destination);
    this.#context = context;
    this.#master = master;
    this.#analyser = analyser;
    context.addEventListener('statechange', () => void this.#checkBlocked());
    if (this.#sinkId && typeof context.setSinkId === 'function') {
      void context.setSinkId(this.#sinkId).catch(() => undefined);
    }
    return context;
  }

  /** Schedules one burst; returns its oscillators so a stop can cut it short. */
  #beep(
    context: AudioContext,
    frequencies: number[],
    seconds: number,
    gain: number,
  ): OscillatorNode[] {
    const start = context.currentTime + 0.01;
    const envelope = context.createGain();
    envelope.gain.setValueAtTime(0, start);
    // Short ramps avoid clicks.
    envelope.gain.linearRampToValueAtTime(gain / frequencies.length, start + 0.01);
    envelope.gain.setValueAtTime(gain / frequencies.length, start + seconds - 0.01);
    envelope.gain.linearRampToValueAtTime(0, start + seconds);
    envelope.connect(this.#master!);
    return frequencies.map((frequency) => {
      const oscillator = context.createOscillator();
      oscillator.frequency.value = frequency;
      oscillator.connect(envelope);
      oscillator.start(start);
      oscillator.stop(start + seconds);
      oscillator.addEventListener('ended', () => envelope.disconnect(), { once: true });
      return oscillator;
    });
  }

  /** `resume()` never settles while autoplay is blocked: give it a moment, not forever. */
  async #resume(context: AudioContext): Promise<void> {
    await Promise.race([
      context.resume().catch(() => undefined),
      new Promise((resolve) => setTimeout(resolve, RESUME_WAIT_MS)),
    ]);
  }

  async #checkBlocked(): Promise<boolean> {
    const context = this.#context;
    if (!context) return true;
    if (context.state === 'suspended') await this.#resume(context);
    const blocked = context.state !== 'running' && context.state !== 'closed';
    if (blocked !== this.#blocked) {
      this.#blocked = blocked;
      this.emit('blocked-change', blocked);
    }
    return !blocked;
  }
}
