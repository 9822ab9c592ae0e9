// Stateful relaying between registered users (two browser tabs calling each other).
//
// Each forwarded request gets our Via (fresh branch); responses come back by that branch, lose
// our Via and go to the connection the request came from. Initial INVITEs also get our
// Record-Route, so every in-dialog request passes through here and is routed by its
// Request-URI (the peer's Contact) to the WebSocket that Contact was seen on.
import type { Connection, CoreApi, InviteServerTxn } from './core.js';
import type { CallRecord, ReinviteRecord } from './records.js';
import { SipMessage, newBranch } from './sip-message.js';
import { parseCSeq, parseNameAddr, parseVia, tagOf, userOf } from './sip-grammar.js';

/** RFC 3261 Timer C: give up on an unanswered relayed INVITE after this long. */
export const TIMER_C_MS = 180_000;
/** Non-INVITE transaction timeout (64*T1). */
export const NON_INVITE_TIMEOUT_MS = 32_000;
/** After relaying a CANCEL, answer 487 ourselves if the callee says nothing for this long. */
export const CANCEL_FALLBACK_MS = 5_000;
const LINGER_MS = 32_000;
/** Relayed dialogs remembered for routing an INVITE with Replaces (oldest forgotten first). */
const MAX_DIALOGS = 1000;

/** One side of a relayed dialog: who, with which tag, reachable where. */
interface DialogParty {
  user: string;
  tag: string;
  conn: Connection;
  /** The party's Contact URI (the Request-URI that reaches it). */
  uri: string;
}

interface RelayCtx {
  branch: string;
  method: string;
  target: Connection;
  forwarded: SipMessage;
  originConn: Connection;
  originReq: SipMessage;
  originTxn: InviteServerTxn | undefined;
  record: CallRecord | undefined;
  /** The initial INVITE of a call (its outcome is the call record's outcome). */
  initial: boolean;
  /** A relayed re-INVITE's entry in the call record (its status is set on the final). */
  reinvite: ReinviteRecord | undefined;
  final: number;
  cancelled: boolean;
  timers: Set<NodeJS.Timeout>;
}

export interface ForwardOptions {
  /** Rewrite the Request-URI (initial requests: the callee's registered Contact). */
  requestUri?: string;
  /** The INVITE server transaction towards the caller (INVITE only). */
  txn?: InviteServerTxn;
  /** Add our Record-Route (dialog-creating requests). */
  recordRoute?: boolean;
  /** Route header values to keep (ours already removed); undefined keeps them all. */
  routes?: string[];
  record?: CallRecord;
  /** For a relayed re-INVITE: the record entry whose status the final response sets. */
  reinvite?: ReinviteRecord;
}

export class Proxy {
  private readonly ctxs = new Map<string, RelayCtx>();
  private readonly dialogs = new Map<string, { caller: DialogParty; callee?: DialogParty }>();

  constructor(private readonly core: CoreApi) {}

  /** Relay a request to `target`. Answers the origin itself on Max-Forwards exhaustion. */
  forward(origin: Connection, req: SipMessage, target: Connection, opts: ForwardOptions = {}) {
    const mfRaw = req.get('Max-Forwards');
    const mf = mfRaw === undefined ? 70 : Number(mfRaw);
    if (mf <= 0) {
      if (req.method === 'ACK') return;
      if (opts.txn) opts.txn.respond(483, 'Too Many Hops');
      else this.core.reply(origin, req, 483, 'Too Many Hops');
      return;
    }
    const fwd = req.clone();
    if (opts.requestUri !== undefined) fwd.uri = opts.requestUri;
    fwd.set('Max-Forwards', String(Math.min(mf - 1, 70)));
    // Credentials were for our realm: they stop here (RFC 3261 §22.3).
    fwd.remove('Proxy-Authorization');
    if (opts.routes !== undefined) {
      fwd.remove('Route');
      for (const r of opts.routes) fwd.append('Route', r);
    }
    const branch = newBranch();
    fwd.prepend('Via', `SIP/2.0/WS ${this.core.sentBy};branch=${branch}`);
    if (opts.recordRoute) fwd.prepend('Record-Route', this.core.recordRoute);
    this.core.send(target, fwd);
    if (req.method === 'ACK') return;

    const ctx: RelayCtx = {
      branch,
      method: req.method,
      target,
      forwarded: fwd,
      originConn: origin,
      originReq: req,
      originTxn: opts.txn,
      record: opts.record,
      initial: req.method === 'INVITE' && opts.recordRoute === true,
      reinvite: opts.reinvite,
      final: 0,
      cancelled: false,
      timers: new Set(),
    };
    this.ctxs.set(branch, ctx);
    if (ctx.initial) this.rememberCaller(origin, req);
    if (req.method === 'INVITE') {
      if (opts.txn) opts.txn.onCancel = () => this.cancel(ctx);
      this.timer(ctx, TIMER_C_MS, () => {
        if (ctx.final !== 0) return;
        this.core.log(`relay call=${req.get('Call-ID') ?? ''}: no final response, giving up`);
        this.sendCancel(ctx);
        this.finishWith(ctx, 408, 'Request Timeout');
      });
    } else {
      this.timer(ctx, NON_INVITE_TIMEOUT_MS, () => {
        if (ctx.final !== 0) return;
        this.finishWith(ctx, 408, 'Request Timeout');
      });
    }
  }

