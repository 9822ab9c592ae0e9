/**
 * Debug logging without secrets. JsSIP logs through the `debug` package and prints whole SIP
 * messages, `Authorization` digests and bearer tokens included. The phone wraps `debug`'s output
 * formatting once, at import, so every line JsSIP writes — whether the phone's `debug` option or a
 * developer's `localStorage.debug` turned it on — passes through {@link redactSecrets} first.
 */
import JsSIP from 'jssip';

const REDACTED = '[redacted]';

// Authorization / Proxy-Authorization (and the compact forms of nothing: they have none) up to the
// end of the header line; the scheme stays so a reader still sees what kind of credential it was.
const AUTH_HEADER = /^((?:proxy-)?authorization[ \t]*:[ \t]*)([A-Za-z][\w-]*)?([^\r\n]*)/gim;
// A JWT: three base64url parts, the first two starting like a JSON object (`eyJ` = `{"`).
const JWT = /\beyJ[A-Za-z0-9_-]{2,}\.eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g;
// `token=…`, `access_token=…`, `password=…` and the like in URLs, query strings and parameters.
const SECRET_PARAMETER =
  /\b((?:access_?|refresh_?|id_?|auth_?)?token|password|passwd|pwd|secret|api_?key|credential|ha1)(\s*[=:]\s*"?)([^\s"&;,]+)/gi;

/** Removes credentials from one log line: digest and bearer credentials, JWTs, secret parameters. */
export function redactSecrets(text: string): string {
  return text
    .replace(AUTH_HEADER, (_match, head: string, scheme: string | undefined) =>
      scheme ? `${head}${scheme} ${REDACTED}` : `${head}${REDACTED}`,
    )
    .replace(JWT, REDACTED)
    .replace(SECRET_PARAMETER, (_match, name: string, separator: string) => {
      return `${name}${separator}${REDACTED}`;
    });
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
      if (typeof value === 'string') args[i] = redactSecrets(value);
      else if (value instanceof Error) args[i] = redactSecrets(String(value));
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
