// The sandbox SIP server: one HTTP server carrying SIP over WebSocket (RFC 7118, subprotocol
// `sip`) and a small JSON API under /api/. Registrar with digest authentication, a proxy between
// registered users, and test numbers with real media (see numbers.ts).
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { isAllowedHost, isAllowedOrigin, isJsonContentType, normalizeOrigin } from './access.js';
import { Connection, InviteServerTxn, type CoreApi } from './core.js';
import { DigestAuthenticator, parseDigest, type DigestCredentials } from './digest.js';
import { MAX_TTL_MS, ShortLivedCredentials } from './short-lived.js';
import { offerCodecs, offerDirection, type Impairment } from './media.js';
import { OUTCOMES, isTestNumber } from './numbers.js';
import { Proxy, type ForwardOptions } from './proxy.js';
import {
  CallLog,
  isDtmfContentType,
  newRecord,
  parseInfoDtmf,
  type CallRecord,
  type ReinviteRecord,
} from './records.js';
import type { SipMessage } from './sip-message.js';
import {
  buildResponse,
  canonicalHeaderName,
  parseCSeq,
  parseMessage,
  parseNameAddr,
  parseParams,
  parseUri,
  parseVia,
  printableStart,
  randomToken,
  redactCredentials,
  splitList,
  tagOf,
  userOf,
  type Params,
  type ResponseOptions,
} from './sip-message.js';
import type { DialogCall } from './call.js';
import { ACK_TIMEOUT_MS, UasCall } from './uas.js';
import { UacCall, parseOutboundRequest } from './uac.js';

export type { CallRecord, DtmfRecord, ReinviteRecord } from './records.js';
export type { OutboundCallOptions, OutboundMedia } from './uac.js';
export { TEST_NUMBERS, TEST_NUMBER_LIST, OUTCOMES } from './numbers.js';

export interface SandboxUser {
  user: string;
  password: string;
}

export interface SandboxOptions {
  /** Interface to listen on. Default 127.0.0.1; anything else prints a warning. */
  host?: string;
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** SIP domain / digest realm. Default 'localhost'. */
  domain?: string;
  /** Accounts; default: sandbox/users.json (alice, bob, carol). */
  users?: readonly SandboxUser[];
  /**
   * The address werift gathers ICE candidates on (the only one put in the SDP). Default: `host`
   * when that is a specific non-loopback IPv4 address, else 127.0.0.1.
   */
  mediaAddress?: string;
  /** How long `early` plays its 183 tone before the 200 OK. Default 3000. */
  earlyMediaMs?: number;
  /** A test number hangs up (BYE) when its 200 OK gets no ACK for this long. Default 32000. */
  ackTimeoutMs?: number;
  /** A line logger, or false for silence. Default: console.log with a time stamp. */
  log?: ((line: string) => void) | false;
  /** Also log every SIP message in full (credentials redacted). Default false. */
  logMessages?: boolean;
  /**
   * The only browser origins (`http://127.0.0.1:5173`) whose pages may open a WebSocket or call
   * the HTTP API. Default: any page served from loopback (localhost, 127.x.x.x, [::1]; http or
   * https; any port). Requests without an `Origin` header (non-browser clients) always pass.
   */
  allowedOrigins?: readonly string[];
}

export interface RegistrationInfo {
  user: string;
  /** The registered Contact as the client sent it (without its expires parameter). */
  contact: string;
  /** Seconds left. */
  expires: number;
  registeredAt: string;
}

export interface Sandbox {
  wsUrl: string;
  httpUrl: string;
  port: number;
  domain: string;
  users: SandboxUser[];
  close(): Promise<void>;
  calls(number?: string): CallRecord[];
  registrations(): RegistrationInfo[];
}

export const DEFAULT_USERS_FILE = fileURLToPath(new URL('./users.json', import.meta.url));
export const MAX_FRAME_BYTES = 64 * 1024;
const MAX_EXPIRES = 3600;
const DEFAULT_EXPIRES = 600;
const PING_INTERVAL_MS = 30_000;
const SWEEP_INTERVAL_MS = 30_000;
const MAX_CONTACTS_PER_CONNECTION = 16;
const MAX_METHODS_PER_CALL = 1000;
const KNOWN_METHODS = new Set([
  'INVITE',
  'ACK',
  'BYE',
  'CANCEL',
  'OPTIONS',
  'REGISTER',
  'INFO',
  'MESSAGE',
  'UPDATE',
  'PRACK',
  'SUBSCRIBE',
  'NOTIFY',
  'REFER',
  'PUBLISH',
]);
const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, INFO, MESSAGE, UPDATE';
/** Option tags we accept in Require (we route by connection, as outbound / path expect). */
const SUPPORTED_OPTIONS = new Set(['outbound', 'path', 'timer']);
const SINGLE_HEADERS = ['From', 'To', 'Call-ID', 'CSeq', 'Max-Forwards', 'Content-Type'];
const USER_RE = /^[A-Za-z0-9._~-]{1,64}$/;
/** Outbound calls remembered for /api/calls/outbound/:id (the oldest ended ones go first). */
const MAX_OUTBOUND = 500;
const MAX_API_BODY_BYTES = 16 * 1024;

/** Read and validate a users file: `[{ "user": "alice", "password": "..." }, ...]`. */
export function loadUsers(file: string = DEFAULT_USERS_FILE): SandboxUser[] {
  const data: unknown = JSON.parse(readFileSync(file, 'utf8'));
  return validateUsers(data, file);
}

function validateUsers(data: unknown, where: string): SandboxUser[] {
  if (!Array.isArray(data)) throw new Error(`${where}: expected an array of { user, password }`);
  const seen = new Set<string>();
  return data.map((entry: unknown, i) => {
    const e = entry as Partial<Record<'user' | 'password', unknown>> | null;
    if (typeof e?.user !== 'string' || typeof e.password !== 'string' || e.password === '') {
      throw new Error(`${where}: entry ${i} needs a string "user" and a non-empty "password"`);
    }
    if (!USER_RE.test(e.user)) throw new Error(`${where}: "${e.user}" is not a usable SIP user`);
    if (isTestNumber(e.user)) throw new Error(`${where}: "${e.user}" is a test number`);
    if (seen.has(e.user)) throw new Error(`${where}: "${e.user}" appears twice`);
    seen.add(e.user);
    return { user: e.user, password: e.password };
  });
}

