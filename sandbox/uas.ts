// The test numbers: each incoming INVITE to one of them becomes a UasCall, a small user agent
// server with real media (werift) where media applies.
import type { Connection, CoreApi, InviteServerTxn } from './core.js';
import { MediaSession } from './media.js';
import { OUTCOMES } from './numbers.js';
import {
  isDtmfContentType,
  parseInfoDtmf,
  type CallRecord,
  type DtmfTransport,
} from './records.js';
import {
  SipMessage,
  newBranch,
  parseNameAddr,
  tagOf,
  type ResponseOptions,
} from './sip-message.js';

/** Wait for an ACK to our 2xx this long before hanging up (RFC 3261 Timer H / 64*T1). */
export const ACK_TIMEOUT_MS = 32_000;
const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, MESSAGE, UPDATE';
const RING_BEFORE_ANSWER_MS = 300;
const PROGRESS_180_MS = 500;
const PROGRESS_ANSWER_MS = 1500;
const OUTCOME_DELAY_MS = 100;
const MAX_DIGITS = 1000;

type State = 'early' | 'confirmed' | 'ended';

export class UasCall {
  state: State = 'early';
  private media: MediaSession | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private localCSeq = 1;
  private acked = false;
  private readonly remoteTarget: string;
  private readonly contact: string;

  constructor(
    private readonly core: CoreApi,
    readonly conn: Connection,
    readonly txn: InviteServerTxn,
    readonly number: string,
    readonly record: CallRecord,
  ) {
    const req = txn.request;
    let target = '';
    try {
      const contact = req.values('Contact')[0];
      target = parseNameAddr(contact ?? req.get('From') ?? '').uri;
    } catch {
      target = '';
    }
    this.remoteTarget = target;
    this.contact = `<sip:${number}@${core.sentBy};transport=ws>`;
    txn.onCancel = () => this.onCancel();
  }

  get callId(): string {
    return this.record.callId;
  }

  get localTag(): string {
    return this.txn.toTag;
  }

  /** Run the number's script. */
  start(): void {
    const outcome = OUTCOMES[this.number];
    if (outcome) {
      this.after(OUTCOME_DELAY_MS, () => {
        const headers: Array<[string, string]> =
          outcome.status === 503 ? [['Retry-After', '120']] : [];
        this.respond(outcome.status, outcome.reason, { headers });
        void this.end(`answered ${outcome.status} ${outcome.reason}`);
      });
      return;
    }
    switch (this.number) {
      case 'ring':
        this.respond(180, 'Ringing');
        return;
      case 'echo':
      case 'tone':
        void this.runAnswering(this.number);
        return;
      case 'echo-info':
        void this.runAnswering('echo');
        return;
      case 'early':
        void this.runEarly();
        return;
      case 'progress':
        void this.runProgress();
        return;
      default:
        this.respond(404, 'Not Found');
        void this.end('no such test number');
    }
  }

  private async runAnswering(kind: 'echo' | 'tone'): Promise<void> {
    const t0 = Date.now();
    this.respond(180, 'Ringing');
    const media = await this.prepareMedia();
    if (!media) return;
    await this.sleep(Math.max(0, RING_BEFORE_ANSWER_MS - (Date.now() - t0)));
    if (!this.answer()) return;
    if (kind === 'tone') media.setMode('tone', 440);
    else media.setMode('echo');
  }

  private async runEarly(): Promise<void> {
    this.respond(180, 'Ringing');
    const media = await this.prepareMedia();
    if (!media) return;
    this.respond(183, 'Session Progress', { body: media.localSdp });
    media.setMode('tone', 425);
    this.core.log(`${this.tag} early media: 425 Hz tone for ${this.core.earlyMediaMs} ms`);
    await this.sleep(this.core.earlyMediaMs);
    if (!this.answer()) return;
    media.setMode('echo');
  }

  private async runProgress(): Promise<void> {
    const t0 = Date.now();
    this.respond(183, 'Session Progress');
    const mediaPromise = this.prepareMedia();
    await this.sleep(PROGRESS_180_MS);
    if (this.state !== 'early') return;
    this.respond(180, 'Ringing');
    const media = await mediaPromise;
    if (!media) return;
    await this.sleep(Math.max(0, PROGRESS_ANSWER_MS - (Date.now() - t0)));
    if (!this.answer()) return;
    media.setMode('echo');
  }

  private get tag(): string {
    return `${this.number} call=${this.callId}`;
  }

