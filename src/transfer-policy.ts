/**
 * What a far end may make the phone do with a transfer, as pure functions: the checks on a REFER's
 * Refer-To (RFC 3515), on the Replaces it may carry and on an INVITE with Replaces (RFC 3891), and
 * the embedder's allow-list. Every input here came from the wire: JsSIP copies the Refer-To's
 * Replaces into a header of the INVITE it sends, verbatim after percent-decoding, so a value that
 * is not exactly the RFC 3891 shape must never reach it.
 */
import { hasControlCharacters } from './text.js';
import { isValidHost, type DialTarget } from './dial-string.js';

/**
 * How the phone answers a transfer the far end asks for (REFER): `ask` the user (the default),
 * `accept` at once, or `refuse` every one (a kiosk).
 */
export type TransferPolicy = 'ask' | 'accept' | 'refuse';

export const TRANSFER_POLICIES: readonly TransferPolicy[] = ['ask', 'accept', 'refuse'];

/** A Refer-To the phone may follow: the target without URI headers, and a validated Replaces. */
export interface ReferToTarget {
  ok: true;
  /** The target URI without its `?headers` (still to be checked against the dial rules). */
  uri: string;
  /** The Replaces value, percent-decoded and checked (`call-id;to-tag=…;from-tag=…`). */
  replaces?: string;
}

/** Why a Refer-To is refused, with the final response the REFER gets. */
export interface ReferToRefusal {
  ok: false;
  code: 'malformed' | 'scheme' | 'uri-headers' | 'replaces';
  status: 400 | 416;
  /** The reason phrase of that response (our words, not the far end's). */
  reason: string;
}

export type ReferToCheck = ReferToTarget | ReferToRefusal;

// RFC 3261 token characters; tags are tokens.
const TOKEN = "[A-Za-z0-9\\-.!%*_+`'~]+";
// A Call-ID is `word ["@" word]`; of word's extra characters only the harmless ones are kept.
const CALL_ID_WORD = "[A-Za-z0-9\\-.!%*_+`'~():/]+";
const CALL_ID = new RegExp(`^${CALL_ID_WORD}(?:@${CALL_ID_WORD})?$`);
const TOKEN_ONLY = new RegExp(`^${TOKEN}$`);
const MAX_REFER_TO_LENGTH = 1024;

const refuse = (
  code: ReferToRefusal['code'],
  status: 400 | 416,
  reason: string,
): ReferToRefusal => ({
  ok: false,
  code,
  status,
  reason,
});

/**
 * Checks a Replaces value (RFC 3891 §6.1: `callid *(SEMI replaces-param)`, with to-tag and
 * from-tag once each and `early-only` at most once, nothing else). Returns it in a normal form, or
 * undefined when it is anything else.
 */
export function parseReplaces(value: string): string | undefined {
  if (hasControlCharacters(value) || /\s/.test(value)) return undefined;
  const [callId, ...params] = value.split(';');
  if (!callId || !CALL_ID.test(callId)) return undefined;
  let toTag: string | undefined;
  let fromTag: string | undefined;
  let earlyOnly = false;
  for (const param of params) {
    const eq = param.indexOf('=');
    const name = (eq < 0 ? param : param.slice(0, eq)).toLowerCase();
    const paramValue = eq < 0 ? undefined : param.slice(eq + 1);
    if (name === 'early-only' && paramValue === undefined && !earlyOnly) earlyOnly = true;
    else if (name === 'to-tag' && toTag === undefined && paramValue && TOKEN_ONLY.test(paramValue))
      toTag = paramValue;
    else if (
      name === 'from-tag' &&
      fromTag === undefined &&
      paramValue &&
      TOKEN_ONLY.test(paramValue)
    )
      fromTag = paramValue;
    else return undefined;
  }
  if (toTag === undefined || fromTag === undefined) return undefined;
  return `${callId};to-tag=${toTag};from-tag=${fromTag}${earlyOnly ? ';early-only' : ''}`;
}

const decode = (text: string): string | undefined => {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
};

/**
 * Checks a REFER's Refer-To header value (as received). A target is followed only when it is a
 * `sip:`/`sips:` URI whose only URI header, if any, is one Replaces of the RFC 3891 shape with no
 * control character after percent-decoding. Anything else gets a final response and is not followed.
 */
export function checkReferTo(value: string): ReferToCheck {
  if (typeof value !== 'string' || !value.trim() || value.length > MAX_REFER_TO_LENGTH) {
    return refuse('malformed', 400, 'Bad Refer-To');
  }
  if (hasControlCharacters(value)) return refuse('malformed', 400, 'Bad Refer-To');
  const uri = addressUri(value);
  if (!uri || /\s/.test(uri)) return refuse('malformed', 400, 'Bad Refer-To');
  if (!/^sips?:/i.test(uri)) return refuse('scheme', 416, 'Unsupported URI Scheme');
  const question = uri.indexOf('?');
  if (question < 0) return { ok: true, uri };
  const base = uri.slice(0, question);
  const headers = uri.slice(question + 1).split('&');
  if (headers.length !== 1) return refuse('uri-headers', 400, 'Refer-To Headers Not Allowed');
  const [name = '', ...rest] = headers[0]!.split('=');
  if (name.toLowerCase() !== 'replaces' || rest.length !== 1) {
    return refuse('uri-headers', 400, 'Refer-To Headers Not Allowed');
  }
  const decoded = decode(rest[0]!);
  const replaces = decoded === undefined ? undefined : parseReplaces(decoded);
  if (!replaces) return refuse('replaces', 400, 'Bad Replaces');
  return { ok: true, uri: base, replaces };
}

