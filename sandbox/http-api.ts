// The JSON API under /api/ (same port as the WebSocket, no CORS): health, the call records,
// registrations, short-lived credentials, the impairment knob and the calls the sandbox places
// to registered users (/api/calls/outbound). Every request passes the access checks first.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isJsonContentType } from './access.js';
import type { CoreApi } from './core.js';
import type { DialogCall } from './dialog-call.js';
import { newRecord, type CallRecord } from './records.js';
import { USER_RE, type Registrar } from './registrar.js';
import { MAX_TTL_MS } from './short-lived.js';
import { randomToken } from './sip-message.js';
import { UacCall, parseOutboundRequest } from './uac.js';
import type { EventServer } from './events.js';

/** What the API needs of the server besides the core interface. */
export interface ApiHost extends CoreApi {
  readonly registrar: Registrar;
  readonly events: EventServer;
  /** Calls the sandbox is a user agent in (test numbers, outbound calls), by Call-ID. */
  readonly uaCalls: Map<string, DialogCall>;
  /** Outbound calls by id, and by Call-ID (kept after they end, for late responses). */
  readonly outbound: Map<string, UacCall>;
  readonly outboundByCallId: Map<string, UacCall>;
  readonly isClosing: boolean;
  /** Why a request is refused before anything else (Host, Origin), or undefined. Logged. */
  accessRefusal(req: IncomingMessage, what: string): Refusal | undefined;
  calls(number?: string): CallRecord[];
}

/** Outbound calls remembered for /api/calls/outbound/:id (the oldest ended ones go first). */
const MAX_OUTBOUND = 500;
const MAX_API_BODY_BYTES = 16 * 1024;

export class HttpApi {
  constructor(private readonly server: ApiHost) {}

  /** Answer one HTTP request. */
  handle(req: IncomingMessage, res: ServerResponse): void {
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
      const refusal = this.server.accessRefusal(
        req,
        `HTTP ${method} ${url.pathname.slice(0, 100)}`,
      );
      if (refusal) {
        json(refusal.status, { error: refusal.text });
        return;
      }
      if (!url.pathname.startsWith('/api/')) {
        const text =
          'sip-phone sandbox: connect a SIP WebSocket client (subprotocol "sip") to this address; ' +
          'JSON API under /api/ (health, calls, calls/outbound, registrations, subscriptions, voicemail/<user>).\n';
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
        const call = this.server.outbound.get(decodeURIComponent(outboundId));
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
      const mailboxUser = /^\/api\/voicemail\/([^/]+)$/.exec(route)?.[1];
      if (mailboxUser !== undefined) {
        // GET a user's mailbox counts; PUT { newMessages, oldMessages } sets them (and tells the
        // user's phones, as a voicemail system would).
        if (!allow(['GET', 'PUT'])) return;
        const user = decodeURIComponent(mailboxUser);
        if (!this.server.registrar.hasUser(user)) {
          json(404, { error: 'no such sandbox user' });
          return;
        }
        if (method === 'GET') {
          json(200, this.server.events.mailbox(user));
          return;
        }
        if (!isJsonContentType(req.headers['content-type'])) {
          json(415, { error: 'Content-Type must be application/json' });
          return;
        }
        readBody(req, MAX_API_BODY_BYTES).then(
          (text) => {
            let body: { newMessages?: unknown; oldMessages?: unknown } | undefined;
            try {
              body = JSON.parse(text ?? '') as typeof body;
            } catch {
              body = undefined;
            }
            const count = (v: unknown) =>
              typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 9999;
            if (!body || !count(body.newMessages) || !count(body.oldMessages)) {
              json(400, { error: 'newMessages and oldMessages must be whole numbers 0-9999' });
              return;
            }
            this.server.events.setMailbox(user, {
              newMessages: body.newMessages as number,
              oldMessages: body.oldMessages as number,
            });
            json(200, this.server.events.mailbox(user));
          },
          () => {
            if (!res.headersSent) json(500, { error: 'internal error' });
          },
        );
        return;
      }
      switch (route) {
        case '/api/subscriptions':
          if (allow(['GET'])) json(200, this.server.events.subscriptions());
          return;
        case '/api/calls/outbound':
          if (!allow(['GET', 'POST'])) return;
          if (method === 'GET') {
            json(
              200,
              this.server.calls().filter((r) => r.direction === 'outbound'),
            );
            return;
          }
          this.onOutboundPost(req).then(
            (r) => json(r.status, r.body),
            (err: unknown) => {
              this.server.log(`outbound call failed: ${(err as Error).message}`);
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
            this.server.impairment.lossPct = method === 'PUT' ? number('lossPct', 100) : 0;
            this.server.impairment.delayMs = method === 'PUT' ? number('delayMs', 5000) : 0;
            this.server.log(
              `impairment: ${this.server.impairment.lossPct} % loss, ${this.server.impairment.delayMs} ms delay`,
            );
          }
          json(200, { ...this.server.impairment });
          return;
        }
        case '/api/health':
          if (allow(['GET'])) json(200, { ok: true });
          return;
        case '/api/calls':
          if (!allow(['GET', 'DELETE'])) return;
          if (method === 'DELETE') {
            json(200, { ok: true, cleared: this.server.records.clear() });
            return;
          }
          json(200, this.server.calls(url.searchParams.get('number') ?? undefined));
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
          if (allow(['GET'])) json(200, this.server.registrar.registrations());
          return;
        default:
          json(404, { error: 'not found' });
      }
    } catch (err) {
      this.server.log(`http error: ${(err as Error).message}`);
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
    if (typeof user !== 'string' || !this.server.registrar.hasUser(user)) {
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
        ? this.server.registrar.shortLived.issueToken(user, ttlMs)
        : this.server.registrar.shortLived.issuePassword(user, ttlMs);
    this.server.log(`credentials: a ${kind} for ${user}, valid ${Math.round(ttlMs / 1000)} s`);
    return { status: 201, body: issued };
  }

  /** POST /api/calls/outbound: place a call to a registered user. */
  private async onOutboundPost(req: IncomingMessage): Promise<{ status: number; body: unknown }> {
    if (this.server.isClosing) return { status: 503, body: { error: 'shutting down' } };
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
    const parsed = parseOutboundRequest(body, (u) => this.server.registrar.hasUser(u), USER_RE);
    if (!parsed.ok) return { status: parsed.status, body: { error: parsed.error } };
    const opts = parsed.options;
    const binding = this.server.registrar.latestBinding(opts.to);
    if (!binding) return { status: 409, body: { error: `${opts.to} is not registered` } };
    const id = randomToken(6);
    const callId = `${randomToken(10)}@sandbox`;
    const record = this.server.records.add(
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
    const call = new UacCall(this.server, binding.conn, record, id, opts, binding.uri);
    this.server.uaCalls.set(callId, call);
    this.server.outbound.set(id, call);
    this.server.outboundByCallId.set(callId, call);
    this.forgetOldOutbound();
    this.server.log(`outbound ${id}: calling ${opts.to} at ${binding.uri} (${opts.media})`);
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
    for (const [id, call] of this.server.outbound) {
      if (this.server.outbound.size <= MAX_OUTBOUND) return;
      if (call.state !== 'ended') continue;
      this.server.outbound.delete(id);
      this.server.outboundByCallId.delete(call.callId);
    }
  }
}

export interface Refusal {
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
