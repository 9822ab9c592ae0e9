// What every call the sandbox takes part in as a user agent has in common: the test numbers
// (UasCall, uas.ts) and the calls it places to registered users (UacCall, uac.ts). One dialog,
// one werift media session, in-dialog requests (BYE, re-INVITE, UPDATE, INFO, ...), DTMF and
// RTP counters in the call record, timers that die with the call.
import type { Connection, CoreApi, InviteServerTxn } from './core.js';
import { offerDirection, type MediaSession } from './media.js';
import {
  isDtmfContentType,
  parseInfoDtmf,
  type CallRecord,
  type DtmfTransport,
  type ReinviteRecord,
} from './records.js';
import { SipMessage, newBranch, type ResponseOptions } from './sip-message.js';
import { tagOf } from './sip-grammar.js';

/** Methods a sandbox user agent accepts in a dialog. */
export const UA_ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, MESSAGE, UPDATE';
const MAX_DIGITS = 1000;
const MAX_REINVITES = 1000;

/** `calling`: INVITE sent, nothing heard yet (outbound calls only). */
export type CallState = 'calling' | 'early' | 'confirmed' | 'ended';

/** A final response a call answers a re-INVITE with instead of handling its offer. */
export interface ReinviteVerdict {
  status: number;
  reason: string;
  /** Why, for the log and a Warning header. */
  why: string;
}

export abstract class DialogCall {
  state: CallState = 'early';
  protected media: MediaSession | undefined;
  protected readonly timers = new Set<NodeJS.Timeout>();
  protected localCSeq = 1;
  /** Where our in-dialog requests go (the peer's Contact URI). */
  protected remoteTarget = '';
  /** Route header values for our in-dialog requests (the dialog's route set). */
  protected routeSet: string[] = [];
  /** From / To header values of our in-dialog requests (with tags). */
  protected localParty = '';
  protected remoteParty = '';
  /** The number of re-INVITEs received so far. */
  protected reinviteCount = 0;
  private ending: Promise<void> | undefined;
  /** Our Contact header value. */
  readonly contact: string;

  constructor(
    protected readonly core: CoreApi,
    readonly conn: Connection,
    readonly record: CallRecord,
    contactUser: string,
    /** The other party, in log lines and end reasons: 'caller' or 'callee'. */
    protected readonly peerRole: string,
  ) {
    this.contact = `<sip:${contactUser}@${core.sentBy};transport=ws>`;
  }

  get callId(): string {
    return this.record.callId;
  }

  /** Our tag in the dialog. */
  abstract get localTag(): string;

  /** The peer's tag (undefined before an outbound call is answered). */
  get remoteTag(): string | undefined {
    return tagOf(this.remoteParty);
  }

  /** A short label for log lines. */
  protected abstract get tag(): string;

  /** Whether an in-dialog request's To tag is ours. */
  matches(req: SipMessage): boolean {
    return tagOf(req.get('To')) === this.localTag;
  }

  /** An ACK in this dialog. */
  onAck(_ack: SipMessage): void {}

  /** A response to one of our requests in this call (outbound calls act on it). */
  onResponse(_res: SipMessage): void {}

  /** End the call from our side (BYE once confirmed; what fits before that). */
  abstract hangUp(reason: string): Promise<void>;

  /** The peer's WebSocket closed. */
  connectionClosed(): void {
    void this.end(`${this.peerRole} connection closed`);
  }

  /** Override to refuse a re-INVITE (hold test numbers). Called once per re-INVITE. */
  protected reinviteVerdict(_count: number): ReinviteVerdict | undefined {
    return undefined;
  }

