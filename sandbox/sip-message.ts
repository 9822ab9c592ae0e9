// A small SIP (RFC 3261) message parser and serializer for the sandbox server.
//
// Messages are handled as latin1 strings so that every character is exactly one byte of the
// frame: Content-Length checks are byte-exact and relayed bodies pass through unchanged.
import { randomBytes } from 'node:crypto';
import { isToken, splitList, tagOf } from './sip-grammar.js';

export interface SipHeader {
  /** Canonical name (compact forms expanded), e.g. `Call-ID`. */
  name: string;
  value: string;
}

/** RFC 3261 §7.3.3 compact forms (and the later ones from the IANA registry). */
const COMPACT_FORMS: Readonly<Record<string, string>> = {
  a: 'Accept-Contact',
  b: 'Referred-By',
  c: 'Content-Type',
  d: 'Request-Disposition',
  e: 'Content-Encoding',
  f: 'From',
  i: 'Call-ID',
  j: 'Reject-Contact',
  k: 'Supported',
  l: 'Content-Length',
  m: 'Contact',
  n: 'Identity-Info',
  o: 'Event',
  r: 'Refer-To',
  s: 'Subject',
  t: 'To',
  u: 'Allow-Events',
  v: 'Via',
  x: 'Session-Expires',
  y: 'Identity',
};

const SPECIAL_CASE: Readonly<Record<string, string>> = {
  'call-id': 'Call-ID',
  cseq: 'CSeq',
  'www-authenticate': 'WWW-Authenticate',
  'mime-version': 'MIME-Version',
  rack: 'RAck',
  rseq: 'RSeq',
};

/** Headers whose values are comma-separated lists that may be split across lines. */
const LIST_HEADERS = new Set([
  'via',
  'contact',
  'route',
  'record-route',
  'allow',
  'supported',
  'require',
  'proxy-require',
  'unsupported',
  'accept',
]);

const MAX_HEADER_LINES = 256;

export function canonicalHeaderName(name: string): string {
  const lower = name.toLowerCase();
  const compact = COMPACT_FORMS[lower];
  if (compact !== undefined) return compact;
  const special = SPECIAL_CASE[lower];
  if (special !== undefined) return special;
  return lower
    .split('-')
    .map((part) => (part.length > 0 ? part[0]!.toUpperCase() + part.slice(1) : part))
    .join('-');
}

export class SipMessage {
  /** Request method; empty for responses. */
  method = '';
  /** Request-URI; empty for responses. */
  uri = '';
  /** Status code; 0 for requests. */
  status = 0;
  reason = '';
  version = 'SIP/2.0';
  headers: SipHeader[] = [];
  body = '';

  get isRequest(): boolean {
    return this.status === 0;
  }

  /** First value of a header (the whole line; for list headers use {@link values}). */
  get(name: string): string | undefined {
    const key = canonicalHeaderName(name).toLowerCase();
    return this.headers.find((h) => h.name.toLowerCase() === key)?.value;
  }

  /** Every line of a header, unsplit. */
  getAll(name: string): string[] {
    const key = canonicalHeaderName(name).toLowerCase();
    return this.headers.filter((h) => h.name.toLowerCase() === key).map((h) => h.value);
  }