/** A specific non-loopback IPv4 listen address doubles as the media address. */
function defaultMediaAddress(host: string): string {
  const ipv4 = /^\d+\.\d+\.\d+\.\d+$/.test(host);
  return ipv4 && host !== '0.0.0.0' && !isLoopbackHost(host) ? host : '127.0.0.1';
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function defaultLogger(line: string): void {
  const t = new Date().toISOString().slice(11, 23);
  console.log(`${t} ${line}`);
}

interface Binding {
  user: string;
  key: string;
  uri: string;
  /** The Contact value without its expires parameter. */
  value: string;
  conn: Connection;
  expiresAt: number;
  registeredAt: string;
}

function formatParams(params: Params, skip: string[] = []): string {
  let out = '';
  for (const [k, v] of params) {
    if (skip.includes(k)) continue;
    if (v === null) out += `;${k}`;
    else if (/^[A-Za-z0-9\-.!%*_+`'~]+$/.test(v)) out += `;${k}=${v}`;
    else out += `;${k}="${v.replace(/["\\]/g, '\\$&')}"`;
  }
  return out;
}

function uriKey(uri: string): string | undefined {
  try {
    const u = parseUri(uri);
    if (u.scheme !== 'sip' && u.scheme !== 'sips') return undefined;
    return `${u.user}@${u.host}${u.port !== undefined ? `:${u.port}` : ''}`;
  } catch {
    return undefined;
  }
}

class SipServer implements CoreApi {
  readonly domain: string;
  readonly mediaAddress: string;
  readonly impairment: Impairment = { lossPct: 0, delayMs: 0 };
  readonly earlyMediaMs: number;
  readonly ackTimeoutMs: number;
  readonly records = new CallLog();
  sentBy = '';
  recordRoute = '';
  port = 0;
  urlHost = '';

  private readonly host: string;
  private readonly requestedPort: number;
  private readonly users: Map<string, SandboxUser>;
  private readonly logFn: ((line: string) => void) | undefined;
  private readonly logMessages: boolean;
  private readonly allowedOrigins: ReadonlySet<string> | undefined;
  private readonly digest: DigestAuthenticator;
  /** One-off passwords and bearer tokens issued through POST /api/credentials. */
  private readonly shortLived = new ShortLivedCredentials();
  private readonly proxy: Proxy;
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly localHosts = new Set<string>();
  private readonly connections = new Set<Connection>();
  private readonly bindings = new Map<string, Binding>();
  private readonly flows = new Map<string, Connection>();
  private readonly invTxns = new Map<string, InviteServerTxn>();
  /** Calls the sandbox is a user agent in (test numbers, outbound calls), by Call-ID. */
  private readonly uaCalls = new Map<string, DialogCall>();
  /** Outbound calls by id, and by Call-ID (kept after they end, for late responses). */
  private readonly outbound = new Map<string, UacCall>();
  private readonly outboundByCallId = new Map<string, UacCall>();
  private nextConnId = 1;
  private pingTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;

