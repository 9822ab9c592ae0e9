/**
 * Debug logging without secrets. JsSIP logs through the `debug` package and prints whole SIP
 * messages, `Authorization` digests and bearer tokens included. The phone wraps `debug`'s output
 * formatting once, at import, so every line JsSIP writes — whether the phone's `debug` option or a
 * developer's `localStorage.debug` turned it on — passes through {@link redactSecrets} first.
 */
import JsSIP from 'jssip';

export const REDACTED = '[redacted]';

// Matching runs line by line, and a header may go on over several lines (a line break then
// spaces or tabs, RFC 3261 §7.3.1): a secret on a continuation line would slip past. A bare CR
// does not end a line either, so nothing can hide behind one.
const REST_OF_LINE = String.raw`(?:[^\r\n]|\r(?!\n))*`;
const HEADER_NAME = String.raw`[!%'*+\-.0-9A-Z_\x60a-z~]+`;
const FOLDED_HEADER = new RegExp(
  String.raw`^${HEADER_NAME}[ \t]*:${REST_OF_LINE}(?:\r?\n[ \t]+${REST_OF_LINE})+`,
  'gm',
);
const HEADER_LINE = new RegExp(String.raw`^(${HEADER_NAME})([ \t]*:[ \t]*)(${REST_OF_LINE})`, 'gm');
// A header in a quoted string, as JSON prints a list of them (JsSIP logs its `extra_headers`).
const QUOTED_HEADER = new RegExp(
  String.raw`(?<=")(${HEADER_NAME})([ \t]*:[ \t]*)((?:[^"\\\r\n]|\\.)*)(?=")`,
  'g',
);

// Header names configured as carrying secrets (a phone's extra headers), for every log line.
const secretHeaderNames = new Set<string>();

// Header names that say "credential": Authorization, Cookie, X-Api-Key, X-Auth-Token, X-Session…
const SECRET_HEADER_NAME =
  /auth|token|secret|pass|pwd|key|cookie|credential|signature|session|bearer|jwt/i;
// Standard headers whose names match but whose values are no credential (a challenge's realm and
// nonce, timers). Authentication-Info stays redacted: its rspauth is a digest of the password.
const PUBLIC_HEADERS = new Set([
  'www-authenticate',
  'proxy-authenticate',
  'session-expires',
  'session-id',
]);
// A value of an X- header that looks like a key: a run of 20 or more base64/hex-ish characters
// with letters and digits both (tested run by run: a lookahead per position would be quadratic).
const TOKEN_RUN = /[A-Za-z0-9+/_.~=-]{20,}/g;
const looksLikeToken = (value: string): boolean =>
  (value.match(TOKEN_RUN) ?? []).some((run) => /\d/.test(run) && /[A-Za-z]/.test(run));
// Schemes worth keeping in front of a redacted credential: a reader still sees what kind it was.
const AUTH_SCHEME = /^(Digest|Bearer|Basic|Negotiate|NTLM|Token|OAuth|HOBA|Mutual)(?=[ \t]|$)/i;