// A remote URI's user part: unreserved and the user-unreserved marks, or escapes of them.
const REMOTE_USER = /^(?:[A-Za-z0-9\-_.!~*'()&=+$,?/]|%[0-9A-Fa-f]{2})+$/;
// URI parameters a remote URI may keep: they describe the party, not where requests are routed
// (`maddr`, `lr`, `method` and the like could redirect or reshape what we send).
const SAFE_PARAMS: ReadonlySet<string> = new Set(['user', 'transport', 'ob', 'gr']);

/** A SIP URI from the far end, taken apart and checked. */
export interface RemoteUri {
  scheme: 'sip' | 'sips';
  /** The user part as received (still escaped). */
  user?: string;
  host: string;
  port?: number;
  /** `;name[=value]` parameters, each from the safe set. */
  params: string;
  /** The whole URI, rebuilt from the checked parts. */
  uri: string;
}

/**
 * Parses a SIP URI that came from the far end (a call's remote party, a transfer target) as a URI,
 * not as something a person typed: descriptive parameters such as `;user=phone` are fine; URI
 * headers, routing parameters (`;maddr`, `;lr`), control characters and anything unparseable are
 * not. Returns undefined for those.
 */
export function parseRemoteUri(value: string): RemoteUri | undefined {
  if (typeof value !== 'string' || value.length > 512 || hasControlCharacters(value)) return;
  const match =
    /^(sips?):(?:([^@]+)@)?(\[[0-9A-Fa-f:.]+\]|[^:;?]+)(?::(\d{1,5}))?((?:;[^;?]*)*)$/i.exec(value);
  if (!match) return;
  const [, rawScheme, user, rawHost, rawPort, params = ''] = match;
  const scheme = rawScheme!.toLowerCase() as 'sip' | 'sips';
  const host = rawHost!.toLowerCase();
  if (user !== undefined && !REMOTE_USER.test(user)) return;
  if (user !== undefined && hasControlCharacters(decode(user) ?? '\u0000')) return;
  if (!isValidHost(host)) return;
  const port = rawPort === undefined ? undefined : Number(rawPort);
  if (port !== undefined && (port < 1 || port > 65535)) return;
  for (const param of params ? params.slice(1).split(';') : []) {
    const eq = param.indexOf('=');
    const name = (eq < 0 ? param : param.slice(0, eq)).toLowerCase();
    if (!SAFE_PARAMS.has(name) || (eq >= 0 && !TOKEN_ONLY.test(param.slice(eq + 1)))) return;
  }
  const uri = `${scheme}:${user ? `${user}@` : ''}${host}${port ? `:${port}` : ''}${params}`;
  return {
    scheme,
    ...(user ? { user } : {}),
    host,
    ...(port ? { port } : {}),
    params,
    uri,
  };
}

/** The URI of a name-addr (`"Name" <uri>;params`) or addr-spec header value, as text. */
export function addressUri(value: string): string | undefined {
  const open = value.indexOf('<');
  if (open < 0) return value.trim().split(';')[0];
  const close = value.indexOf('>', open);
  if (close < 0 || value.indexOf('<', open + 1) >= 0) return undefined;
  return value.slice(open + 1, close).trim();
}

/** `user@host` of a SIP URI (host in lower case), for comparing parties; undefined if unparseable. */
function partyOf(uri: string): string | undefined {
  const match = /^sips?:(?:([^@;?]+)@)?(\[[^\]]+\]|[^:;?>]+)/i.exec(uri.trim());
  if (!match) return undefined;
  const user = decode(match[1] ?? '') ?? match[1] ?? '';
  return `${user}@${match[2]!.toLowerCase()}`;
}

/** True when two SIP URIs name the same party (user and host; scheme, port and parameters aside). */
export function sameParty(a: string, b: string): boolean {
  const left = partyOf(a);
  return left !== undefined && left === partyOf(b);
}

/**
 * RFC 3891 §6: an INVITE with Replaces takes over one of our calls without ringing only when it
 * comes from the party we talk to on that call, or was sent on that party's behalf (its
 * Referred-By names them: they asked for the transfer). Anything else rings like any other call.
 */
export function replacementAuthorized(
  replacedRemoteUri: string,
  invite: { from?: string | undefined; referredBy?: string | undefined },
): boolean {
  return [invite.from, invite.referredBy].some(
    (uri) => uri !== undefined && sameParty(uri, replacedRemoteUri),
  );
}

/**
 * The embedder's allow-list of transfer targets: entries are numbers or names within the account's
 * domain (`1000`), full addresses (`1000@example.com`, `sip:…`), or a prefix ending in `*` (`2*`
 * allows every number starting with 2; a lone `*` is not a prefix). An empty list allows every
 * target the dial rules allow.
 */
export function transferTargetAllowed(
  target: DialTarget,
  allowList: readonly string[],
  domain: string,
): boolean {
  if (!allowList.length) return true;
  const host = domain.toLowerCase();
  return allowList.some((raw) => {
    const entry = raw.trim().replace(/^sips?:/i, '');
    const at = entry.lastIndexOf('@');
    const user = at >= 0 ? entry.slice(0, at) : entry;
    const entryHost = at >= 0 ? entry.slice(at + 1).toLowerCase() : host;
    if (entryHost !== target.host) return false;
    if (user.length > 1 && user.endsWith('*')) return target.user.startsWith(user.slice(0, -1));
    return user === target.user;
  });
}