  constructor(opts: SandboxOptions) {
    this.host = opts.host ?? '127.0.0.1';
    this.requestedPort = opts.port ?? 0;
    this.domain = opts.domain ?? 'localhost';
    this.mediaAddress = opts.mediaAddress ?? defaultMediaAddress(this.host);
    this.logMessages = opts.logMessages ?? false;
    this.allowedOrigins = opts.allowedOrigins && new Set(opts.allowedOrigins.map(normalizeOrigin));
    this.earlyMediaMs = opts.earlyMediaMs ?? 3000;
    this.ackTimeoutMs = opts.ackTimeoutMs ?? ACK_TIMEOUT_MS;
    const users = validateUsers(opts.users ?? loadUsers(), 'users');
    this.users = new Map(users.map((u) => [u.user, u]));
    this.logFn = opts.log === false ? undefined : (opts.log ?? defaultLogger);
    this.digest = new DigestAuthenticator(this.domain);
    this.proxy = new Proxy(this);
    this.http = createServer((req, res) => this.onHttp(req, res));
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: MAX_FRAME_BYTES,
      handleProtocols: (protocols) => (protocols.has('sip') ? 'sip' : false),
    });
    this.http.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
    this.wss.on('connection', (ws, req) => this.onConnection(ws, req));
  }

  get userList(): SandboxUser[] {
    return [...this.users.values()].map((u) => ({ ...u }));
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.http.once('error', onError);
      this.http.listen(this.requestedPort, this.host, () => {
        this.http.off('error', onError);
        resolve();
      });
    });
    this.http.on('error', (err) => this.log(`http server error: ${err.message}`));
    const addr = this.http.address() as AddressInfo;
    this.port = addr.port;
    const wildcard = this.host === '0.0.0.0' || this.host === '::';
    const host = wildcard ? '127.0.0.1' : this.host;
    this.urlHost = host.includes(':') ? `[${host}]` : host;
    this.sentBy = `${this.urlHost}:${this.port}`;
    this.recordRoute = `<sip:${this.sentBy};transport=ws;lr>`;
    for (const h of [this.domain, 'localhost', '127.0.0.1', '[::1]', this.urlHost, this.host]) {
      this.localHosts.add(h.toLowerCase());
    }
    if (!isLoopbackHost(this.host)) {
      const warning =
        `WARNING: the sandbox listens on ${this.host}, not loopback: anyone who can reach this ` +
        `machine can register with the sandbox's published passwords. Media (ICE) uses ` +
        `${this.mediaAddress}.`;
      if (this.logFn) this.logFn(warning);
      else console.warn(warning);
    }
    this.pingTimer = setInterval(() => this.pingAll(), PING_INTERVAL_MS);
    this.pingTimer.unref();
    this.sweepTimer = setInterval(() => this.sweepBindings(), SWEEP_INTERVAL_MS);
    this.sweepTimer.unref();
    this.log(
      `sandbox listening on ws://${this.sentBy} (domain ${this.domain}, media on ${this.mediaAddress})`,
    );
  }

  // ---------------------------------------------------------------------------------------------
  // CoreApi

  log(line: string): void {
    // Messages can carry control characters (escaped NULs, torture tests): keep logs printable.
    // eslint-disable-next-line no-control-regex
    this.logFn?.(line.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '?'));
  }

  send(conn: Connection, msg: SipMessage): void {
    const data = msg.toBuffer();
    if (!conn.send(data)) return;
    this.log(`${conn.label} sent ${describe(msg)}`);
    this.dump(data);
  }

  private dump(data: Buffer): void {
    if (!this.logMessages) return;
    const text = redactCredentials(data.toString('latin1')).replace(/\r\n/g, '\n').trimEnd();
    this.log(text.replace(/^/gm, '    '));
  }

  reply(
    conn: Connection,
    req: SipMessage,
    status: number,
    reason: string,
    opts: ResponseOptions = {},
  ): SipMessage {
    const toTag = status > 100 ? (opts.toTag ?? randomToken(5)) : undefined;
    const res = buildResponse(req, status, reason, toTag === undefined ? opts : { ...opts, toTag });
    this.send(conn, res);
    return res;
  }

  learnContact(conn: Connection, contactValue: string | undefined): void {
    if (contactValue === undefined) return;
    for (const v of splitList(contactValue)) {
      let key: string | undefined;
      try {
        key = uriKey(parseNameAddr(v).uri);
      } catch {
        key = undefined;
      }
      if (key === undefined) continue;
      if (!conn.contacts.has(key) && conn.contacts.size >= MAX_CONTACTS_PER_CONNECTION) continue;
      conn.contacts.add(key);
      this.flows.set(key, conn);
    }
  }

  connectionFor(uri: string): Connection | undefined {
    const key = uriKey(uri);
    if (key === undefined) return undefined;
    const conn = this.flows.get(key);
    return conn && !conn.closed ? conn : undefined;
  }

  isLocalUri(uri: string): boolean {
    try {
      const u = parseUri(uri);
      if (u.scheme !== 'sip' && u.scheme !== 'sips') return false;
      if (!this.localHosts.has(u.host)) return false;
      return u.port === undefined || u.port === this.port;
    } catch {
      return false;
    }
  }

  callEnded(callId: string): void {
    this.uaCalls.delete(callId);
  }

  // ---------------------------------------------------------------------------------------------
  // Connections

  /**
   * Why an HTTP request or upgrade is refused before anything else (see access.ts), or undefined:
   * no Host, a Host that is not this machine (DNS rebinding), or an Origin not allowed. Logged.
   */
  private accessRefusal(req: IncomingMessage, what: string): Refusal | undefined {
    const { host, origin } = req.headers;
    let refusal: Refusal | undefined;
    if (!host) refusal = { status: 400, reason: 'Bad Request', text: 'Host header required' };
    else if (!isAllowedHost(host, this.urlHost)) {
      refusal = { status: 403, reason: 'Forbidden', text: 'Host not allowed' };
    } else if (origin !== undefined && !isAllowedOrigin(origin, this.allowedOrigins)) {
      refusal = { status: 403, reason: 'Forbidden', text: 'Origin not allowed' };
    }
    if (refusal) {
      const remote = `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`;
      const shown = (value: string | undefined) => JSON.stringify(value?.slice(0, 200) ?? null);
      this.log(
        `refused ${what} from ${remote} (${refusal.status} ${refusal.text}): ` +
          `Host ${shown(host)}, Origin ${shown(origin)}`,
      );
    }
    return refusal;
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const refuse = ({ status, reason, text }: Refusal) => {
      // As ws does: the answer, then the socket destroyed once it is written.
      socket.once('finish', () => socket.destroy());
      socket.end(
        `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\n` +
          `Content-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
      );
    };
    const refusal = this.accessRefusal(req, 'WebSocket');
    if (refusal) return refuse(refusal);
    if (this.closing) {
      return refuse({ status: 503, reason: 'Service Unavailable', text: 'shutting down' });
    }
    const offered = (req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim().toLowerCase());
    if (!offered.includes('sip')) {
      const text = "WebSocket subprotocol 'sip' required";
      return refuse({ status: 400, reason: 'Bad Request', text });
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  private onConnection(ws: WebSocket, req: IncomingMessage): void {
    const remote = `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`;
    const conn = new Connection(this.nextConnId++, ws, remote);
    this.connections.add(conn);
    this.log(`${conn.label} connected from ${remote}`);
    ws.on('pong', () => {
      conn.alive = true;
    });
    ws.on('message', (data, isBinary) => {
      try {
        this.onFrame(conn, toBuffer(data), isBinary);
      } catch (err) {
        this.log(`${conn.label} error handling a frame: ${(err as Error).stack ?? err}`);
      }
    });
    ws.on('error', (err) => {
      this.log(`${conn.label} websocket error: ${err.message}`);
    });
    ws.on('close', (code) => {
      try {
        this.onClose(conn, code);
      } catch (err) {
        this.log(`${conn.label} error on close: ${(err as Error).message}`);
      }
    });
  }

  private onClose(conn: Connection, code: number): void {
    conn.closed = true;
    this.connections.delete(conn);
    this.log(`${conn.label} closed (${code})`);
    for (const [key, b] of this.bindings) {
      if (b.conn === conn) {
        this.bindings.delete(key);
        this.log(`registration of ${b.user} removed (connection closed)`);
      }
    }
    for (const key of conn.contacts) {
      if (this.flows.get(key) === conn) this.flows.delete(key);
    }
    for (const call of [...this.uaCalls.values()]) {
      if (call.conn === conn) call.connectionClosed();
    }
    this.proxy.onConnectionClosed(conn);
    for (const [key, txn] of this.invTxns) {
      if (txn.conn === conn) {
        txn.dispose();
        this.invTxns.delete(key);
      }
    }
  }

  private pingAll(): void {
    for (const conn of this.connections) {
      if (!conn.alive) {
        this.log(`${conn.label} did not answer a ping: closing`);
        conn.ws.terminate();
        continue;
      }
      conn.alive = false;
      try {
        conn.ws.ping();
      } catch {
        conn.ws.terminate();
      }
    }
  }

  private sweepBindings(): void {
    const now = Date.now();
    for (const [key, b] of this.bindings) {
      if (b.expiresAt <= now) {
        this.bindings.delete(key);
        this.log(`registration of ${b.user} expired`);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Frames

  private onFrame(conn: Connection, data: Buffer, _isBinary: boolean): void {
    const raw = data.toString('latin1');
    if (raw.trim().length === 0) return; // CRLF keep-alive
    const parsed = parseMessage(raw);
    const msg = parsed.message;
    if (!msg) {
      const partial = parsed.partial;
      if (partial && parsed.looksLikeRequest && canBuildResponse(partial)) {
        this.log(
          `${conn.label} recv unparseable request (${parsed.error}): ${printableStart(raw)}`,
        );
        this.badRequest(conn, partial, parsed.error ?? 'malformed message');
      } else {
        this.log(
          `${conn.label} dropped unparseable frame (${parsed.error}): ${printableStart(raw)}`,
        );
      }
      return;
    }
    this.log(`${conn.label} recv ${describe(msg)}`);
    this.dump(data);
    if (msg.isRequest) this.onRequest(conn, msg);
    else this.onResponse(conn, msg);
  }

  private badRequest(conn: Connection, req: SipMessage, why: string): void {
    const text = why.replace(/["\\\r\n]/g, ' ');
    this.reply(conn, req, 400, 'Bad Request', {
      headers: [['Warning', `399 ${this.sentBy} "${text}"`]],
    });
  }

  private onResponse(conn: Connection, res: SipMessage): void {
    if (!canBuildResponse(res)) return;
    this.learnContact(conn, res.get('Contact'));
    if (this.proxy.onResponse(res)) return;
    // Responses to the sandbox's own requests: outbound calls act on them (BYEs of test
    // numbers need nothing further).
    const callId = res.get('Call-ID')!;
    (this.uaCalls.get(callId) ?? this.outboundByCallId.get(callId))?.onResponse(res);
  }

  private onRequest(conn: Connection, req: SipMessage): void {
    if (!canBuildResponse(req)) {
      this.log(`${conn.label} dropped request without Via/From/To/Call-ID/CSeq`);
      return;
    }
    if (req.version.toUpperCase() !== 'SIP/2.0') {
      if (req.method !== 'ACK') this.reply(conn, req, 505, 'Version Not Supported');
      return;
    }
    const invalid = validateRequest(req);
    if (invalid !== undefined) {
      if (req.method !== 'ACK') this.badRequest(conn, req, invalid);
      return;
    }
    let scheme: string;
    try {
      scheme = parseUri(req.uri).scheme;
    } catch {
      if (req.method !== 'ACK') this.badRequest(conn, req, 'malformed Request-URI');
      return;
    }
    if (scheme !== 'sip' && scheme !== 'sips' && scheme !== 'tel') {
      if (req.method !== 'ACK') {
        this.reply(conn, req, 416, 'Unsupported URI Scheme');
      }
      return;
    }
    if (!KNOWN_METHODS.has(req.method)) {
      this.reply(conn, req, 501, 'Not Implemented', { headers: [['Allow', ALLOW]] });
      return;
    }
    const callId = req.get('Call-ID')!;
    const methods = this.records.get(callId)?.receivedMethods;
    if (methods && methods.length < MAX_METHODS_PER_CALL) methods.push(req.method);
    this.learnContact(conn, req.get('Contact'));

    if (req.method === 'ACK') {
      this.onAck(conn, req);
      return;
    }
    if (req.method === 'CANCEL') {
      this.onCancel(conn, req);
      return;
    }
    const unsupported = [...req.values('Proxy-Require')].filter(
      (o) => !SUPPORTED_OPTIONS.has(o.toLowerCase()),
    );
    if (unsupported.length > 0) {
      this.reply(conn, req, 420, 'Bad Extension', {
        headers: [['Unsupported', unsupported.join(', ')]],
      });
      return;
    }

    const inDialog = tagOf(req.get('To')) !== undefined;
    let txn: InviteServerTxn | undefined;
    if (req.method === 'INVITE') {
      const key = txnKey(conn, req);
      const existing = this.invTxns.get(key);
      if (existing) {
        // A retransmission: repeat the last response.
        if (existing.lastResponse) this.send(conn, existing.lastResponse);
        return;
      }
      txn = new InviteServerTxn(this, conn, req, key, (t) => {
        t.dispose();
        if (this.invTxns.get(t.key) === t) this.invTxns.delete(t.key);
      });
      this.invTxns.set(key, txn);
    }

    if (inDialog) {
      this.onInDialog(conn, req, txn);
      return;
    }
    // Require is end to end: only requests the sandbox answers itself are checked.
    if (!this.isForUser(req) && this.unsupportedRequire(conn, req, txn)) return;
    switch (req.method) {
      case 'REGISTER':
        this.onRegister(conn, req);
        return;
      case 'INVITE':
        this.onInitialInvite(conn, txn!);
        return;
      case 'OPTIONS':
        this.onOptions(conn, req);
        return;
      case 'MESSAGE':
        this.onMessage(conn, req);
        return;
      case 'BYE':
      case 'INFO':
      case 'UPDATE':
      case 'PRACK':
        this.reply(conn, req, 481, 'Call/Transaction Does Not Exist');
        return;
      default:
        this.reply(conn, req, 405, 'Method Not Allowed', { headers: [['Allow', ALLOW]] });
    }
  }

  /** 420 for Require option tags we do not support (requests the sandbox itself handles). */
  private unsupportedRequire(conn: Connection, req: SipMessage, txn?: InviteServerTxn): boolean {
    const unsupported = req
      .values('Require')
      .filter((o) => !SUPPORTED_OPTIONS.has(o.toLowerCase()));
    if (unsupported.length === 0) return false;
    const opts: ResponseOptions = { headers: [['Unsupported', unsupported.join(', ')]] };
    if (txn) txn.respond(420, 'Bad Extension', opts);
    else this.reply(conn, req, 420, 'Bad Extension', opts);
    return true;
  }

  private onAck(conn: Connection, ack: SipMessage): void {
    const txn = this.invTxns.get(txnKey(conn, ack));
    if (txn && txn.finalStatus >= 300) return; // ACK of a non-2xx final: absorbed here
    const call = this.uaCalls.get(ack.get('Call-ID')!);
    if (call) {
      if (call.matches(ack)) call.onAck(ack);
      return;
    }
    this.relayInDialog(conn, ack, undefined);
  }

  private onCancel(conn: Connection, cancel: SipMessage): void {
    const txn = this.invTxns.get(txnKey(conn, cancel));
    if (!txn) {
      this.reply(conn, cancel, 481, 'Call/Transaction Does Not Exist');
      return;
    }
    this.reply(conn, cancel, 200, 'OK', { toTag: txn.toTag });
    if (txn.record) txn.record.sawCancel = true;
    if (txn.finalStatus === 0) txn.onCancel?.();
  }

  private onInDialog(conn: Connection, req: SipMessage, txn: InviteServerTxn | undefined): void {
    const call = this.uaCalls.get(req.get('Call-ID')!);
    if (call) {
      if (!call.matches(req)) {
        if (txn) txn.respond(481, 'Call/Transaction Does Not Exist');
        else this.reply(conn, req, 481, 'Call/Transaction Does Not Exist');
        return;
      }
      if (txn) call.onReinvite(txn);
      else call.onRequest(req);
      return;
    }
    this.relayInDialog(conn, req, txn);
  }

  /** Route an in-dialog request by its Route set / Request-URI to the peer's connection. */
  private relayInDialog(conn: Connection, req: SipMessage, txn: InviteServerTxn | undefined) {
    const fail = (status: number, reason: string) => {
      if (req.method === 'ACK') return;
      if (txn) txn.respond(status, reason);
      else this.reply(conn, req, status, reason);
    };
    let routes: string[];
    let nextHop: string;
    try {
      routes = req.values('Route');
      while (routes.length > 0 && this.isLocalUri(parseNameAddr(routes[0]!).uri)) routes.shift();
      nextHop = routes.length > 0 ? parseNameAddr(routes[0]!).uri : req.uri;
    } catch {
      fail(400, 'Bad Request');
      return;
    }
    if (this.isLocalUri(nextHop)) {
      fail(481, 'Call/Transaction Does Not Exist');
      return;
    }
    const target = this.connectionFor(nextHop);
    if (!target) {
      fail(480, 'Temporarily Unavailable');
      return;
    }
    const record = this.records.get(req.get('Call-ID')!);
    if (req.method === 'INFO' && record && isDtmfContentType(req.get('Content-Type'))) {
      const d = parseInfoDtmf(req.get('Content-Type') ?? '', req.body);
      if (d) {
        record.dtmf.push({ ...d, transport: 'info', at: new Date().toISOString() });
        this.log(`relay call=${record.callId} DTMF ${d.digit} (info)`);
      }
    }
    const opts: ForwardOptions = { routes };
    if (txn) opts.txn = txn;
    if (record) opts.record = record;
    if (req.method === 'INVITE' && record && record.reinvites.length < MAX_METHODS_PER_CALL) {
      const entry: ReinviteRecord = {
        direction: req.body.length > 0 ? offerDirection(req.body) : null,
        status: 0,
        at: new Date().toISOString(),
      };
      record.reinvites.push(entry);
      opts.reinvite = entry;
    }
    this.proxy.forward(conn, req, target, opts);
  }

  // ---------------------------------------------------------------------------------------------
  // Authentication and registrar

  /**
   * Check the request's digest credentials. Returns the authenticated user, or undefined after
   * answering (challenge, or 403 for an unknown account).
   */
  private authenticate(
    conn: Connection,
    req: SipMessage,
    kind: 'www' | 'proxy',
    txn?: InviteServerTxn,
  ): string | undefined {
    const respond = (status: number, reason: string, opts: ResponseOptions = {}) => {
      if (txn) txn.respond(status, reason, opts);
      else this.reply(conn, req, status, reason, opts);
    };
    const challenge = (stale: boolean) => {
      const header = kind === 'www' ? 'WWW-Authenticate' : 'Proxy-Authenticate';
      const status = kind === 'www' ? 401 : 407;
      const reason = kind === 'www' ? 'Unauthorized' : 'Proxy Authentication Required';
      respond(status, reason, { headers: [[header, this.digest.challenge(stale)]] });
    };
    // A bearer token (JsSIP's authorization_jwt puts it in Authorization on every request).
    const bearer = req
      .getAll('Authorization')
      .map((value) => /^\s*Bearer\s+(\S+)\s*$/i.exec(value)?.[1])
      .find((token) => token !== undefined);
    if (bearer !== undefined) {
      const verdict = this.shortLived.verifyToken(bearer);
      const claimed = userOf(req.get('From'));
      if (typeof verdict === 'object' && verdict.user === claimed) return verdict.user;
      this.log(`auth: ${verdict === 'expired' ? 'expired' : 'invalid'} bearer token`);
      const header = kind === 'www' ? 'WWW-Authenticate' : 'Proxy-Authenticate';
      respond(kind === 'www' ? 401 : 407, 'Invalid Token', {
        headers: [[header, `Bearer realm="${this.domain}", error="invalid_token"`]],
      });
      return undefined;
    }
    const headerName = kind === 'www' ? 'Authorization' : 'Proxy-Authorization';
    const creds = req
      .getAll(headerName)
      .map(parseDigest)
      .find((c): c is DigestCredentials => c !== undefined && c.realm === this.domain);
    if (!creds) {
      challenge(false);
      return undefined;
    }
    const user = this.users.get(creds.username);
    if (!user) {
      this.log(`auth: unknown account "${creds.username}"`);
      respond(403, 'Forbidden');
      return undefined;
    }
    // The fixed password, or a one-off one issued through the API that has not run out.
    const passwords = [
      user.password,
      ...this.shortLived.livePasswords(user.user).map((p) => p.password),
    ];
    const verdicts = passwords.map((password) => this.digest.verify(creds, password, req.method));
    const verdict = verdicts.includes('ok') ? 'ok' : verdicts.includes('stale') ? 'stale' : 'bad';
    if (verdict === 'ok') return user.user;
    if (verdict === 'stale') {
      challenge(true);
      return undefined;
    }
    this.log(`auth: wrong credentials for ${user.user}`);
    challenge(false);
    return undefined;
  }

  private onRegister(conn: Connection, req: SipMessage): void {
    let aor;
    try {
      aor = parseUri(parseNameAddr(req.get('To')!).uri);
    } catch {
      this.badRequest(conn, req, 'bad To');
      return;
    }
    if (aor.scheme !== 'sip' && aor.scheme !== 'sips') {
      this.badRequest(conn, req, 'To must be a SIP URI');
      return;
    }
    if (!this.users.has(aor.user)) {
      this.reply(conn, req, 404, 'Not Found');
      return;
    }
    const username = this.authenticate(conn, req, 'www');
    if (username === undefined) return;
    if (username !== aor.user) {
      this.reply(conn, req, 403, OUTCOMES['403']!.reason);
      return;
    }
    const expiresHeader = req.get('Expires');
    const defaultExpires =
      expiresHeader !== undefined && /^\d+$/.test(expiresHeader)
        ? Math.min(Number(expiresHeader), MAX_EXPIRES)
        : DEFAULT_EXPIRES;
    const contacts = req.values('Contact');
    if (contacts.length === 1 && contacts[0] === '*') {
      if (defaultExpires !== 0) {
        this.badRequest(conn, req, 'Contact * requires Expires: 0');
        return;
      }
      for (const [key, b] of this.bindings) if (b.user === aor.user) this.bindings.delete(key);
      this.log(`registrar: all registrations of ${aor.user} removed`);
      this.reply(conn, req, 200, 'OK');
      return;
    }
    const now = Date.now();
    for (const c of contacts) {
      let na;
      let key: string | undefined;
      try {
        na = parseNameAddr(c);
        key = uriKey(na.uri);
      } catch {
        key = undefined;
      }
      if (!na || key === undefined) {
        this.badRequest(conn, req, 'unusable Contact');
        return;
      }
      const e = na.params.get('expires');
      const expires =
        e !== undefined && e !== null && /^\d+$/.test(e)
          ? Math.min(Number(e), MAX_EXPIRES)
          : defaultExpires;
      if (expires === 0) {
        if (this.bindings.delete(key)) this.log(`registrar: ${aor.user} unregistered ${na.uri}`);
        continue;
      }
      const display = na.displayName ? `"${na.displayName.replace(/["\\]/g, '\\$&')}" ` : '';
      const previous = this.bindings.get(key);
      this.bindings.set(key, {
        user: aor.user,
        key,
        uri: na.uri,
        value: `${display}<${na.uri}>${formatParams(na.params, ['expires'])}`,
        conn,
        expiresAt: now + expires * 1000,
        registeredAt: previous?.registeredAt ?? new Date(now).toISOString(),
      });
      this.learnContact(conn, c);
      if (!previous) this.log(`registrar: ${aor.user} registered ${na.uri} for ${expires} s`);
    }
    const headers: Array<[string, string]> = this.bindingsOf(aor.user).map((b) => [
      'Contact',
      `${b.value};expires=${Math.max(0, Math.round((b.expiresAt - now) / 1000))}`,
    ]);
    this.reply(conn, req, 200, 'OK', { headers });
  }

  private bindingsOf(user: string): Binding[] {
    const now = Date.now();
    return [...this.bindings.values()].filter(
      (b) => b.user === user && b.expiresAt > now && !b.conn.closed,
    );
  }

  /** The most recently refreshed registration of a user. */
  private latestBinding(user: string): Binding | undefined {
    const list = this.bindingsOf(user);
    return list[list.length - 1];
  }

  registrations(): RegistrationInfo[] {
    const now = Date.now();
    return [...this.bindings.values()]
      .filter((b) => b.expiresAt > now && !b.conn.closed)
      .map((b) => ({
        user: b.user,
        contact: b.value,
        expires: Math.max(0, Math.round((b.expiresAt - now) / 1000)),
        registeredAt: b.registeredAt,
      }));
  }

  // ---------------------------------------------------------------------------------------------
  // Out-of-dialog requests

  private targetOf(req: SipMessage): { user: string; local: boolean } {
    const uri = parseUri(req.uri);
    if (uri.scheme === 'tel') return { user: uri.user, local: true };
    return { user: uri.user, local: this.localHosts.has(uri.host) };
  }

  /** An out-of-dialog request the proxy relays to a user (INVITE, MESSAGE, OPTIONS). */
  private isForUser(req: SipMessage): boolean {
    if (!['INVITE', 'MESSAGE', 'OPTIONS'].includes(req.method)) return false;
    try {
      const { user, local } = this.targetOf(req);
      return local && this.users.has(user);
    } catch {
      return false;
    }
  }

  private onInitialInvite(conn: Connection, txn: InviteServerTxn): void {
    const req = txn.request;
    const username = this.authenticate(conn, req, 'proxy', txn);
    if (username === undefined) return;
    const fromUser = userOf(req.get('From'));
    if (fromUser !== username) {
      this.log(`INVITE from "${fromUser}" authenticated as "${username}": refused`);
      txn.respond(403, OUTCOMES['403']!.reason);
      return;
    }
    const { user: number, local } = this.targetOf(req);
    const isUser = local && this.users.has(number);
    const record = this.records.add(
      newRecord({
        callId: req.get('Call-ID')!,
        number,
        from: fromUser,
        direction: isUser ? 'relay' : 'inbound',
        offerSdp: req.body,
        codecs: offerCodecs(req.body),
      }),
    );
    record.receivedMethods.push('INVITE');
    txn.record = record;
    txn.respond(100, 'Trying');
    const finish = (status: number, reason: string, why: string) => {
      txn.respond(status, reason);
      record.endedAt = new Date().toISOString();
      record.endReason = why;
    };
    if (!local) {
      finish(404, 'Not Found', 'foreign domain');
      return;
    }
    // Replaces (RFC 3891): malformed, it is the callee's business (relayed as it is), or ours.
    const replaces = parseReplaces(req.get('Replaces'));
    if (isTestNumber(number)) {
      if (req.has('Replaces') && !replaces) {
        finish(400, 'Bad Request', 'malformed Replaces header');
        return;
      }
      let replaced: DialogCall | undefined;
      if (replaces) {
        // Attended transfer to a test number: the new call replaces one of ours.
        replaced = this.uaCalls.get(replaces.callId);
        if (
          !replaced ||
          replaced.state === 'ended' ||
          replaced.localTag !== replaces.toTag ||
          replaced.remoteTag !== replaces.fromTag
        ) {
          finish(481, 'Call/Transaction Does Not Exist', 'Replaces names no call of ours');
          return;
        }
      }
      const call = new UasCall(this, conn, txn, number, record, replaced);
      this.uaCalls.set(record.callId, call);
      call.start();
      return;
    }
    if (isUser) {
      // An INVITE with Replaces goes to the connection holding the dialog it replaces (the
      // tab in the call being transferred), whatever registered last.
      const party = replaces
        ? this.proxy.dialogParty(replaces.callId, replaces.toTag, number)
        : undefined;
      const binding = party ? undefined : this.latestBinding(number);
      const target = party ?? (binding ? { conn: binding.conn, uri: binding.uri } : undefined);
      if (!target) {
        finish(480, 'Temporarily Unavailable', `${number} is not registered`);
        return;
      }
      if (party) this.log(`INVITE with Replaces routed to ${number}'s dialog ${replaces!.callId}`);
      this.proxy.forward(conn, req, target.conn, {
        requestUri: target.uri,
        txn,
        recordRoute: true,
        record,
      });
      return;
    }
    finish(404, 'Not Found', 'no such number or user');
  }

  private onOptions(conn: Connection, req: SipMessage): void {
    const { user, local } = this.targetOf(req);
    const binding = local && this.users.has(user) ? this.latestBinding(user) : undefined;
    if (binding) {
      this.proxy.forward(conn, req, binding.conn, { requestUri: binding.uri });
      return;
    }
    this.reply(conn, req, 200, 'OK', {
      headers: [
        ['Allow', ALLOW],
        ['Accept', 'application/sdp'],
        ['Supported', 'outbound, path'],
      ],
    });
  }

  private onMessage(conn: Connection, req: SipMessage): void {
    const username = this.authenticate(conn, req, 'proxy');
    if (username === undefined) return;
    const { user, local } = this.targetOf(req);
    if (local && this.users.has(user)) {
      const binding = this.latestBinding(user);
      if (!binding) {
        this.reply(conn, req, 480, 'Temporarily Unavailable');
        return;
      }
      this.proxy.forward(conn, req, binding.conn, { requestUri: binding.uri });
      return;
    }
    if (local && isTestNumber(user)) {
      this.log(`MESSAGE for ${user} from ${username} (${req.body.length} bytes) accepted`);
      this.reply(conn, req, 200, 'OK');
      return;
    }
    this.reply(conn, req, 404, 'Not Found');
  }

  // ---------------------------------------------------------------------------------------------
  // HTTP API

  calls(number?: string): CallRecord[] {
    for (const call of this.uaCalls.values()) call.syncStats();
    return this.records.all(number);
  }

  private onHttp(req: IncomingMessage, res: ServerResponse): void {
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const text = JSON.stringify(body);
      res.writeHead(status, {
        'Content-Type': 'application/json; charset=utf-8',
        'Cache-Control': 'no-store',
        'Content-Length': Buffer.byteLength(text),
        ...headers,
      });
      res.end(text);
    };
    try {
      const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
      const method = req.method ?? 'GET';
      const refusal = this.accessRefusal(req, `HTTP ${method} ${url.pathname.slice(0, 100)}`);
      if (refusal) {
        json(refusal.status, { error: refusal.text });
        return;
      }
      if (!url.pathname.startsWith('/api/')) {
        const text =
          'sip-phone sandbox: connect a SIP WebSocket client (subprotocol "sip") to this address; ' +
          'JSON API under /api/ (health, calls, calls/outbound, registrations).\n';
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end(text);
        return;
      }
      const route = url.pathname.replace(/\/+$/, '');
      const allow = (methods: string[]) => {
        if (!methods.includes(method)) {
          json(405, { error: 'method not allowed' }, { Allow: methods.join(', ') });
          return false;
        }
        // Every POST takes JSON: a cross-site form or no-cors fetch can only send form or text
        // types without a CORS preflight (which the sandbox never approves).
        if (method === 'POST' && !isJsonContentType(req.headers['content-type'])) {
          json(415, { error: 'Content-Type must be application/json' });
          return false;
        }
        return true;
      };
      const outboundId = /^\/api\/calls\/outbound\/([^/]+)$/.exec(route)?.[1];
      if (outboundId !== undefined) {
        if (!allow(['GET', 'DELETE'])) return;
        const call = this.outbound.get(decodeURIComponent(outboundId));
        if (!call) {
          json(404, { error: 'no such outbound call' });
          return;
        }
        if (method === 'GET') {
          call.syncStats();
          json(200, structuredClone(call.record));
          return;
        }
        const action = call.hangUpAction();
        const state = call.state;
        void call.hangUp('hung up via the API');
        json(200, { id: call.id, callId: call.callId, action, state });
        return;
      }
      switch (route) {
        case '/api/calls/outbound':
          if (!allow(['GET', 'POST'])) return;
          if (method === 'GET') {
            json(
              200,
              this.calls().filter((r) => r.direction === 'outbound'),
            );
            return;
          }
          this.onOutboundPost(req).then(
            (r) => json(r.status, r.body),
            (err: unknown) => {
              this.log(`outbound call failed: ${(err as Error).message}`);
              if (!res.headersSent) json(500, { error: 'internal error' });
            },
          );
          return;
        case '/api/impairment': {
          // PUT ?lossPct=20&delayMs=150 makes the media the sandbox sends worse; DELETE restores it.
          if (!allow(['GET', 'PUT', 'DELETE'])) return;
          if (method !== 'GET') {
            const number = (name: string, max: number) => {
              const value = Number(url.searchParams.get(name) ?? 0);
              return Number.isFinite(value) ? Math.max(0, Math.min(max, value)) : 0;
            };
            this.impairment.lossPct = method === 'PUT' ? number('lossPct', 100) : 0;
            this.impairment.delayMs = method === 'PUT' ? number('delayMs', 5000) : 0;
            this.log(
              `impairment: ${this.impairment.lossPct} % loss, ${this.impairment.delayMs} ms delay`,
            );
          }
          json(200, { ...this.impairment });
          return;
        }
        case '/api/health':
          if (allow(['GET'])) json(200, { ok: true });
          return;
        case '/api/calls':
          if (!allow(['GET', 'DELETE'])) return;
          if (method === 'DELETE') {
            json(200, { ok: true, cleared: this.records.clear() });
            return;
          }
          json(200, this.calls(url.searchParams.get('number') ?? undefined));
          return;
        case '/api/credentials':
          if (!allow(['POST'])) return;
          this.onCredentialsPost(req).then(
            (r) => json(r.status, r.body),
            () => {
              if (!res.headersSent) json(500, { error: 'internal error' });
            },
          );
          return;
        case '/api/registrations':
          if (allow(['GET'])) json(200, this.registrations());
          return;
        default:
          json(404, { error: 'not found' });
      }
    } catch (err) {
      this.log(`http error: ${(err as Error).message}`);
      if (!res.headersSent) json(500, { error: 'internal error' });
      else res.destroy();
    }
  }

  /**
   * POST /api/credentials `{ user, kind: 'password' | 'token', ttlMs }`: short-lived credentials
   * for a sandbox user, as a page's own server would hand them to its phone.
   */
  private async onCredentialsPost(
    req: IncomingMessage,
  ): Promise<{ status: number; body: unknown }> {
    const text = await readBody(req, MAX_API_BODY_BYTES);
    let body: { user?: unknown; kind?: unknown; ttlMs?: unknown };
    try {
      body = JSON.parse(text ?? '') as typeof body;
    } catch {
      return { status: 400, body: { error: 'the body is not JSON' } };
    }
    const { user, kind = 'password', ttlMs = 60_000 } = body ?? {};
    if (typeof user !== 'string' || !this.users.has(user)) {
      return { status: 404, body: { error: 'no such sandbox user' } };
    }
    if (kind !== 'password' && kind !== 'token') {
      return { status: 400, body: { error: 'kind must be "password" or "token"' } };
    }
    if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs < 1 || ttlMs > MAX_TTL_MS) {
      return { status: 400, body: { error: `ttlMs must be a number from 1 to ${MAX_TTL_MS}` } };
    }
    const issued =
      kind === 'token'
        ? this.shortLived.issueToken(user, ttlMs)
        : this.shortLived.issuePassword(user, ttlMs);
    this.log(`credentials: a ${kind} for ${user}, valid ${Math.round(ttlMs / 1000)} s`);
    return { status: 201, body: issued };
  }

  /** POST /api/calls/outbound: place a call to a registered user. */
  private async onOutboundPost(req: IncomingMessage): Promise<{ status: number; body: unknown }> {
    if (this.closing) return { status: 503, body: { error: 'shutting down' } };
    const text = await readBody(req, MAX_API_BODY_BYTES);
    if (text === undefined) {
      return { status: 413, body: { error: `body larger than ${MAX_API_BODY_BYTES} bytes` } };
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return { status: 400, body: { error: 'the body is not JSON' } };
    }
    const parsed = parseOutboundRequest(body, (u) => this.users.has(u), USER_RE);
    if (!parsed.ok) return { status: parsed.status, body: { error: parsed.error } };
    const opts = parsed.options;
    const binding = this.latestBinding(opts.to);
    if (!binding) return { status: 409, body: { error: `${opts.to} is not registered` } };
    const id = randomToken(6);
    const callId = `${randomToken(10)}@sandbox`;
    const record = this.records.add(
      newRecord({
        callId,
        number: opts.to,
        from: opts.from,
        direction: 'outbound',
        offerSdp: '',
        codecs: [],
      }),
    );
    record.outboundId = id;
    if (opts.displayName !== undefined) record.displayName = opts.displayName;
    const call = new UacCall(this, binding.conn, record, id, opts, binding.uri);
    this.uaCalls.set(callId, call);
    this.outbound.set(id, call);
    this.outboundByCallId.set(callId, call);
    this.forgetOldOutbound();
    this.log(`outbound ${id}: calling ${opts.to} at ${binding.uri} (${opts.media})`);
    try {
      await call.start();
    } catch (err) {
      const why = `no media offer: ${(err as Error).message}`;
      await call.end(why);
      return { status: 500, body: { error: why } };
    }
    return { status: 201, body: { id, callId } };
  }

  private forgetOldOutbound(): void {
    for (const [id, call] of this.outbound) {
      if (this.outbound.size <= MAX_OUTBOUND) return;
      if (call.state !== 'ended') continue;
      this.outbound.delete(id);
      this.outboundByCallId.delete(call.callId);
    }
  }

  // ---------------------------------------------------------------------------------------------

  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    clearInterval(this.pingTimer);
    clearInterval(this.sweepTimer);
    await Promise.all([...this.uaCalls.values()].map((c) => c.shutdown()));
    this.proxy.close();
    for (const txn of this.invTxns.values()) txn.dispose();
    this.invTxns.clear();
    for (const conn of this.connections) {
      try {
        conn.ws.close(1001, 'sandbox shutting down');
      } catch {
        conn.ws.terminate();
      }
    }
    await new Promise((r) => setTimeout(r, 50));
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
    this.bindings.clear();
    this.flows.clear();
    this.outbound.clear();
    this.outboundByCallId.clear();
    this.log('sandbox stopped');
  }
}

