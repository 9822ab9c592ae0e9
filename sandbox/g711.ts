// G.711 μ-law (PCMU) and A-law (PCMA) codecs, and a sine tone generator for 20 ms frames.

export type G711 = 'PCMU' | 'PCMA';

const BIAS = 0x84;
const CLIP = 32635;

export function linearToUlaw(sample: number): number {
  let s = Math.max(-32768, Math.min(32767, Math.round(sample)));
  const sign = s < 0 ? 0x80 : 0;
  if (s < 0) s = -s;
  if (s > CLIP) s = CLIP;
  s += BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

export function ulawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const sign = u & 0x80;
  const exponent = (u >> 4) & 0x07;
  const mantissa = u & 0x0f;
  const magnitude = (((mantissa << 3) + BIAS) << exponent) - BIAS;
  return sign !== 0 ? -magnitude : magnitude;
}

const ALAW_SEG_END = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];

export function linearToAlaw(sample: number): number {
  let pcm = Math.max(-32768, Math.min(32767, Math.round(sample))) >> 3;
  let mask: number;
  if (pcm >= 0) {
    mask = 0xd5;
  } else {
    mask = 0x55;
    pcm = -pcm - 1;
  }
  let seg = 0;
  while (seg < 8 && pcm > ALAW_SEG_END[seg]!) seg++;
  if (seg >= 8) return 0x7f ^ mask;
  const aval = (seg << 4) | (seg < 2 ? (pcm >> 1) & 0x0f : (pcm >> seg) & 0x0f);
  return aval ^ mask;
}

export function alawToLinear(byte: number): number {
  const a = byte ^ 0x55;
  const sign = a & 0x80;
  const exponent = (a >> 4) & 0x07;
  const mantissa = a & 0x0f;
  let magnitude =
    exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
  if (magnitude > 32767) magnitude = 32767;
  return sign !== 0 ? magnitude : -magnitude;
}

export function encode(codec: G711, samples: Int16Array): Buffer {
  const out = Buffer.alloc(samples.length);
  const enc = codec === 'PCMU' ? linearToUlaw : linearToAlaw;
  for (let i = 0; i < samples.length; i++) out[i] = enc(samples[i]!);
  return out;
}

export function decode(codec: G711, payload: Uint8Array): Int16Array {
  const out = new Int16Array(payload.length);
  const dec = codec === 'PCMU' ? ulawToLinear : alawToLinear;
  for (let i = 0; i < payload.length; i++) out[i] = dec(payload[i]!);
  return out;
}

/** Re-encode a G.711 payload from one law to the other. */
export function transcode(from: G711, to: G711, payload: Uint8Array): Buffer {
  if (from === to) return Buffer.from(payload);
  return encode(to, decode(from, payload));
}

/** Continuous sine tone at 8 kHz, produced 160 samples (20 ms) at a time, phase-continuous. */
export class ToneGenerator {
  private phase = 0;

  constructor(
    private readonly frequency: number,
    private readonly amplitude = 8000,
    private readonly sampleRate = 8000,
  ) {}

  nextFrame(codec: G711, samples = 160): Buffer {
    const pcm = new Int16Array(samples);
    const step = (2 * Math.PI * this.frequency) / this.sampleRate;
    for (let i = 0; i < samples; i++) {
      pcm[i] = Math.round(this.amplitude * Math.sin(this.phase));
      this.phase += step;
    }
    this.phase %= 2 * Math.PI;
    return encode(codec, pcm);
  }
}
