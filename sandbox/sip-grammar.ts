// The grammar of SIP header values (RFC 3261 §25): tokens, parameters, URIs, name-addr, Via,
// CSeq and comma-separated lists. Pure string functions; the message framing is sip-message.ts.

export class SipParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SipParseError';
  }
}

const TOKEN_RE = /^[A-Za-z0-9\-.!%*_+`'~]+$/;

export function isToken(s: string): boolean {
  return TOKEN_RE.test(s);
}

/**
 * Split `value` at `separator` where it stands outside double quotes (and, with `angles`, outside
 * `<…>`). A backslash inside quotes escapes the next character. Parts are not trimmed; `open` says
 * a quote was left unclosed.
 */
function splitOutsideQuotes(
  value: string,
  separator: string,
  angles: boolean,
): { parts: string[]; open: boolean } {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  let angle = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (quoted) {
      cur += ch;
      if (ch === '\\' && i + 1 < value.length) cur += value[++i];
      else if (ch === '"') quoted = false;
      continue;
    }
    if (ch === '"') quoted = true;
    else if (angles && ch === '<') angle = true;
    else if (angles && ch === '>') angle = false;
    else if (ch === separator && !angle) {
      parts.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  parts.push(cur);
  return { parts, open: quoted };
}

/** Split a header value at commas outside quotes and angle brackets. */
export function splitList(value: string): string[] {
  return splitOutsideQuotes(value, ',', true).parts.map((part) => part.trim());
}

export type Params = Map<string, string | null>;

/** Parse `;a=b;c;d="x"` (leading `;` optional). Throws SipParseError on empty/bad params. */
export function parseParams(input: string): Params {
  const params: Params = new Map();
  let s = input.trim();
  if (s.length === 0) return params;
  if (s.startsWith(';')) s = s.slice(1);
  const { parts, open } = splitOutsideQuotes(s, ';', false);
  if (open) throw new SipParseError('unbalanced quotes in parameters');
  for (const part of parts) {
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).trim();
    if (!isToken(name)) throw new SipParseError('malformed parameter');
    if (eq < 0) {
      params.set(name.toLowerCase(), null);
      continue;
    }
    const value = part.slice(eq + 1).trim();
    if (value.startsWith('"')) {
      if (!/^"(?:[^"\\]|\\.)*"$/s.test(value)) throw new SipParseError('bad quoted parameter');
      params.set(name.toLowerCase(), value.slice(1, -1).replace(/\\(.)/g, '$1'));
    } else if (isToken(value) || /^\[[0-9A-Fa-f:.]+\]$/.test(value)) {
      params.set(name.toLowerCase(), value);
    } else {
      throw new SipParseError('malformed parameter value');
    }
  }
  return params;
}

export interface Uri {
  scheme: string;
  /** Percent-decoded user part (sip/sips), or the number (tel). */
  user: string;
  /** Lower-cased host ('' for non-SIP schemes); IPv6 kept with brackets. */
  host: string;
  port?: number;
  params: Params;
  /** Raw `?headers` part, without the `?`. */
  headers: string;
  raw: string;
}

function percentDecode(s: string): string {
  return s.replace(/%([0-9A-Fa-f]{2})/g, (_m, hex: string) =>
    String.fromCharCode(parseInt(hex, 16)),
  );
}

/** Parse a URI. SIP/SIPS get a full parse; other schemes are opaque (host ''). */
export function parseUri(input: string): Uri {
  const raw = input;
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/s.exec(raw);
  if (!m) throw new SipParseError('URI without a scheme');
  const scheme = m[1]!.toLowerCase();
  let rest = m[2]!;
  if (/\s/.test(raw)) throw new SipParseError('whitespace in URI');
  if (scheme === 'tel') {
    const semi = rest.indexOf(';');
    const user = semi < 0 ? rest : rest.slice(0, semi);
    const params = semi < 0 ? new Map<string, string | null>() : parseParams(rest.slice(semi));
    return { scheme, user, host: '', params, headers: '', raw };
  }
  if (scheme !== 'sip' && scheme !== 'sips') {
    return { scheme, user: '', host: '', params: new Map(), headers: '', raw };
  }
  // '@' appears only after the userinfo (the user part may contain '?', ';', '/', ...).
  let user = '';
  const at = rest.indexOf('@');
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    const colon = userinfo.indexOf(':');
    user = percentDecode(colon < 0 ? userinfo : userinfo.slice(0, colon));
    if (userinfo.length === 0) throw new SipParseError('empty user part');
    rest = rest.slice(at + 1);
  }
  let headers = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    headers = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  let host: string;
  let after: string;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) throw new SipParseError('unterminated IPv6 reference');
    host = rest.slice(0, close + 1);
    if (!/^\[[0-9A-Fa-f:.]+\]$/.test(host)) throw new SipParseError('bad IPv6 reference');
    after = rest.slice(close + 1);
  } else {
    const end = rest.search(/[:;]/);
    host = end < 0 ? rest : rest.slice(0, end);
    after = end < 0 ? '' : rest.slice(end);
    if (!/^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9.])?$/.test(host)) {
      throw new SipParseError('bad host');
    }
  }
  let port: number | undefined;
  if (after.startsWith(':')) {
    const pm = /^:([0-9]{1,5})(.*)$/s.exec(after);
    if (!pm) throw new SipParseError('bad port');
    port = Number(pm[1]);
    if (port > 65535) throw new SipParseError('port out of range');
    after = pm[2]!;
  }
  if (after.length > 0 && !after.startsWith(';')) throw new SipParseError('junk after host');
  const params = parseParams(after);
  const uri: Uri = { scheme, user, host: host.toLowerCase(), params, headers, raw };
  if (port !== undefined) uri.port = port;
  return uri;
}

export interface NameAddr {
  displayName: string;
  uri: string;
  params: Params;
}

/** Parse a From / To / Contact / Route value. Throws SipParseError. */
export function parseNameAddr(value: string): NameAddr {
  let s = value.trim();
  let displayName = '';
  if (s.startsWith('"')) {
    let i = 1;
    let out = '';
    for (; i < s.length; i++) {
      const ch = s[i]!;
      if (ch === '\\' && i + 1 < s.length) out += s[++i];
      else if (ch === '"') break;
      else out += ch;
    }
    if (i >= s.length) throw new SipParseError('unbalanced quotes in display name');
    displayName = out;
    s = s.slice(i + 1).trimStart();
    if (!s.startsWith('<')) throw new SipParseError('quoted display name without <uri>');
  }
  const lt = s.indexOf('<');
  let uri: string;
  let rest: string;
  if (lt >= 0) {
    const before = s.slice(0, lt).trim();
    if (before.length > 0) {
      if (!before.split(/\s+/).every(isToken)) throw new SipParseError('bad display name');
      displayName = before;
    }
    const gt = s.indexOf('>', lt);
    if (gt < 0) throw new SipParseError('unterminated <uri>');
    uri = s.slice(lt + 1, gt);
    rest = s.slice(gt + 1);
  } else {
    if (s.includes('"') || s.includes('>')) throw new SipParseError('malformed addr-spec');
    const semi = s.indexOf(';');
    uri = semi < 0 ? s : s.slice(0, semi);
    rest = semi < 0 ? '' : s.slice(semi);
    uri = uri.trim();
  }
  if (uri.length === 0 || /\s/.test(uri)) throw new SipParseError('bad URI in name-addr');
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(uri) && uri !== '*') {
    throw new SipParseError('URI without scheme in name-addr');
  }
  rest = rest.trim();
  if (rest.length > 0 && !rest.startsWith(';')) throw new SipParseError('junk after name-addr');
  return { displayName, uri, params: parseParams(rest) };
}

export interface Via {
  transport: string;
  sentBy: string;
  params: Params;
  branch?: string;
}

export function parseVia(value: string): Via {
  const m = /^SIP\s*\/\s*2\.0\s*\/\s*([A-Za-z0-9\-.!%*_+`'~]+)\s+(.*)$/s.exec(value.trim());
  if (!m) throw new SipParseError('malformed Via');
  const rest = m[2]!;
  const semi = rest.indexOf(';');
  const sentBy = (semi < 0 ? rest : rest.slice(0, semi)).replace(/\s+/g, '');
  if (!/^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::[0-9]{1,5})?$/.test(sentBy)) {
    throw new SipParseError('malformed Via sent-by');
  }
  const params = parseParams(semi < 0 ? '' : rest.slice(semi));
  const via: Via = { transport: m[1]!.toUpperCase(), sentBy, params };
  const branch = params.get('branch');
  if (branch !== undefined && branch !== null) via.branch = branch;
  return via;
}

export interface CSeq {
  seq: number;
  method: string;
}

export function parseCSeq(value: string): CSeq {
  const m = /^([0-9]{1,10})\s+([A-Za-z0-9\-.!%*_+`'~]+)$/.exec(value.trim());
  if (!m) throw new SipParseError('malformed CSeq');
  const seq = Number(m[1]);
  if (seq > 2 ** 31 - 1) throw new SipParseError('CSeq number too large');
  return { seq, method: m[2]! };
}

/** The tag parameter of a From / To value, if any. */
export function tagOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    const t = parseNameAddr(value).params.get('tag');
    return t === null ? undefined : t;
  } catch {
    return undefined;
  }
}

/** User part of the URI in a From / To value ('' when unavailable). */
export function userOf(value: string | undefined): string {
  if (value === undefined) return '';
  try {
    const na = parseNameAddr(value);
    return parseUri(na.uri).user;
  } catch {
    return '';
  }
}