interface Refusal {
  status: number;
  reason: string;
  /** The plain-text reason sent back (never the request's own values). */
  text: string;
}

/** The request body as UTF-8 text; undefined (and the rest ignored) past `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) over = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function canBuildResponse(msg: SipMessage): boolean {
  return ['Via', 'From', 'To', 'Call-ID', 'CSeq'].every((h) => {
    const v = msg.get(h);
    return v !== undefined && v.length > 0;
  });
}

function txnKey(conn: Connection, req: SipMessage): string {
  let branch: string | undefined;
  try {
    branch = parseVia(req.values('Via')[0] ?? '').branch;
  } catch {
    branch = undefined;
  }
  if (branch !== undefined && branch.startsWith('z9hG4bK') && branch.length > 7) {
    return `${conn.id}|${branch}`;
  }
  let seq = '';
  try {
    seq = String(parseCSeq(req.get('CSeq') ?? '').seq);
  } catch {
    seq = req.get('CSeq') ?? '';
  }
  return `${conn.id}|${req.get('Call-ID') ?? ''}|${seq}`;
}

/** Checks that decide 400 Bad Request; returns the problem, if any. */
function validateRequest(req: SipMessage): string | undefined {
  for (const name of SINGLE_HEADERS) {
    const lines = req.getAll(name);
    if (lines.length > 1) return `duplicate ${canonicalHeaderName(name)} header`;
  }
  let cseq;
  try {
    cseq = parseCSeq(req.get('CSeq')!);
  } catch (err) {
    return (err as Error).message;
  }
  if (cseq.method !== req.method) return 'CSeq method does not match the request method';
  try {
    const vias = req.values('Via');
    if (vias.length === 0) return 'missing Via';
    for (const v of vias) parseVia(v);
    parseNameAddr(req.get('From')!);
    parseNameAddr(req.get('To')!);
    for (const c of req.values('Contact')) if (c !== '*') parseNameAddr(c);
    for (const r of req.values('Route')) parseNameAddr(r);
    for (const r of req.values('Record-Route')) parseNameAddr(r);
  } catch (err) {
    return (err as Error).message;
  }
  const mf = req.get('Max-Forwards');
  if (mf !== undefined && (!/^\d{1,9}$/.test(mf) || Number(mf) > 255)) return 'bad Max-Forwards';
  const expires = req.get('Expires');
  if (expires !== undefined && !/^\d+$/.test(expires)) return 'bad Expires';
  return undefined;
}

