/**
 * Error classes of the core, each with a stable `name` and a machine-readable `code`, plus guards
 * that accept `instanceof` or a matching `name` (so errors survive realm and bundle boundaries).
 */

/** Base class of every error the core throws on purpose. */
export class SipPhoneError extends Error {
  override name: string = 'SipPhoneError';
  /** A stable, machine-readable reason, e.g. `foreign-domain`. */
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/** A configuration value is missing or unsafe. `field` names the offending option. */
export class ConfigError extends SipPhoneError {
  override name = 'ConfigError' as const;
  readonly field: string;

  constructor(field: string, code: string, message: string) {
    super(code, message);
    this.field = field;
  }
}

/** A dial string the phone refuses to turn into a Request-URI. */
export class DialStringError extends SipPhoneError {
  override name = 'DialStringError' as const;
  readonly input: string;

  constructor(input: string, code: string, message: string) {
    super(code, message);
    this.input = input;
  }
}

/** DTMF digits or timings outside what RFC 4733 and the browser allow. */
export class DtmfError extends SipPhoneError {
  override name = 'DtmfError' as const;
}

/** An action that is not possible in the current state (e.g. `hangup()` with no call). */
export class PhoneStateError extends SipPhoneError {
  override name = 'PhoneStateError' as const;
}

const hasName = (error: unknown, name: string): boolean =>
  typeof error === 'object' && error !== null && (error as { name?: unknown }).name === name;

export const isSipPhoneError = (error: unknown): error is SipPhoneError =>
  error instanceof SipPhoneError ||
  ['SipPhoneError', 'ConfigError', 'DialStringError', 'DtmfError', 'PhoneStateError'].some((n) =>
    hasName(error, n),
  );
export const isConfigError = (error: unknown): error is ConfigError =>
  error instanceof ConfigError || hasName(error, 'ConfigError');
export const isDialStringError = (error: unknown): error is DialStringError =>
  error instanceof DialStringError || hasName(error, 'DialStringError');
export const isDtmfError = (error: unknown): error is DtmfError =>
  error instanceof DtmfError || hasName(error, 'DtmfError');
export const isPhoneStateError = (error: unknown): error is PhoneStateError =>
  error instanceof PhoneStateError || hasName(error, 'PhoneStateError');
