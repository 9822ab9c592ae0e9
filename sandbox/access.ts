// Who may use the sandbox from a browser. Its passwords are public and it listens on loopback, so
// the danger is another web page open in the developer's browser: it could open a WebSocket to the
// sandbox (browsers send no CORS preflight for those) and register as a published user, rebind its
// own DNS name to 127.0.0.1 to read and drive the HTTP API as "same origin", or POST a form to the
// API to ring the developer's tab. The checks below close those three doors.
import { isIP } from 'node:net';

/** The hostnames of loopback, as `URL.hostname` spells them (IPv6 in brackets). */
function isLoopbackName(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname === '[::1]' ||
    (isIP(hostname) === 4 && hostname.startsWith('127.'))
  );
}

/**
 * An origin in its canonical form (`http://localhost:5173`): scheme and host lowercased, default
 * port dropped. Throws for anything that is not an http(s) origin (a path, `null`, `file:`).
 */
export function normalizeOrigin(origin: string): string {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw new Error(`"${origin}" is not an origin like http://127.0.0.1:5173`);
  }
  const bare = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !bare) {
    throw new Error(`"${origin}" is not an origin like http://127.0.0.1:5173`);
  }
  return url.origin;
}

/**
 * Whether a WebSocket upgrade or API request carrying this `Origin` header may proceed. Without
 * an explicit list: pages served from loopback (http or https, any port). With one: exactly those
 * origins. Requests without `Origin` (sipp, Node clients) are not browser pages and never reach
 * this check.
 */
export function isAllowedOrigin(origin: string, allowed: ReadonlySet<string> | undefined): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // `null` (a sandboxed frame, a file: page) and garbage.
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (allowed) return allowed.has(url.origin);
  return isLoopbackName(url.hostname);
}

/**
 * Whether a `Host` header names this machine, against DNS rebinding: a page whose own name the
 * attacker's DNS has pointed at 127.0.0.1 sends that name. Loopback names, IP literals (a page
 * at an IP address is served from that address) and the name the sandbox listens on pass; any
 * port. A missing or malformed header fails.
 */
export function isAllowedHost(host: string | undefined, listenHost: string): boolean {
  if (!host) return false;
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::\d{1,5})?$/i.exec(host.trim());
  if (!match) return false;
  const hostname = match[1]!.toLowerCase();
  if (isLoopbackName(hostname) || hostname === listenHost.toLowerCase()) return true;
  return isIP(hostname.replace(/^\[(.*)\]$/, '$1')) !== 0;
}

/** `application/json`, with or without parameters (`; charset=utf-8`). */
export function isJsonContentType(value: string | undefined): boolean {
  return value?.split(';')[0]?.trim().toLowerCase() === 'application/json';
}
