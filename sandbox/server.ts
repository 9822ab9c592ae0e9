// The sandbox SIP server: one HTTP server carrying SIP over WebSocket (RFC 7118, subprotocol
// `sip`) and a small JSON API under /api/. Registrar with digest authentication, a proxy between
// registered users, and test numbers with real media (see numbers.ts). This file wires the parts
// together and owns the connections; registrar.ts, sip-router.ts and http-api.ts do the work.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { isAllowedHost, isAllowedOrigin, normalizeOrigin } from './access.js';
import { Connection } from './core.js';
import type { DialogCall } from './dialog-call.js';
import { HttpApi, type ApiHost, type Refusal } from './http-api.js';
import type { Impairment } from './media.js';
import { EventServer } from './events.js';
import { Proxy } from './proxy.js';
import { CallLog, type CallRecord } from './records.js';
import {
  Registrar,
  loadUsers,
  validateUsers,
  type RegistrationInfo,
  type SandboxUser,
} from './registrar.js';
import { SipRouter, describe, type RouterHost } from './sip-router.js';
import {
  buildResponse,
  randomToken,
  redactCredentials,
  type ResponseOptions,
  type SipMessage,
} from './sip-message.js';
import { parseUri } from './sip-grammar.js';
import { ACK_TIMEOUT_MS } from './uas.js';
import type { UacCall } from './uac.js';

export type { CallRecord, DtmfRecord, ReinviteRecord } from './records.js';
export type { OutboundCallOptions, OutboundMedia } from './uac.js';
export { TEST_NUMBERS, TEST_NUMBER_LIST, OUTCOMES } from './numbers.js';
export {
  DEFAULT_USERS_FILE,
  loadUsers,
  type RegistrationInfo,
  type SandboxUser,
} from './registrar.js';

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

export const MAX_FRAME_BYTES = 64 * 1024;
const PING_INTERVAL_MS = 30_000;
const SWEEP_INTERVAL_MS = 30_000;

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

class SipServer implements RouterHost, ApiHost {
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

  readonly registrar: Registrar;
  readonly events: EventServer;
  readonly proxy: Proxy;
  readonly localHosts = new Set<string>();
  /** Calls the sandbox is a user agent in (test numbers, outbound calls), by Call-ID. */
  readonly uaCalls = new Map<string, DialogCall>();
  /** Outbound calls by id, and by Call-ID (kept after they end, for late responses). */
  readonly outbound = new Map<string, UacCall>();
  readonly outboundByCallId = new Map<string, UacCall>();

  private readonly host: string;
  private readonly requestedPort: number;
  private readonly logFn: ((line: string) => void) | undefined;
  private readonly logMessages: boolean;
  private readonly allowedOrigins: ReadonlySet<string> | undefined;
  private readonly router: SipRouter;
  private readonly api: HttpApi;
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly connections = new Set<Connection>();
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
    this.registrar = new Registrar(this, users);
    this.events = new EventServer(this);
    this.logFn = opts.log === false ? undefined : (opts.log ?? defaultLogger);
    this.proxy = new Proxy(this);
    this.router = new SipRouter(this);
    this.api = new HttpApi(this);
    this.http = createServer((req, res) => this.api.handle(req, res));
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: MAX_FRAME_BYTES,
      handleProtocols: (protocols) => (protocols.has('sip') ? 'sip' : false),
    });
    this.http.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
    this.wss.on('connection', (ws, req) => this.onConnection(ws, req));
  }

  get userList(): SandboxUser[] {
    return this.registrar.userList;
  }

  get isClosing(): boolean {
    return this.closing !== undefined;
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
    this.sweepTimer = setInterval(() => this.registrar.sweep(), SWEEP_INTERVAL_MS);
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

  dump(data: Buffer): void {
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
    this.registrar.learnContact(conn, contactValue);
  }

  connectionFor(uri: string): Connection | undefined {
    return this.registrar.connectionFor(uri);
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
  accessRefusal(req: IncomingMessage, what: string): Refusal | undefined {
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
        this.router.onFrame(conn, toBuffer(data), isBinary);
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
    this.registrar.connectionClosed(conn);
    this.events.connectionClosed(conn);
    for (const call of [...this.uaCalls.values()]) {
      if (call.conn === conn) call.connectionClosed();
    }
    this.proxy.onConnectionClosed(conn);
    this.router.connectionClosed(conn);
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

  // ---------------------------------------------------------------------------------------------
  // Calls

  calls(number?: string): CallRecord[] {
    for (const call of this.uaCalls.values()) call.syncStats();
    return this.records.all(number);
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
    this.router.close();
    this.events.close();
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
    this.registrar.clear();
    this.outbound.clear();
    this.outboundByCallId.clear();
    this.log('sandbox stopped');
  }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
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
    registrations: () => server.registrar.registrations(),
  };
}
