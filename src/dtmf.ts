/** DTMF: digit validation and the RFC 4733 timing rules. */
import { DtmfError } from './errors.js';

/** The tone duration and gap a phone accepts, in ms (config.ts checks the configured ones). */
export const DTMF_LIMITS = { minDuration: 40, maxDuration: 6000, minGap: 30, maxGap: 6000 };

/** Digits RFC 4733 carries, plus `,` for a two-second pause (RTCDTMFSender's convention). */
const DIGITS = /^[0-9*#A-D,]+$/;

/** Normalises and checks a DTMF string; throws {@link DtmfError} for anything else. */
export function validateDtmf(digits: unknown): string {
  if (typeof digits !== 'string' && typeof digits !== 'number') {
    throw new DtmfError('invalid-digits', 'DTMF digits must be a string such as "123#".');
  }
  const text = String(digits).toUpperCase();
  if (!text) throw new DtmfError('empty', 'No DTMF digits given.');
  if (text.length > 256)
    throw new DtmfError('too-long', 'At most 256 DTMF digits can be sent at once.');
  if (!DIGITS.test(text)) {
    const bad = [...text].find((c) => !/[0-9*#A-D,]/.test(c)) ?? '';
    throw new DtmfError(
      'invalid-digits',
      `"${bad.replace(/[^\x20-\x7e]/g, '?')}" is not a DTMF digit; use 0-9, *, #, A-D and "," for a pause.`,
    );
  }
  return text;
}

/** Checks tone duration and gap against the limits of RFC 4733 / WebRTC. */
export function validateDtmfTiming(duration: number, gap: number): void {
  if (
    !Number.isFinite(duration) ||
    duration < DTMF_LIMITS.minDuration ||
    duration > DTMF_LIMITS.maxDuration
  ) {
    throw new DtmfError(
      'invalid-duration',
      `Tone duration must be ${DTMF_LIMITS.minDuration}–${DTMF_LIMITS.maxDuration} ms.`,
    );
  }
  if (!Number.isFinite(gap) || gap < DTMF_LIMITS.minGap || gap > DTMF_LIMITS.maxGap) {
    throw new DtmfError(
      'invalid-gap',
      `Gap between tones must be ${DTMF_LIMITS.minGap}–${DTMF_LIMITS.maxGap} ms.`,
    );
  }
}