  /** All values of a list header, split at top-level commas, in order. */
  values(name: string): string[] {
    const out: string[] = [];
    for (const line of this.getAll(name)) {
      for (const v of splitList(line)) if (v.length > 0) out.push(v);
    }
    return out;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  set(name: string, value: string): void {
    const canonical = canonicalHeaderName(name);
    const key = canonical.toLowerCase();
    const index = this.headers.findIndex((h) => h.name.toLowerCase() === key);
    this.remove(name);
    if (index < 0) this.headers.push({ name: canonical, value });
    else this.headers.splice(Math.min(index, this.headers.length), 0, { name: canonical, value });
  }

  append(name: string, value: string): void {
    this.headers.push({ name: canonicalHeaderName(name), value });
  }

  /** Insert before the first line of that header (or at the top when absent). */
  prepend(name: string, value: string): void {
    const canonical = canonicalHeaderName(name);
    const key = canonical.toLowerCase();
    const index = this.headers.findIndex((h) => h.name.toLowerCase() === key);
    this.headers.splice(index < 0 ? 0 : index, 0, { name: canonical, value });
  }

  remove(name: string): void {
    const key = canonicalHeaderName(name).toLowerCase();
    this.headers = this.headers.filter((h) => h.name.toLowerCase() !== key);
  }

  /** Remove the first value of a list header (e.g. the top Via); returns it. */
  shiftValue(name: string): string | undefined {
    const key = canonicalHeaderName(name).toLowerCase();
    const index = this.headers.findIndex((h) => h.name.toLowerCase() === key);
    if (index < 0) return undefined;
    const header = this.headers[index]!;
    const parts = splitList(header.value);
    const first = parts.shift();
    if (parts.length === 0) this.headers.splice(index, 1);
    else header.value = parts.join(', ');
    return first;
  }

  clone(): SipMessage {
    const m = new SipMessage();
    m.method = this.method;
    m.uri = this.uri;
    m.status = this.status;
    m.reason = this.reason;
    m.version = this.version;
    m.headers = this.headers.map((h) => ({ ...h }));
    m.body = this.body;
    return m;
  }

  /** Serialize; Content-Length is always recomputed from the body. */
  toString(): string {
    const start = this.isRequest
      ? `${this.method} ${this.uri} SIP/2.0`
      : `SIP/2.0 ${this.status} ${this.reason}`;
    const lines = [start];
    for (const h of this.headers) {
      if (h.name === 'Content-Length') continue;
      lines.push(`${h.name}: ${h.value}`);
    }
    lines.push(`Content-Length: ${this.body.length}`);
    return `${lines.join('\r\n')}\r\n\r\n${this.body}`;
  }

  toBuffer(): Buffer {
    return Buffer.from(this.toString(), 'latin1');
  }
}

export interface ParseResult {
  message?: SipMessage;
  error?: string;
  /** On error: whatever could be read (headers), to build a 400 when possible. */
  partial?: SipMessage;
  /** On error: whether the start line looked like a request. */
  looksLikeRequest?: boolean;
}

/** Parse one SIP message (one WebSocket frame). Never throws. */
export function parseMessage(input: Buffer | string): ParseResult {
  const raw = typeof input === 'string' ? input : input.toString('latin1');
  const text = raw.replace(/^(?:\r?\n)+/, '');
  let sep = text.indexOf('\r\n\r\n');
  let sepLen = 4;
  if (sep < 0) {
    sep = text.indexOf('\n\n');
    sepLen = 2;
  }
  const head = sep < 0 ? text : text.slice(0, sep);
  let body = sep < 0 ? '' : text.slice(sep + sepLen);
  const lines = head.split(/\r?\n/);
  // Without a blank line before the body, a trailing line break leaves empty lines at the end.
  while (sep < 0 && lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  const startLine = lines.shift() ?? '';
  const msg = new SipMessage();
  let error: string | undefined;

  // Header lines with folding (continuation lines start with SP / HT).
  const unfolded: string[] = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line) && unfolded.length > 0) {
      unfolded[unfolded.length - 1] += ' ' + line.trim();
    } else if (line.length > 0) {
      unfolded.push(line);
    } else if (error === undefined) {
      error = 'empty header line';
    }
  }
  if (unfolded.length > MAX_HEADER_LINES) {
    return { error: 'too many header lines', looksLikeRequest: !startLine.startsWith('SIP/') };
  }
  for (const line of unfolded) {
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!isToken(name)) {
      error ??= `malformed header line`;
      continue;
    }
    msg.headers.push({ name: canonicalHeaderName(name), value: line.slice(colon + 1).trim() });
  }

  const looksLikeRequest = !startLine.startsWith('SIP/');
  const req = /^([A-Za-z0-9\-.!%*_+`'~]+) (\S+) (SIP\/[0-9]+\.[0-9]+)$/.exec(startLine);
  const res = /^(SIP\/[0-9]+\.[0-9]+) ([0-9]{3})(?: (.*))?$/.exec(startLine);
  if (req) {
    msg.method = req[1]!;
    msg.uri = req[2]!;
    msg.version = req[3]!;
  } else if (res && !looksLikeRequest) {
    const status = Number(res[2]);
    if (status < 100 || status > 699) error ??= 'status code out of range';
    msg.status = status;
    msg.version = res[1]!;
    msg.reason = res[3] ?? '';
  } else {
    error ??= 'malformed start line';
  }

  // Content-Length: optional on a message-framed transport (RFC 7118), but must be consistent.
  const lengths = msg.getAll('Content-Length');
  if (lengths.length > 0) {
    if (new Set(lengths).size > 1) error ??= 'conflicting Content-Length headers';
    const first = lengths[0]!;
    if (!/^[0-9]{1,9}$/.test(first)) {
      error ??= 'invalid Content-Length';
    } else {
      const n = Number(first);
      if (n > body.length) error ??= 'Content-Length larger than the body';
      else body = body.slice(0, n);
    }
  }
  msg.body = body;

  if (error !== undefined) return { error, partial: msg, looksLikeRequest };
  return { message: msg };
}

export function isListHeader(name: string): boolean {
  return LIST_HEADERS.has(canonicalHeaderName(name).toLowerCase());
}

// ---------------------------------------------------------------------------------------------
// Building messages

export function randomToken(bytes = 8): string {
  return randomBytes(bytes).toString('hex');
}

export function newBranch(): string {
  return `z9hG4bK${randomToken(10)}`;
}

export interface ResponseOptions {
  toTag?: string;
  headers?: ReadonlyArray<readonly [string, string]>;
  body?: string;
  contentType?: string;
}

/** Build a response to `req` (copies Via, From, To, Call-ID, CSeq). */
export function buildResponse(
  req: SipMessage,
  status: number,
  reason: string,
  opts: ResponseOptions = {},
): SipMessage {
  const res = new SipMessage();
  res.status = status;
  res.reason = reason;
  for (const via of req.getAll('Via')) res.append('Via', via);
  const from = req.get('From');
  if (from !== undefined) res.append('From', from);
  let to = req.get('To');
  if (to !== undefined) {
    if (opts.toTag !== undefined && tagOf(to) === undefined && status > 100) {
      to = `${to};tag=${opts.toTag}`;
    }
    res.append('To', to);
  }
  const callId = req.get('Call-ID');
  if (callId !== undefined) res.append('Call-ID', callId);
  const cseq = req.get('CSeq');
  if (cseq !== undefined) res.append('CSeq', cseq);
  for (const [name, value] of opts.headers ?? []) res.append(name, value);
  if (opts.body !== undefined && opts.body.length > 0) {
    res.append('Content-Type', opts.contentType ?? 'application/sdp');
    res.body = opts.body;
  }
  return res;
}

/** Replace credentials in a raw message with a marker (for any debug dump of a message). */
export function redactCredentials(text: string): string {
  return text.replace(
    /^((?:Proxy-)?Authorization[ \t]*:)[^\r\n]*(\r?\n[ \t][^\r\n]*)*/gim,
    '$1 <redacted>',
  );
}

/** A one-line, printable summary of the start line (for logs about unparseable frames). */
export function printableStart(raw: string, max = 80): string {
  const first = raw.replace(/^(?:\r?\n)+/, '').split(/\r?\n/, 1)[0] ?? '';

  const clean = first.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
