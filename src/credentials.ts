/**
 * Short-lived credentials: instead of a long-lived password sitting in every visitor's JavaScript
 * (a kiosk above all), the page gives the phone a function that fetches a password or a bearer
 * token from its own server, just before they are needed. What the function returns is checked
 * like any other input before it reaches a header.
 */
import { ConfigError } from './errors.js';
import { hasControlCharacters } from './text.js';

/** A digest password, or a bearer token (JsSIP's `authorization_jwt`), with an optional expiry. */
export type Credentials =
  { password: string; expiresAt?: number } | { token: string; expiresAt?: number };

/**
 * Fetches credentials; the phone calls it before each (re-)registration, before a credential
 * expires, and again once after the server refuses one (it may have run out in between).
 */
export type CredentialsProvider = () => Promise<Credentials>;

// RFC 7235 token68: what a Bearer token may be made of.
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;
const MAX_TOKEN_LENGTH = 8192;
const MAX_PASSWORD_LENGTH = 1024;
/** How long the provider may take before the attempt counts as failed. */
export const CREDENTIALS_TIMEOUT_MS = 10_000;

const invalid = (message: string): never => {
  throw new ConfigError('credentials', 'invalid', message);
};

/** Checks what a provider returned. Throws {@link ConfigError} (field `credentials`). */
export function checkCredentials(value: unknown): Credentials {
  if (!value || typeof value !== 'object') {
    return invalid('The credentials callback must resolve with { password } or { token }.');
  }
  const { password, token, expiresAt } = value as Record<string, unknown>;
  if (expiresAt !== undefined && (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt))) {
    return invalid('expiresAt must be a time in milliseconds since the epoch.');
  }
  const expiry = expiresAt === undefined ? {} : { expiresAt };
  if (typeof token === 'string' && password === undefined) {
    if (!token || token.length > MAX_TOKEN_LENGTH || !TOKEN68.test(token)) {
      return invalid('The token must be a bearer token (letters, digits, - . _ ~ + /).');
    }
    return { token, ...expiry };
  }
  if (typeof password === 'string' && token === undefined) {
    if (!password || password.length > MAX_PASSWORD_LENGTH || hasControlCharacters(password)) {
      return invalid('The password must be 1 to 1024 characters, without control characters.');
    }
    return { password, ...expiry };
  }
  return invalid('The credentials callback must resolve with { password } or { token }.');
}

/** Calls the provider with a time limit and checks its answer. Rejects when it fails or stalls. */
export async function fetchCredentials(
  provider: CredentialsProvider,
  timeoutMs = CREDENTIALS_TIMEOUT_MS,
): Promise<Credentials> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error('the credentials callback did not answer')),
      timeoutMs,
    );
  });
  try {
    return checkCredentials(await Promise.race([Promise.resolve().then(provider), stalled]));
  } finally {
    clearTimeout(timer);
  }
}

/**
 * When to fetch credentials again, in ms from `now`: at four fifths of their remaining life, and
 * at least 30 s before they run out when their life allows. Undefined when they do not expire.
 */
export function renewDelayMs(expiresAt: number | undefined, now: number): number | undefined {
  if (expiresAt === undefined) return undefined;
  const left = expiresAt - now;
  if (left <= 0) return 0;
  return Math.round(Math.min(left * 0.8, Math.max(left - 30_000, left / 2)));
}
