/**
 * Dial-string parsing: turns what a person types (or an embedder passes) into a SIP Request-URI
 * built from validated parts. Anything that could smuggle routing or headers is refused.
 */
import { DialStringError } from './errors.js';
import { hasControlCharacters } from './text.js';

export interface DialOptions {
  /** The account's domain, used when the dial string has none. */
  domain: string;
  /** Allow a domain other than `domain` (off by default: prevents toll fraud via foreign hosts). */
  allowOtherDomains?: boolean;
}

export interface DialTarget {
  /** The Request-URI to send, e.g. `sip:+15550100000@example.com`. */
  uri: string;
  scheme: 'sip' | 'sips';
  /** The user part, unescaped (e.g. `*97`, `+15550100000`, `alice`). */
  user: string;
  host: string;
  port?: number;
  /** True when the input was a telephone number (digits, `+`, `*`, `#` after cleanup). */
  isNumber: boolean;
}

// Characters a person uses to format a phone number, which are not part of it.
const VISUAL_SEPARATORS = /[\s().\-/]/g;
const PHONE_LIKE = /^[+\d\s().\-/*#]+$/;
const NUMBER = /^\+?[\d*#]+$/;
// RFC 3261 "unreserved" minus the characters we refuse to pass through (`;`, `?`, `&`, `=`, `,`,
// `$`, `/`, `%`): enough for user names and numbers, with no way to add parameters or headers.
const USER = /^[A-Za-z0-9\-_.!~*'()+#]+$/;
const HOSTNAME =
  /^(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^\[[0-9A-Fa-f:.]+\]$/;
const MAX_LENGTH = 256;

const fail = (input: string, code: string, message: string): never => {
  throw new DialStringError(input, code, message);
};

/** Escapes a user part for a SIP URI: only `#` needs it among the characters we allow. */
const escapeUser = (user: string): string => user.replace(/#/g, '%23');

/** True when `host` is a syntactically valid host name, IPv4 address or bracketed IPv6 address. */
export const isValidHost = (host: string): boolean =>
  IPV4.test(host) || IPV6.test(host) || (HOSTNAME.test(host) && !/^\d+(\.\d+)*$/.test(host));

/** Builds a SIP URI string from already-validated parts. */
export function buildSipUri(parts: {
  scheme: 'sip' | 'sips';
  user?: string;
  host: string;
  port?: number;
}): string {
  const user = parts.user ? `${escapeUser(parts.user)}@` : '';
  const port = parts.port ? `:${parts.port}` : '';
  return `${parts.scheme}:${user}${parts.host}${port}`;
}

function splitHostPort(input: string, hostPort: string): { host: string; port?: number } {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(hostPort);
  if (!match) return fail(input, 'invalid-host', `"${hostPort}" is not a valid host.`);
  const host = match[1]!.toLowerCase();
  if (!isValidHost(host)) return fail(input, 'invalid-host', `"${host}" is not a valid host.`);
  if (match[2] === undefined) return { host };
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return fail(input, 'invalid-host', `Port ${port} is out of range.`);
  return { host, port };
}

function checkUser(input: string, user: string): string {
  if (user.includes('%')) {
    return fail(
      input,
      'invalid-user',
      'Escaped characters (%) are not accepted in a number or name.',
    );
  }
  if (/[;&=,$/]/.test(user)) {
    return fail(
      input,
      'uri-parameters',
      'The number contains characters reserved for SIP routing.',
    );
  }
  if (!USER.test(user))
    return fail(input, 'invalid-user', `"${user}" is not a valid number or name.`);
  return user;
}

/**
 * Parses a dial string: a formatted phone number (`+1 (555) 010-0000`), a `*`/`#` code, a user name,
 * `user@domain`, or a `sip:`/`sips:`/`tel:` URI. Throws {@link DialStringError} with a readable message.
 */
export function parseDialString(raw: string, options: DialOptions): DialTarget {
  const input = typeof raw === 'string' ? raw : '';
  if (hasControlCharacters(input)) {
    return fail(input, 'control-characters', 'Line breaks and control characters are not allowed.');
  }
  const text = input.trim();
  if (!text) return fail(input, 'empty', 'Enter a number or SIP address to call.');
  if (text.length > MAX_LENGTH) return fail(input, 'too-long', 'The number is too long.');
  if (/[<>]/.test(text))
    return fail(input, 'angle-brackets', 'Angle brackets (< >) are not allowed.');
  if (text.includes('?')) {
    return fail(input, 'uri-headers', 'SIP URI headers ("?…") are not allowed in a dial string.');
  }

  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/.exec(text);
  const scheme = schemeMatch?.[1]!.toLowerCase();
  if (schemeMatch && scheme !== 'sip' && scheme !== 'sips' && scheme !== 'tel') {
    return fail(input, 'unsupported-scheme', `"${scheme}:" addresses cannot be called.`);
  }

  let user: string;
  let host = options.domain.toLowerCase();
  let port: number | undefined;
  let uriScheme: 'sip' | 'sips' = 'sip';

  if (scheme === 'tel') {
    const body = schemeMatch![2]!;
    if (body.includes(';')) {
      return fail(input, 'uri-parameters', 'Parameters on a tel: number are not supported.');
    }
    const number = body.replace(VISUAL_SEPARATORS, '');
    if (!NUMBER.test(number))
      return fail(input, 'invalid-number', `"${body}" is not a phone number.`);
    user = number;
  } else {
    let body = text;
    if (scheme === 'sip' || scheme === 'sips') {
      uriScheme = scheme;
      body = schemeMatch![2]!;
      if (/\s/.test(body)) {
        return fail(input, 'whitespace', 'A SIP address cannot contain spaces.');
      }
      if (body.includes(';')) {
        return fail(
          input,
          'uri-parameters',
          'URI parameters (such as ;maddr or ;transport) are not allowed in a dial string.',
        );
      }
    }
    const at = body.lastIndexOf('@');
    if (at >= 0) {
      const userPart = body.slice(0, at);
      const hostPart = body.slice(at + 1);
      if (/\s/.test(body)) return fail(input, 'whitespace', 'A SIP address cannot contain spaces.');
      if (!userPart) return fail(input, 'invalid-user', 'The address has no user before "@".');
      ({ host, port } = splitHostPort(input, hostPart));
      user = checkUser(input, userPart);
    } else if (scheme === 'sip' || scheme === 'sips') {
      // "sip:alice" is a user at the account's domain.
      user = checkUser(input, body);
    } else if (PHONE_LIKE.test(body) && /\d/.test(body)) {
      user = body.replace(VISUAL_SEPARATORS, '');
      if (!NUMBER.test(user)) {
        return fail(input, 'invalid-number', '"+" may only appear at the start of a number.');
      }
    } else {
      if (/\s/.test(body)) {
        return fail(input, 'whitespace', 'A name to call cannot contain spaces.');
      }
      user = checkUser(input, body);
    }
  }

  const accountHost = options.domain.toLowerCase();
  if (host !== accountHost && !options.allowOtherDomains) {
    return fail(
      input,
      'foreign-domain',
      `Calls to other domains (${host}) are not allowed; this phone calls ${accountHost} only.`,
    );
  }
  const target: DialTarget = {
    uri: buildSipUri({ scheme: uriScheme, user, host, ...(port ? { port } : {}) }),
    scheme: uriScheme,
    user,
    host,
    isNumber: NUMBER.test(user),
  };
  if (port) target.port = port;
  return target;
}