  /** A response arrived; returns false when it is not for one of our relayed requests. */
  onResponse(res: SipMessage): boolean {
    let branch: string | undefined;
    let method: string;
    try {
      branch = parseVia(res.values('Via')[0] ?? '').branch;
      method = parseCSeq(res.get('CSeq') ?? '').method;
    } catch {
      return false;
    }
    const ctx = branch === undefined ? undefined : this.ctxs.get(branch);
    if (!ctx) return false;
    if (method === 'CANCEL' || method !== ctx.method) return true;
    const out = res.clone();
    out.shiftValue('Via');

    if (ctx.method === 'INVITE') {
      if (res.status === 100) return true;
      if (res.status < 200) {
        if (ctx.final === 0) this.toOrigin(ctx, out);
        return true;
      }
      if (res.status < 300) {
        const first = ctx.final === 0;
        if (first) {
          ctx.final = res.status;
          this.clearTimers(ctx);
          if (ctx.record && ctx.initial) ctx.record.answeredAt = new Date().toISOString();
          if (ctx.initial) this.rememberCallee(ctx, res);
          if (ctx.reinvite) ctx.reinvite.status = res.status;
          this.linger(ctx);
        }
        // 2xx retransmissions are relayed too: the ACK is end-to-end.
        this.toOrigin(ctx, out);
        return true;
      }
      this.ackNon2xx(ctx, res);
      if (ctx.final !== 0) return true;
      ctx.final = res.status;
      this.clearTimers(ctx);
      if (ctx.reinvite) ctx.reinvite.status = res.status;
      if (ctx.record && ctx.initial) {
        ctx.record.endedAt ??= new Date().toISOString();
        ctx.record.endReason ??= `callee answered ${res.status} ${res.reason}`;
      }
      this.linger(ctx);
      this.toOrigin(ctx, out);
      return true;
    }

    if (res.status === 100) return true;
    if (res.status >= 200) {
      if (ctx.final !== 0) return true;
      ctx.final = res.status;
      this.clearTimers(ctx);
      this.ctxs.delete(ctx.branch);
      if (ctx.method === 'BYE' && res.status < 300) {
        this.dialogs.delete(ctx.originReq.get('Call-ID') ?? '');
        if (ctx.record) {
          ctx.record.endedAt ??= new Date().toISOString();
          ctx.record.endReason ??= `BYE from ${userOf(ctx.originReq.get('From')) || 'a party'}`;
        }
      }
    }
    this.toOrigin(ctx, out);
    return true;
  }

  /** A connection went away: fail what was sent to it, cancel what it had asked for. */
  onConnectionClosed(conn: Connection): void {
    for (const ctx of [...this.ctxs.values()]) {
      if (ctx.final !== 0) continue;
      if (ctx.target === conn) {
        this.finishWith(ctx, 480, 'Temporarily Unavailable');
      } else if (ctx.originConn === conn && ctx.method === 'INVITE') {
        ctx.cancelled = true;
        this.sendCancel(ctx);
      }
    }
  }

  close(): void {
    for (const ctx of this.ctxs.values()) this.clearTimers(ctx);
    this.ctxs.clear();
    this.dialogs.clear();
  }

  /**
   * The party of a relayed dialog that has tag `tag` and is user `user`, when its connection is
   * still open: where an INVITE with `Replaces: callId;to-tag=tag` must go.
   */
  dialogParty(
    callId: string,
    tag: string,
    user: string,
  ): { conn: Connection; uri: string } | undefined {
    const d = this.dialogs.get(callId);
    const party = [d?.caller, d?.callee].find((p) => p?.tag === tag && p.user === user);
    if (!party || party.conn.closed) return undefined;
    return { conn: party.conn, uri: party.uri };
  }