// A JWT: three base64url parts, the first two starting like a JSON object (`eyJ` = `{"`).
// Remote text reaches these patterns: each may start only where a scan cannot have started
// already (or its scan is bounded), so that no message costs more than linear time.
const JWT = /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{2,}\.eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g;
// A bearer token wherever it appears (RFC 6750 b64token).
const BEARER = /\b(Bearer[ \t]+)[A-Za-z0-9\-._~+/]+=*/gi;
// A URL with an authority: `scheme://[user-info@]host[path][?query][#fragment]`. User-info goes
// (up to the last @: a password may hold one), query and fragment are masked: tokens travel there
// (`wss://…/ws?token=…`).
const URL_WITH_AUTHORITY =
  /\b([a-z][a-z0-9+.-]{0,31}:\/\/)([^\s/?#<>"'`]*@)?([^\s/?#<>"'`]*)([^\s?#<>"'`]*)(\?[^\s#<>"'`]*)?(#[^\s<>"'`]*)?/gi;
// The SDP's ICE password (it authenticates connectivity checks for the call's lifetime) and SDES
// keys.
const SDP_SECRETS = /^(a=(?:ice-pwd|crypto):[ \t]*(?:\d+[ \t]+\S+[ \t]+inline:)?)(\S+)/gim;
// A SIP URI's password (`sip:alice:secret@host`, deprecated but still parsed).
const SIP_PASSWORD = /\b(sips?:[^\s:@;?<>,"']{1,256}:)([^\s@;?<>,"']{1,256})@/gi;
// `token=…`, `password: …`, `client_secret=…`, `sig=…`, `key=…`, `auth=…` and the like, in URLs,
// cookies, parameters and prose.
const SECRET_PARAMETER =
  /(?<![\w.-])([\w.-]*(?:token|secret|passw(?:or)?d|pwd|api[_-]?key|credential|signature|ha1)|sig|key|auth|pass|jwt)(\s*[=:]\s*"?)([^\s"&;,]+)/gi;

/** Joins folded header lines, so that a header's whole value is on its line. */
export function unfoldHeaders(text: string): string {
  return text.replace(FOLDED_HEADER, (header) => header.replace(/\r?\n[ \t]+/g, ' '));
}

/** Whether a header's value is a credential, judged by its name (and an X- header's value). */
export function isSecretHeader(
  name: string,
  value: string,
  secretNames: ReadonlySet<string> = secretHeaderNames,
): boolean {
  const lower = name.toLowerCase();
  if (secretNames.has(lower)) return true;
  if (PUBLIC_HEADERS.has(lower)) return false;
  return SECRET_HEADER_NAME.test(lower) || (lower.startsWith('x-') && looksLikeToken(value));
}

/** A credential's replacement: its scheme, when it names one, then `[redacted]`. */
const redactedValue = (value: string): string => {
  const scheme = AUTH_SCHEME.exec(value)?.[1];
  return scheme ? `${scheme} ${REDACTED}` : REDACTED;
};

/** Replaces the value of every header line {@link isSecretHeader} picks (folded ones included). */
export function redactHeaders(
  text: string,
  secretNames: ReadonlySet<string> = secretHeaderNames,
): string {
  const redact = (line: string, name: string, separator: string, value: string) =>
    isSecretHeader(name, value, secretNames) ? `${name}${separator}${redactedValue(value)}` : line;
  return unfoldHeaders(text).replace(HEADER_LINE, redact).replace(QUOTED_HEADER, redact);
}

/** A URL without user-info, its query and fragment masked: `wss://host/ws?[redacted]`. */
export function redactUrls(text: string): string {
  return text.replace(
    URL_WITH_AUTHORITY,
    (_match, scheme: string, _userInfo, host: string, path: string, query = '', fragment = '') =>
      `${scheme}${host}${path}${query.length > 1 ? `?${REDACTED}` : query}` +
      `${fragment.length > 1 ? `#${REDACTED}` : fragment}`,
  );
}

/**
 * The URLs in `text` without what may be a credential — user-info, query and fragment dropped,
 * not masked — for keeping a server address (`wss://host/ws?token=…` → `wss://host/ws`).
 */
export function stripUrlSecrets(text: string): string {
  return text.replace(
    URL_WITH_AUTHORITY,
    (_match, scheme: string, _userInfo, host: string, path: string) => `${scheme}${host}${path}`,
  );
}

/**
 * Removes credentials from text (a log line, a SIP message, a setting): credential headers (by
 * name, folded ones too, and every name in `secretNames`), bearer tokens, JWTs, URL user-info,
 * queries and fragments, SIP URI passwords, SDP ICE passwords and SDES keys, and secret
 * parameters. Idempotent.
 */
export function redactSecrets(
  text: string,
  secretNames: ReadonlySet<string> = secretHeaderNames,
): string {
  return redactUrls(redactHeaders(text, secretNames))
    .replace(JWT, REDACTED)
    .replace(BEARER, `$1${REDACTED}`)
    .replace(SIP_PASSWORD, `$1${REDACTED}@`)
    .replace(SDP_SECRETS, `$1${REDACTED}`)
    .replace(SECRET_PARAMETER, (_match, name: string, separator: string) => {
      return `${name}${separator}${REDACTED}`;
    });
}

/**
 * Redacts these headers' values from now on, in the debug log and in diagnostics, whatever their
 * names look like: the phone's configured extra headers (`"X-Tenant: …"` or just the name).
 */
export function addSecretHeaders(headers: Iterable<string>): void {
  for (const name of headerNames(headers)) secretHeaderNames.add(name);
}

/** The lower-case names of `"Name: value"` headers or bare names (anything else is skipped). */
export function headerNames(headers: Iterable<unknown>): string[] {
  return [...headers]
    .map((header) => (typeof header === 'string' ? header.split(':')[0]!.trim().toLowerCase() : ''))
    .filter(Boolean);
}

/** The names {@link addSecretHeaders} was given (a copy). */
export const secretHeaders = (): ReadonlySet<string> => new Set(secretHeaderNames);

/**
 * A value the debug log was handed, as redacted text: an error's message, an object with a
 * `toString` of its own (JsSIP's requests print as SIP), else plain data a few levels deep.
 */
function loggable(value: object): string {
  if (value instanceof Error) return redactSecrets(String(value));
  try {
    if (!Array.isArray(value) && value.toString !== Object.prototype.toString) {
      return redactSecrets(String(value));
    }
    return JSON.stringify(plain(value, 3));
  } catch {
    return `[${value.constructor?.name ?? 'object'}]`;
  }
}

/** Plain data with every string redacted; class instances by name only (they can be huge). */
function plain(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (typeof value === 'function') return '[function]';
  if (value === null || typeof value !== 'object') return value;
  const prototype = Object.getPrototypeOf(value) as object | null;
  const name = (value.constructor as { name?: string } | undefined)?.name || 'object';
  if (depth <= 0) return `[${name}]`;
  if (Array.isArray(value)) return value.slice(0, 50).map((item) => plain(item, depth - 1));
  if (prototype !== Object.prototype && prototype !== null) return `[${name}]`;
  return Object.fromEntries(
    Object.entries(value)
      .slice(0, 50)
      // A property named like a credential header (`password`, `authorization_jwt`) is one.
      .map(([key, item]) => [
        key,
        typeof item === 'string' && isSecretHeader(key, item) ? REDACTED : plain(item, depth - 1),
      ]),
  );
}

interface DebugModule {
  (namespace: string): unknown;
  formatArgs: (this: unknown, args: unknown[]) => void;
  enable(namespaces: string): void;
  disable(): string;
  enabled(namespace: string): boolean;
}

const debug = (JsSIP as unknown as { debug: DebugModule }).debug;
const WRAPPED = Symbol.for('sip-phone.redacting');

/** Makes every line the `debug` package prints go through {@link redactSecrets}. Idempotent. */
export function installLogRedaction(module: DebugModule = debug): void {
  const current = module.formatArgs as DebugModule['formatArgs'] & { [WRAPPED]?: true };
  if (current[WRAPPED]) return;
  const redacting = function (this: unknown, args: unknown[]): void {
    current.call(this, args);
    for (let i = 0; i < args.length; i++) {
      const value = args[i];
      // Objects too: the browser's console would let anyone expand them (a request's headers).
      if (typeof value === 'string') args[i] = redactSecrets(value);
      else if (value !== null && typeof value === 'object') args[i] = loggable(value);
    }
  } as DebugModule['formatArgs'] & { [WRAPPED]?: true };
  redacting[WRAPPED] = true;
  module.formatArgs = redacting;
}

/**
 * Turns JsSIP's debug log on (`true`: every JsSIP namespace; a string: those namespaces, in
 * `debug`'s syntax), for this page only: `debug` would also write it to `localStorage.debug`, and
 * every later page of the site would log too. Namespaces a developer enabled stay enabled.
 */
export function enableDebugLog(namespaces: true | string): void {
  const wanted = namespaces === true ? 'JsSIP:*' : namespaces;
  withoutPersisting(() => {
    const previous = debug.disable();
    debug.enable([previous, wanted].filter(Boolean).join(','));
  });
}

/** Turns JsSIP's debug log off again (namespaces other than JsSIP's stay as they were). */
export function disableDebugLog(): void {
  withoutPersisting(() => {
    const kept = debug
      .disable()
      .split(',')
      .filter((namespace) => namespace && !namespace.replace(/^-/, '').startsWith('JsSIP'));
    if (kept.length) debug.enable(kept.join(','));
  });
}

/** Runs `change` and puts `localStorage.debug` back as it was (storage may be unavailable). */
function withoutPersisting(change: () => void): void {
  let stored: string | null = null;
  try {
    stored = globalThis.localStorage?.getItem('debug') ?? null;
  } catch {
    // No storage (sandboxed frame, privacy mode): nothing is persisted either.
  }
  change();
  try {
    if (stored === null) globalThis.localStorage?.removeItem('debug');
    else globalThis.localStorage?.setItem('debug', stored);
  } catch {
    // As above.
  }
}

installLogRedaction();
