// Shared pieces of the sandbox SIP core: connections, INVITE server transactions, the interface
// the router, registrar, proxy and user agents use to talk to the core, and the 400 answer.
import type { Impairment } from './media.js';
import { isUtf8 } from 'node:buffer';
import type { WebSocket } from 'ws';
import type { CallLog, CallRecord } from './records.js';
import {
  buildResponse,
  randomToken,
  type ResponseOptions,
  type SipMessage,
} from './sip-message.js';

/** How long a finished INVITE transaction is kept to absorb its ACK and match a late CANCEL. */
export const TXN_LINGER_MS = 32_000;

export class Connection {
  alive = true;
  closed = false;
  /** Contact keys (user@host) seen on this connection: in-dialog requests are routed here. */
  readonly contacts = new Set<string>();

  constructor(
    readonly id: number,
    readonly ws: WebSocket,
    readonly remote: string,
  ) {}

  get label(): string {
    return `c${this.id}`;
  }

  send(data: Buffer): boolean {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return false;
    // Text frames must be UTF-8; a relayed binary body goes out as a binary frame (RFC 7118).
    this.ws.send(data, { binary: !isUtf8(data) });
    return true;
  }
}

export interface CoreApi {
  readonly domain: string;
  readonly mediaAddress: string;
  /** A bad network on demand, applied to the media the sandbox sends (PUT /api/impairment). */
  readonly impairment: Impairment;
  readonly earlyMediaMs: number;
  readonly ackTimeoutMs: number;
  readonly records: CallLog;
  /** Host:port used in our Via and Contact headers. */
  readonly sentBy: string;
  /** `<sip:...;lr>` value of our Record-Route. */
  readonly recordRoute: string;
  log(line: string): void;
  /** Serialize, log (one line) and send a message on a connection. */
  send(conn: Connection, msg: SipMessage): void;
  /** Build and send a response outside an INVITE transaction. */
  reply(
    conn: Connection,
    req: SipMessage,
    status: number,
    reason: string,
    opts?: ResponseOptions,
  ): SipMessage;
  /** Remember that `contactValue`'s URI is reachable on `conn`. */
  learnContact(conn: Connection, contactValue: string | undefined): void;
  /** The connection a URI (Contact / Request-URI) is reachable on, if any. */
  connectionFor(uri: string): Connection | undefined;
  /** Whether a URI points at this server (our Record-Route / host). */
  isLocalUri(uri: string): boolean;
  /** Called by a UAS call when it has finished (to drop it from the dialog table). */
  callEnded(callId: string): void;
}

/** 400 Bad Request with the problem in a Warning header. */
export function badRequest(core: CoreApi, conn: Connection, req: SipMessage, why: string): void {
  const text = why.replace(/["\\\r\n]/g, ' ');
  core.reply(conn, req, 400, 'Bad Request', {
    headers: [['Warning', `399 ${core.sentBy} "${text}"`]],
  });
}

/**
 * The server side of one INVITE: sends provisional and final responses, matches CANCEL and
 * absorbs the ACK of a non-2xx final response. Responses carry one To tag throughout.
 */
export class InviteServerTxn {
  readonly toTag = randomToken(5);
  finalStatus = 0;
  lastResponse: SipMessage | undefined;
  /** Set by the owner (UAS or proxy) to act on a CANCEL that arrives before the final. */
  onCancel: (() => void) | undefined;
  record: CallRecord | undefined;
  private lingerTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly core: CoreApi,
    readonly conn: Connection,
    readonly request: SipMessage,
    readonly key: string,
    private readonly onDone: (txn: InviteServerTxn) => void,
  ) {}

  get branch(): string {
    return this.key;
  }

  /** Build and send a response to the INVITE. */
  respond(status: number, reason: string, opts: ResponseOptions = {}): SipMessage {
    const res = buildResponse(this.request, status, reason, { toTag: this.toTag, ...opts });
    this.sendResponse(res);
    return res;
  }

  /** Send a response built elsewhere (a relayed response from the callee). */
  sendResponse(res: SipMessage): void {
    // After a final response only 2xx retransmissions (relayed from a callee) may follow.
    if (this.finalStatus >= 300) return;
    if (this.finalStatus >= 200) {
      if (res.status >= 200 && res.status < 300) this.core.send(this.conn, res);
      return;
    }
    this.lastResponse = res;
    if (this.record) {
      this.record.sentStatuses.push(res.status);
      if (res.status >= 200 && this.record.finalStatus === undefined) {
        this.record.finalStatus = res.status;
        this.record.finalReason = res.reason;
      }
    }
    this.core.send(this.conn, res);
    if (res.status >= 200) {
      this.finalStatus = res.status;
      this.onCancel = undefined;
      this.lingerTimer = setTimeout(() => this.onDone(this), TXN_LINGER_MS);
    }
  }

  dispose(): void {
    if (this.lingerTimer !== undefined) clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    this.onCancel = undefined;
  }
}