  /** Create the media session answering the INVITE's offer; answers 415/488 on failure. */
  private async prepareMedia(): Promise<MediaSession | undefined> {
    const req = this.txn.request;
    const type = (req.get('Content-Type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (req.body.length === 0) {
      this.respond(488, 'Not Acceptable Here', {
        headers: [['Warning', `399 ${this.core.sentBy} "An SDP offer is required"`]],
      });
      void this.end('INVITE without SDP offer');
      return undefined;
    }
    if (type !== 'application/sdp') {
      this.respond(415, 'Unsupported Media Type', { headers: [['Accept', 'application/sdp']] });
      void this.end(`unsupported body type ${type}`);
      return undefined;
    }
    let media: MediaSession;
    try {
      media = await MediaSession.answer(req.body, {
        mediaAddress: this.core.mediaAddress,
        noTelephoneEvent: this.number === 'echo-info',
        onDigit: (d) => this.onDigit(d, 'rfc4733'),
        onFailed: (reason) => this.hangUp(reason),
      });
    } catch (err) {
      if (this.state === 'early') {
        this.respond(488, 'Not Acceptable Here');
        void this.end(`unusable offer: ${(err as Error).message}`);
      }
      return undefined;
    }
    if (this.state === 'ended') {
      await media.close();
      return undefined;
    }
    this.media = media;
    this.core.log(`${this.tag} media ready (${media.codec}, ICE on ${this.core.mediaAddress})`);
    return media;
  }

  private respond(status: number, reason: string, opts: ResponseOptions = {}): void {
    if (this.state === 'ended' || this.txn.finalStatus !== 0) return;
    const headers: Array<readonly [string, string]> = [...(opts.headers ?? [])];
    if (status > 100 && status < 300) headers.push(['Contact', this.contact]);
    if (status >= 200 && status < 300) headers.push(['Allow', ALLOW]);
    this.txn.respond(status, reason, { ...opts, headers });
  }

  /** Send the 200 OK with our SDP; false when the call is no longer early. */
  private answer(): boolean {
    const media = this.media;
    if (this.state !== 'early' || !media || this.txn.finalStatus !== 0) return false;
    this.respond(200, 'OK', { body: media.localSdp });
    this.state = 'confirmed';
    this.record.answeredAt = new Date().toISOString();
    const wait = this.core.ackTimeoutMs;
    this.after(wait, () => {
      if (!this.acked) this.hangUp(`no ACK within ${wait} ms`);
    });
    return true;
  }

  private onCancel(): void {
    if (this.state !== 'early') return;
    this.record.sawCancel = true;
    this.respond(487, 'Request Terminated');
    void this.end('cancelled by the caller');
  }

  onAck(_ack: SipMessage): void {
    this.acked = true;
  }

  /** A re-INVITE in this dialog (hold / resume). */
  onReinvite(txn: InviteServerTxn): void {
    const req = txn.request;
    const media = this.media;
    if (this.state !== 'confirmed' || !media) {
      txn.respond(491, 'Request Pending');
      return;
    }
    const headers: Array<[string, string]> = [
      ['Contact', this.contact],
      ['Allow', ALLOW],
    ];
    if (req.body.length === 0) {
      txn.respond(200, 'OK', { headers, body: media.localSdp });
      return;
    }
    const answer = this.answerOffer(req);
    if (answer === undefined) {
      txn.respond(488, 'Not Acceptable Here');
      return;
    }
    txn.respond(200, 'OK', { headers, body: answer });
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
    const dir = /^a=(sendrecv|sendonly|recvonly|inactive)\r?$/m.exec(answer)?.[1] ?? 'sendrecv';
    this.core.log(`${this.tag} re-offer answered: ${dir}`);
    return answer;
  }

  /** An in-dialog request other than INVITE / ACK / CANCEL. */
  onRequest(req: SipMessage): void {
    switch (req.method) {
      case 'BYE':
        this.core.reply(this.conn, req, 200, 'OK');
        void this.end('BYE from the caller');
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
        this.core.reply(this.conn, req, 200, 'OK', { headers: [['Allow', ALLOW]] });
        return;
      default:
        this.core.reply(this.conn, req, 405, 'Method Not Allowed', { headers: [['Allow', ALLOW]] });
    }
  }

  /** Whether an in-dialog request's To tag is ours. */
  matches(req: SipMessage): boolean {
    return tagOf(req.get('To')) === this.localTag;
  }

  private onDigit(d: { digit: string; durationMs: number | null }, transport: DtmfTransport) {
    if (this.record.dtmf.length >= MAX_DIGITS) return;
    this.record.dtmf.push({ ...d, transport, at: new Date().toISOString() });
    const ms = d.durationMs === null ? 'no duration' : `${d.durationMs} ms`;
    this.core.log(`${this.tag} DTMF ${d.digit} (${ms}, ${transport})`);
  }

  /** End the call from our side: BYE when confirmed, 480 while still early. */
  hangUp(reason: string): void {
    if (this.state === 'ended') return;
    if (this.state === 'confirmed') this.sendBye();
    else this.respond(480, 'Temporarily Unavailable');
    void this.end(reason);
  }

  private sendBye(): void {
    const inv = this.txn.request;
    const to = inv.get('To') ?? '';
    const bye = new SipMessage();
    bye.method = 'BYE';
    bye.uri = this.remoteTarget;
    bye.append('Via', `SIP/2.0/WS ${this.core.sentBy};branch=${newBranch()}`);
    bye.append('Max-Forwards', '70');
    bye.append('From', tagOf(to) === undefined ? `${to};tag=${this.localTag}` : to);
    bye.append('To', inv.get('From') ?? '');
    bye.append('Call-ID', this.callId);
    bye.append('CSeq', `${this.localCSeq++} BYE`);
    this.core.send(this.conn, bye);
  }

  /** Copy live RTP counters into the record. */
  syncStats(): void {
    if (this.media) {
      this.record.rtp.packetsIn = this.media.packetsIn;
      this.record.rtp.packetsOut = this.media.packetsOut;
    }
  }

  /** Release everything; idempotent. */
  end(reason: string): Promise<void> {
    if (this.state === 'ended') return Promise.resolve();
    this.state = 'ended';
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.txn.onCancel = undefined;
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
    return media ? media.close() : Promise.resolve();
  }

  /** Hang up for a server shutdown. */
  shutdown(): Promise<void> {
    if (this.state === 'confirmed') this.sendBye();
    return this.end('sandbox shut down');
  }

  private after(ms: number, fn: () => void): void {
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
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.after(ms, resolve));
  }
}