/** A Replaces header (RFC 3891): `call-id;to-tag=...;from-tag=...[;early-only]`. */
function parseReplaces(
  value: string | undefined,
): { callId: string; toTag: string; fromTag: string } | undefined {
  if (value === undefined) return undefined;
  const semi = value.indexOf(';');
  if (semi <= 0) return undefined;
  try {
    const params = parseParams(value.slice(semi));
    const toTag = params.get('to-tag');
    const fromTag = params.get('from-tag');
    if (!toTag || !fromTag) return undefined;
    return { callId: value.slice(0, semi).trim(), toTag, fromTag };
  } catch {
    return undefined;
  }
}

function describe(msg: SipMessage): string {
  const callId = msg.get('Call-ID') ?? '-';
  if (msg.isRequest) {
    const from = userOf(msg.get('From')) || '?';
    const to = userOf(msg.get('To')) || '?';
    const auth = msg.has('Authorization') || msg.has('Proxy-Authorization') ? ' (credentials)' : '';
    return `${msg.method} ${msg.uri} call=${callId} ${from} -> ${to}${auth}`;
  }
  let method = '?';
  try {
    method = parseCSeq(msg.get('CSeq') ?? '').method;
  } catch {
    method = '?';
  }
  return `${msg.status} ${msg.reason} (${method}) call=${callId}`;
}

/** Start a sandbox SIP server. Resolves once it listens. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const server = new SipServer(options);
  await server.listen();
  const base = `${server.urlHost}:${server.port}`;
  return {
    wsUrl: `ws://${base}`,
    httpUrl: `http://${base}`,
    port: server.port,
    domain: server.domain,
    users: server.userList,
    close: () => server.close(),
    calls: (number?: string) => server.calls(number),
    registrations: () => server.registrations(),
  };
}
