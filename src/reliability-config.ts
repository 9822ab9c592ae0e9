/**
 * The configuration options of the reliability layer (keep-alive, backoff, media watchdog, debug
 * log), their defaults and their validation. `resolveConfig` folds them into the phone's config.
 */
import { ConfigError } from './errors.js';

export type KeepAliveMethod = 'options' | 'crlf' | 'off';

export interface ReliabilityConfig {
  /**
   * How the phone checks that a quiet connection still lives (RFC 5626 §4.4): `options` (an OPTIONS
   * request; any answer will do), `crlf` (a double-CRLF ping, for servers that answer it with a
   * CRLF pong) or `off`. Default `options`.
   */
  keepAlive?: KeepAliveMethod;
  /** How long the connection may stay silent before a keep-alive is sent, in ms. Default 30000. */
  keepAliveInterval?: number;
  /** How long a keep-alive may go unanswered before the connection counts as dead, in ms. 10000. */
  keepAliveTimeout?: number;
  /** RFC 5626 `base-time` of the retry backoff, in ms. Default 30000. */
  retryBaseDelay?: number;
  /** RFC 5626 `max-time`: the longest wait between retries, in ms. Default 1800000 (30 min). */
  retryMaxDelay?: number;
  /**
   * A call whose audio stops arriving for this long (not on hold) is over — its BYE was lost — and
   * is hung up, in ms. 0 turns the watchdog off. Default 60000.
   */
  mediaTimeout?: number;
  /**
   * The Expires the phone asks for on its SUBSCRIBEs (busy lamps, voicemail), in seconds; the
   * server may grant less, and JsSIP refreshes before it runs out. 10 to 86400. Default 600.
   */
  subscribeExpires?: number;
  /**
   * JsSIP's debug log on the console: `true` for every JsSIP namespace, or namespaces in the `debug`
   * package's syntax (`'JsSIP:Transport,JsSIP:RTCSession'`). Credentials and tokens are redacted.
   */
  debug?: boolean | string;
}

export interface ResolvedReliabilityConfig {
  keepAlive: KeepAliveMethod;
  keepAliveInterval: number;
  keepAliveTimeout: number;
  retryBaseDelay: number;
  retryMaxDelay: number;
  mediaTimeout: number;
  subscribeExpires: number;
  debug: boolean | string;
}

export const RELIABILITY_DEFAULTS: ResolvedReliabilityConfig = {
  keepAlive: 'options',
  keepAliveInterval: 30_000,
  keepAliveTimeout: 10_000,
  retryBaseDelay: 30_000,
  retryMaxDelay: 1_800_000,
  mediaTimeout: 60_000,
  subscribeExpires: 600,
  debug: false,
};

function milliseconds(
  field: keyof ReliabilityConfig,
  value: unknown,
  min: number,
  max: number,
): number {
  const fallback = RELIABILITY_DEFAULTS[field] as number;
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ConfigError(field, 'type', `${field} must be a number of milliseconds.`);
  }
  if (value < min || value > max) {
    throw new ConfigError(field, 'range', `${field} must be between ${min} and ${max} ms.`);
  }
  return value;
}

function seconds(field: 'subscribeExpires', value: unknown, min: number, max: number): number {
  if (value === undefined || value === null) return RELIABILITY_DEFAULTS[field];
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new ConfigError(field, 'type', `${field} must be a whole number of seconds.`);
  }
  if (value < min || value > max) {
    throw new ConfigError(field, 'range', `${field} must be between ${min} and ${max} s.`);
  }
  return value;
}

/** Validates the reliability options and fills in defaults. Throws {@link ConfigError}. */
export function resolveReliabilityConfig(input: ReliabilityConfig): ResolvedReliabilityConfig {
  const keepAlive = input.keepAlive ?? RELIABILITY_DEFAULTS.keepAlive;
  if (keepAlive !== 'options' && keepAlive !== 'crlf' && keepAlive !== 'off') {
    throw new ConfigError('keepAlive', 'invalid', 'keepAlive must be options, crlf or off.');
  }
  const debug = input.debug ?? false;
  if (typeof debug !== 'boolean' && (typeof debug !== 'string' || !/^[\w:*,. -]*$/.test(debug))) {
    throw new ConfigError('debug', 'invalid', 'debug must be true, false or debug namespaces.');
  }
  const retryBaseDelay = milliseconds('retryBaseDelay', input.retryBaseDelay, 100, 3_600_000);
  const retryMaxDelay = milliseconds('retryMaxDelay', input.retryMaxDelay, 100, 86_400_000);
  if (retryMaxDelay < retryBaseDelay) {
    throw new ConfigError(
      'retryMaxDelay',
      'range',
      'retryMaxDelay must not be below retryBaseDelay.',
    );
  }
  const mediaTimeout = milliseconds('mediaTimeout', input.mediaTimeout, 0, 3_600_000);
  if (mediaTimeout > 0 && mediaTimeout < 1000) {
    throw new ConfigError(
      'mediaTimeout',
      'range',
      'mediaTimeout must be 0 (off) or at least 1000 ms.',
    );
  }
  return {
    keepAlive,
    keepAliveInterval: milliseconds('keepAliveInterval', input.keepAliveInterval, 1000, 3_600_000),
    keepAliveTimeout: milliseconds('keepAliveTimeout', input.keepAliveTimeout, 200, 120_000),
    retryBaseDelay,
    retryMaxDelay,
    mediaTimeout,
    subscribeExpires: seconds('subscribeExpires', input.subscribeExpires, 10, 86_400),
    debug,
  };
}