  private rememberCaller(origin: Connection, req: SipMessage): void {
    const caller = partyOf(req.get('From'), req.values('Contact')[0], origin);
    const callId = req.get('Call-ID') ?? '';
    if (!caller || this.dialogs.has(callId)) return;
    this.dialogs.set(callId, { caller });
    if (this.dialogs.size > MAX_DIALOGS) {
      const oldest = this.dialogs.keys().next().value;
      if (oldest !== undefined) this.dialogs.delete(oldest);
    }
  }

  private rememberCallee(ctx: RelayCtx, res: SipMessage): void {
    const d = this.dialogs.get(res.get('Call-ID') ?? '');
    const callee = partyOf(res.get('To'), res.values('Contact')[0], ctx.target);
    if (d && callee && !d.callee) d.callee = callee;
  }

  private toOrigin(ctx: RelayCtx, res: SipMessage): void {
    if (ctx.originTxn) ctx.originTxn.sendResponse(res);
    else this.core.send(ctx.originConn, res);
  }

  /** Answer the origin ourselves and forget the transaction. */
  private finishWith(ctx: RelayCtx, status: number, reason: string): void {
    if (ctx.final !== 0) return;
    ctx.final = status;
    this.clearTimers(ctx);
    if (ctx.reinvite) ctx.reinvite.status = status;
    if (ctx.originTxn) ctx.originTxn.respond(status, reason);
    else this.core.reply(ctx.originConn, ctx.originReq, status, reason);
    if (ctx.record && ctx.initial) ctx.record.endedAt ??= new Date().toISOString();
    if (ctx.method === 'INVITE') this.linger(ctx);
    else this.ctxs.delete(ctx.branch);
  }

  private cancel(ctx: RelayCtx): void {
    if (ctx.final !== 0 || ctx.cancelled) return;
    ctx.cancelled = true;
    this.sendCancel(ctx);
    this.timer(ctx, CANCEL_FALLBACK_MS, () => this.finishWith(ctx, 487, 'Request Terminated'));
  }

  /** CANCEL for our forwarded INVITE: same Request-URI, our Via, From, To, Call-ID. */
  private sendCancel(ctx: RelayCtx): void {
    if (ctx.target.closed) return;
    const inv = ctx.forwarded;
    const cancel = this.hopRequest('CANCEL', inv, inv.get('To') ?? '');
    this.core.send(ctx.target, cancel);
  }

  private ackNon2xx(ctx: RelayCtx, res: SipMessage): void {
    if (ctx.target.closed) return;
    const ack = this.hopRequest('ACK', ctx.forwarded, res.get('To') ?? '');
    this.core.send(ctx.target, ack);
  }

  private hopRequest(method: 'ACK' | 'CANCEL', inv: SipMessage, to: string): SipMessage {
    const m = new SipMessage();
    m.method = method;
    m.uri = inv.uri;
    m.append('Via', inv.values('Via')[0] ?? '');
    m.append('Max-Forwards', '70');
    m.append('From', inv.get('From') ?? '');
    m.append('To', to);
    m.append('Call-ID', inv.get('Call-ID') ?? '');
    const seq = parseCSeq(inv.get('CSeq') ?? '1 INVITE').seq;
    m.append('CSeq', `${seq} ${method}`);
    for (const r of inv.getAll('Route')) m.append('Route', r);
    return m;
  }

  private linger(ctx: RelayCtx): void {
    this.timer(ctx, LINGER_MS, () => {
      this.clearTimers(ctx);
      this.ctxs.delete(ctx.branch);
    });
  }

  private timer(ctx: RelayCtx, ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      ctx.timers.delete(t);
      try {
        fn();
      } catch (err) {
        this.core.log(`relay timer error: ${(err as Error).message}`);
      }
    }, ms);
    ctx.timers.add(t);
  }

  private clearTimers(ctx: RelayCtx): void {
    for (const t of ctx.timers) clearTimeout(t);
    ctx.timers.clear();
  }
}

function partyOf(
  nameAddr: string | undefined,
  contact: string | undefined,
  conn: Connection,
): DialogParty | undefined {
  const tag = tagOf(nameAddr);
  const user = userOf(nameAddr);
  if (tag === undefined || contact === undefined) return undefined;
  try {
    return { user, tag, conn, uri: parseNameAddr(contact).uri };
  } catch {
    return undefined;
  }
}