  /** A re-INVITE in this dialog (hold / resume); recorded in `record.reinvites`. */
  onReinvite(txn: InviteServerTxn): void {
    const req = txn.request;
    const entry: ReinviteRecord = {
      direction: req.body.length > 0 ? offerDirection(req.body) : null,
      status: 0,
      at: new Date().toISOString(),
    };
    if (this.record.reinvites.length < MAX_REINVITES) this.record.reinvites.push(entry);
    const respond = (status: number, reason: string, opts: ResponseOptions = {}) => {
      entry.status = status;
      txn.respond(status, reason, opts);
    };
    const media = this.media;
    if (this.state !== 'confirmed' || !media) {
      respond(491, 'Request Pending');
      return;
    }
    this.reinviteCount++;
    const verdict = this.reinviteVerdict(this.reinviteCount);
    if (verdict) {
      this.core.log(
        `${this.tag} re-INVITE ${this.reinviteCount}: ${verdict.status} (${verdict.why})`,
      );
      const text = verdict.why.replace(/["\\\r\n]/g, ' ');
      respond(verdict.status, verdict.reason, {
        headers: [['Warning', `399 ${this.core.sentBy} "${text}"`]],
      });
      return;
    }
    const headers: Array<[string, string]> = [
      ['Contact', this.contact],
      ['Allow', UA_ALLOW],
    ];
    if (req.body.length === 0) {
      respond(200, 'OK', { headers, body: media.localSdp });
      return;
    }
    const answer = this.answerOffer(req);
    if (answer === undefined) {
      respond(488, 'Not Acceptable Here');
      return;
    }
    respond(200, 'OK', { headers, body: answer });
  }

  private answerOffer(req: SipMessage): string | undefined {
    const media = this.media;
    if (!media) return undefined;
    const type = (req.get('Content-Type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/sdp') return undefined;
    const answer = media.answerReoffer(req.body);
    if (answer === undefined) {
      this.core.log(`${this.tag} re-offer refused (ICE restart or no audio)`);
      return undefined;
    }
    this.core.log(`${this.tag} re-offer answered: ${offerDirection(answer)}`);
    return answer;
  }

  /** An in-dialog request other than INVITE / ACK / CANCEL. */
  onRequest(req: SipMessage): void {
    switch (req.method) {
      case 'BYE':
        this.core.reply(this.conn, req, 200, 'OK');
        void this.end(`BYE from the ${this.peerRole}`);
        return;
      case 'UPDATE': {
        if (req.body.length === 0) {
          this.core.reply(this.conn, req, 200, 'OK', { headers: [['Contact', this.contact]] });
          return;
        }
        const answer = this.answerOffer(req);
        if (answer === undefined) this.core.reply(this.conn, req, 488, 'Not Acceptable Here');
        else {
          this.core.reply(this.conn, req, 200, 'OK', {
            headers: [['Contact', this.contact]],
            body: answer,
          });
        }
        return;
      }
      case 'INFO': {
        const type = req.get('Content-Type');
        if (req.body.length === 0) {
          this.core.reply(this.conn, req, 200, 'OK');
          return;
        }
        if (!isDtmfContentType(type)) {
          this.core.reply(this.conn, req, 415, 'Unsupported Media Type', {
            headers: [['Accept', 'application/dtmf-relay, application/dtmf']],
          });
          return;
        }
        const digit = parseInfoDtmf(type ?? '', req.body);
        if (!digit) {
          this.core.reply(this.conn, req, 400, 'Bad Request', {
            headers: [['Warning', `399 ${this.core.sentBy} "Unreadable DTMF body"`]],
          });
          return;
        }
        this.onDigit(digit, 'info');
        this.core.reply(this.conn, req, 200, 'OK');
        return;
      }
      case 'MESSAGE':
      case 'OPTIONS':
        this.core.reply(this.conn, req, 200, 'OK', { headers: [['Allow', UA_ALLOW]] });
        return;
      default:
        this.core.reply(this.conn, req, 405, 'Method Not Allowed', {
          headers: [['Allow', UA_ALLOW]],
        });
    }
  }

  protected onDigit(d: { digit: string; durationMs: number | null }, transport: DtmfTransport) {
    if (this.record.dtmf.length >= MAX_DIGITS) return;
    this.record.dtmf.push({ ...d, transport, at: new Date().toISOString() });
    const ms = d.durationMs === null ? 'no duration' : `${d.durationMs} ms`;
    this.core.log(`${this.tag} DTMF ${d.digit} (${ms}, ${transport})`);
  }

  /** A request in the dialog, not sent: to the remote target, along the route set. */
  protected inDialogRequest(method: string, cseq: number): SipMessage {
    const m = new SipMessage();
    m.method = method;
    m.uri = this.remoteTarget;
    m.append('Via', `SIP/2.0/WS ${this.core.sentBy};branch=${newBranch()}`);
    m.append('Max-Forwards', '70');
    for (const r of this.routeSet) m.append('Route', r);
    m.append('From', this.localParty);
    m.append('To', this.remoteParty);
    m.append('Call-ID', this.callId);
    m.append('CSeq', `${cseq} ${method}`);
    return m;
  }

  /** Send a request in the dialog (BYE, ...). */
  protected sendInDialog(method: string): SipMessage {
    const m = this.inDialogRequest(method, this.localCSeq++);
    this.sent(m);
    return m;
  }

  /** Send a request of ours on the call's connection and note its method in the record. */
  protected sent(m: SipMessage): void {
    this.record.sentMethods.push(m.method);
    this.core.send(this.conn, m);
  }

  /** Copy live RTP counters into the record. */
  syncStats(): void {
    if (this.media) {
      this.record.rtp.packetsIn = this.media.packetsIn;
      this.record.rtp.packetsOut = this.media.packetsOut;
    }
  }

  /** Release everything; idempotent (later calls return the first call's promise). */
  end(reason: string): Promise<void> {
    if (this.state === 'ended') return this.ending ?? Promise.resolve();
    this.state = 'ended';
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.onEnd();
    this.syncStats();
    this.record.endedAt = new Date().toISOString();
    this.record.endReason = reason;
    this.core.callEnded(this.callId);
    const r = this.record.rtp;
    this.core.log(
      `${this.tag} ended: ${reason} (rtp in ${r.packetsIn}, out ${r.packetsOut}, dtmf ${this.record.dtmf.length})`,
    );
    const media = this.media;
    this.media = undefined;
    this.ending = media ? media.close() : Promise.resolve();
    return this.ending;
  }

  /** Subclass clean-up when the call ends. */
  protected onEnd(): void {}

  /** Hang up for a server shutdown. */
  shutdown(): Promise<void> {
    return this.hangUp('sandbox shut down');
  }

  protected after(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (this.state === 'ended') return;
      try {
        fn();
      } catch (err) {
        this.core.log(`${this.tag} error: ${(err as Error).message}`);
      }
    }, ms);
    this.timers.add(t);
  }

  /** Resolves after `ms` unless the call ends first (then it never resolves). */
  protected sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.after(ms, resolve));
  }
}
