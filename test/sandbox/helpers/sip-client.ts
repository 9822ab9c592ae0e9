// A raw SIP-over-WebSocket client for the sandbox's Node tests: sends hand-built SIP text and
// waits for parsed messages, computing digest credentials itself.
import { createHash, randomBytes } from 'node:crypto';
import WebSocket, { type ClientOptions } from 'ws';
import { buildResponse, parseMessage, type SipMessage } from '../../../sandbox/sip-message.js';

export const DEFAULT_TIMEOUT_MS = 5000;

export function md5(s: string): string {
  return createHash('md5').update(s).digest('hex');
}

export function rand(bytes = 6): string {
  return randomBytes(bytes).toString('hex');
}

/** Parse a `Digest ...` challenge's parameters. */
export function challengeParams(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([A-Za-z-]+)=(?:"([^"]*)"|([^,\s]+))/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(header)) !== null) out[m[1]!.toLowerCase()] = m[2] ?? m[3] ?? '';
  return out;
}

/** The credentials header value answering `challenge` (qop=auth when offered). */
export function digestHeader(opts: {
  challenge: string;
  user: string;
  password: string;
  method: string;
  uri: string;
  qop?: boolean;
}): string {
  const c = challengeParams(opts.challenge);
  const realm = c['realm'] ?? '';
  const nonce = c['nonce'] ?? '';
  const ha1 = md5(`${opts.user}:${realm}:${opts.password}`);
  const ha2 = md5(`${opts.method}:${opts.uri}`);
  if (opts.qop === false) {
    const response = md5(`${ha1}:${nonce}:${ha2}`);
    return `Digest username="${opts.user}", realm="${realm}", nonce="${nonce}", uri="${opts.uri}", response="${response}", algorithm=MD5`;
  }
  const cnonce = rand(8);
  const nc = '00000001';
  const response = md5(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`);
  return (
    `Digest algorithm=MD5, username="${opts.user}", realm="${realm}", nonce="${nonce}", ` +
    `uri="${opts.uri}", response="${response}", qop=auth, cnonce="${cnonce}", nc=${nc}`
  );
}

export interface RequestSpec {
  method: string;
  uri: string;
  fromUser: string;
  toUri?: string;
  toTag?: string;
  fromTag?: string;
  callId?: string;
  cseq?: number;
  branch?: string;
  contact?: string;
  headers?: string[];
  body?: string;
  contentType?: string;
}

export class SipTestClient {
  readonly received: SipMessage[] = [];
  readonly contactUser = rand(4);
  readonly contactHost = `${rand(4)}.invalid`;
  private waiters: Array<{ pred: (m: SipMessage) => boolean; resolve: (m: SipMessage) => void }> =
    [];
  private closedPromise: Promise<number>;

  private constructor(
    readonly ws: WebSocket,
    readonly domain: string,
  ) {
    ws.on('message', (data: Buffer) => {
      const parsed = parseMessage(data);
      if (!parsed.message) return;
      const msg = parsed.message;
      this.received.push(msg);
      const i = this.waiters.findIndex((w) => w.pred(msg));
      if (i >= 0) {
        const [w] = this.waiters.splice(i, 1);
        w!.resolve(msg);
      }
    });
    this.closedPromise = new Promise((resolve) => ws.on('close', (code) => resolve(code)));
  }

  /** `options.origin` makes it look like a browser page of that origin. */
  static async connect(
    wsUrl: string,
    domain = 'localhost',
    options: ClientOptions = {},
  ): Promise<SipTestClient> {
    const ws = new WebSocket(wsUrl, 'sip', options);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new SipTestClient(ws, domain);
  }

  get contact(): string {
    return `<sip:${this.contactUser}@${this.contactHost};transport=ws>`;
  }

  get contactUri(): string {
    return `sip:${this.contactUser}@${this.contactHost};transport=ws`;
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  closed(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<number> {
    return withTimeout(this.closedPromise, timeoutMs, 'connection close');
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary });
  }

  build(spec: RequestSpec): string {
    const toUri = spec.toUri ?? spec.uri;
    const lines = [
      `${spec.method} ${spec.uri} SIP/2.0`,
      `Via: SIP/2.0/WSS ${this.contactHost};branch=${spec.branch ?? `z9hG4bK${rand(6)}`}`,
      'Max-Forwards: 70',
      `To: <${toUri}>${spec.toTag !== undefined ? `;tag=${spec.toTag}` : ''}`,
      `From: "${spec.fromUser}" <sip:${spec.fromUser}@${this.domain}>;tag=${spec.fromTag ?? rand(4)}`,
      `Call-ID: ${spec.callId ?? rand(10)}`,
      `CSeq: ${spec.cseq ?? 1} ${spec.method}`,
    ];
    if (spec.contact !== undefined) lines.push(`Contact: ${spec.contact}`);
    lines.push(...(spec.headers ?? []));
    const body = spec.body ?? '';
    if (body.length > 0) lines.push(`Content-Type: ${spec.contentType ?? 'application/sdp'}`);
    lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
    return `${lines.join('\r\n')}\r\n\r\n${body}`;
  }

  send(spec: RequestSpec): void {
    this.sendRaw(this.build(spec));
  }

  /** Wait for the next matching message (already received ones are not considered). */
  waitFor(
    pred: (m: SipMessage) => boolean,
    timeoutMs = DEFAULT_TIMEOUT_MS,
    what = 'message',
  ): Promise<SipMessage> {
    let waiter: { pred: (m: SipMessage) => boolean; resolve: (m: SipMessage) => void };
    const p = new Promise<SipMessage>((resolve) => {
      waiter = { pred, resolve };
      this.waiters.push(waiter);
    });
    return withTimeout(p, timeoutMs, what).finally(() => {
      this.waiters = this.waiters.filter((w) => w !== waiter);
    });
  }

  /** Wait for a response to the given Call-ID / CSeq method (optionally a given status). */
  response(
    callId: string,
    method: string,
    status?: (s: number) => boolean,
    timeoutMs = DEFAULT_TIMEOUT_MS,
  ): Promise<SipMessage> {
    return this.waitFor(
      (m) =>
        !m.isRequest &&
        m.get('Call-ID') === callId &&
        (m.get('CSeq') ?? '').endsWith(` ${method}`) &&
        (status === undefined || status(m.status)),
      timeoutMs,
      `${method} response for ${callId}`,
    );
  }

  /** Wait for a request of a method (optionally for a Call-ID). */
  request(method: string, callId?: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<SipMessage> {
    return this.waitFor(
      (m) =>
        m.isRequest && m.method === method && (callId === undefined || m.get('Call-ID') === callId),
      timeoutMs,
      `${method} request`,
    );
  }

  /** REGISTER with digest authentication; resolves with the final response. */
  async register(user: string, password: string, expires = 600): Promise<SipMessage> {
    const callId = rand(10);
    const uri = `sip:${this.domain}`;
    const base = {
      method: 'REGISTER',
      uri,
      toUri: `sip:${user}@${this.domain}`,
      fromUser: user,
      callId,
      contact: `${this.contact};expires=${expires}`,
    };
    this.send({ ...base, cseq: 1 });
    const first = await this.response(callId, 'REGISTER', (s) => s >= 200);
    if (first.status !== 401) return first;
    const auth = digestHeader({
      challenge: first.get('WWW-Authenticate') ?? '',
      user,
      password,
      method: 'REGISTER',
      uri,
    });
    this.send({ ...base, cseq: 2, headers: [`Authorization: ${auth}`] });
    return this.response(callId, 'REGISTER', (s) => s >= 200);
  }

  /**
   * Send an INVITE that answers the 407 challenge (and ACKs it). Resolves once the
   * authenticated INVITE is sent, with what later requests in this call need.
   */
  async invite(opts: {
    number: string;
    user: string;
    /** Digest user when it differs from the From user. */
    authUser?: string;
    password: string;
    sdp: string;
    /** Extra header lines for both INVITEs (e.g. `Replaces: ...`). */
    headers?: string[];
  }): Promise<{ callId: string; branch: string; fromTag: string; cseq: number; uri: string }> {
    const callId = rand(10);
    const fromTag = rand(4);
    const uri = `sip:${opts.number}@${this.domain}`;
    const base = {
      method: 'INVITE',
      uri,
      fromUser: opts.user,
      fromTag,
      callId,
      contact: this.contact,
      body: opts.sdp,
    };
    const extra = opts.headers ?? [];
    const branch1 = `z9hG4bK${rand(6)}`;
    this.send({ ...base, cseq: 1, branch: branch1, headers: extra });
    const challenge = await this.response(callId, 'INVITE', (s) => s >= 200);
    if (challenge.status !== 407) {
      throw new Error(`expected 407, got ${challenge.status} ${challenge.reason}`);
    }
    this.send({
      method: 'ACK',
      uri,
      fromUser: opts.user,
      fromTag,
      callId,
      cseq: 1,
      branch: branch1,
      toTag: tagFrom(challenge.get('To')),
    });
    const auth = digestHeader({
      challenge: challenge.get('Proxy-Authenticate') ?? '',
      user: opts.authUser ?? opts.user,
      password: opts.password,
      method: 'INVITE',
      uri,
    });
    const branch = `z9hG4bK${rand(6)}`;
    this.send({ ...base, cseq: 2, branch, headers: [...extra, `Proxy-Authorization: ${auth}`] });
    return { callId, branch, fromTag, cseq: 2, uri };
  }

  /** Answer a received request (Via, From, To, Call-ID, CSeq copied), with our Contact. */
  respond(
    req: SipMessage,
    status: number,
    reason: string,
    opts: { toTag?: string; body?: string; headers?: Array<[string, string]> } = {},
  ): SipMessage {
    const headers: Array<[string, string]> = [...(opts.headers ?? [])];
    if (status > 100 && status < 300) headers.push(['Contact', this.contact]);
    const res = buildResponse(req, status, reason, { ...opts, headers });
    this.sendRaw(res.toString());
    return res;
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) {
      this.ws.close();
    }
  }
}

export function tagFrom(value: string | undefined): string | undefined {
  return /;\s*tag=([^;\s>]+)/i.exec(value ?? '')?.[1];
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** A small but complete WebRTC-style audio offer (what Chromium sends, trimmed). */
export function webrtcOffer(): string {
  return [
    'v=0',
    `o=- ${Date.now()} 2 IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    'a=group:BUNDLE 0',
    'a=msid-semantic: WMS stream',
    'm=audio 9 UDP/TLS/RTP/SAVPF 0 8 126',
    'c=IN IP4 0.0.0.0',
    'a=rtcp:9 IN IP4 0.0.0.0',
    'a=candidate:1 1 udp 2113937151 127.0.0.1 50000 typ host generation 0',
    `a=ice-ufrag:${rand(2)}`,
    `a=ice-pwd:${rand(12)}`,
    'a=ice-options:trickle',
    'a=fingerprint:sha-256 4F:3C:6E:2B:9A:11:0D:7E:55:82:C1:9F:3A:6B:2D:8E:71:04:BB:E3:29:5C:0A:F6:13:7D:88:C2:4E:9B:61:AA',
    'a=setup:actpass',
    'a=mid:0',
    'a=sendrecv',
    'a=msid:stream track',
    'a=rtcp-mux',
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:8 PCMA/8000',
    'a=rtpmap:126 telephone-event/8000',
    'a=ssrc:1001 cname:test',
    '',
  ].join('\r\n');
}

/** Fetch JSON from the sandbox's HTTP API. */
export async function api<T>(httpUrl: string, path: string, method = 'GET'): Promise<T> {
  const res = await fetch(`${httpUrl}${path}`, { method });
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

/** Poll until `fn` returns a value (not undefined), bounded by `timeoutMs`. */
export async function eventually<T>(
  fn: () => Promise<T | undefined> | T | undefined,
  timeoutMs = DEFAULT_TIMEOUT_MS,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The sandbox logger for tests: silent unless SANDBOX_TEST_LOG is set. */
export function testLog(): ((line: string) => void) | false {
  return process.env['SANDBOX_TEST_LOG'] ? (line) => console.error(`[sandbox] ${line}`) : false;
}
