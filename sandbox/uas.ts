// The test numbers: each incoming INVITE to one of them becomes a UasCall, a small user agent
// server with real media (werift) where media applies.
import { DialogCall, UA_ALLOW, type ReinviteVerdict } from './dialog-call.js';
import type { Connection, CoreApi, InviteServerTxn } from './core.js';
import { MediaSession } from './media.js';
import { OUTCOMES } from './numbers.js';
import type { CallRecord } from './records.js';
import { type ResponseOptions } from './sip-message.js';
import { parseNameAddr, tagOf } from './sip-grammar.js';

/** Wait for an ACK to our 2xx this long before hanging up (RFC 3261 Timer H / 64*T1). */
export const ACK_TIMEOUT_MS = 32_000;
const RING_BEFORE_ANSWER_MS = 300;
const PROGRESS_180_MS = 500;
const PROGRESS_ANSWER_MS = 1500;
const OUTCOME_DELAY_MS = 100;
const BEEP_MS = 300;
const BEEP_GAP_MS = 300;
/** A message counts once this many RTP packets of it arrived (about half a second). */
const MESSAGE_MIN_PACKETS = 25;

/** What a voicemail call does: play the owner's messages, or record one for them. */
export interface VoicemailScript {
  kind: 'listen' | 'record';
  /** The owner heard their messages / a message was recorded. */
  done(): void;
}

export class UasCall extends DialogCall {
  private acked = false;

  constructor(
    core: CoreApi,
    conn: Connection,
    readonly txn: InviteServerTxn,
    readonly number: string,
    record: CallRecord,
    /** The call this one replaces (an INVITE with Replaces): hung up once this one answers. */
    private readonly replaces?: DialogCall,
    /** For `voicemail` and `voicemail-<user>`: what the mailbox does. */
    private readonly voicemail?: VoicemailScript,
  ) {
    super(core, conn, record, number, 'caller');
    const req = txn.request;
    let target = '';
    try {
      const contact = req.values('Contact')[0];
      target = parseNameAddr(contact ?? req.get('From') ?? '').uri;
    } catch {
      target = '';
    }
    this.remoteTarget = target;
    const to = req.get('To') ?? '';
    this.localParty = tagOf(to) === undefined ? `${to};tag=${txn.toTag}` : to;
    this.remoteParty = req.get('From') ?? '';
    txn.onCancel = () => this.onCancel();
  }

  get localTag(): string {
    return this.txn.toTag;
  }

  /** Run the number's script. */
  start(): void {
    if (this.voicemail) {
      void this.runVoicemail(this.voicemail);
      return;
    }
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
      case 'hold-491':
      case 'hold-fail':
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

  /** Answer, beep, then: listening, the messages count as heard; recording, wait for the BYE. */
  private async runVoicemail(script: VoicemailScript): Promise<void> {
    this.respond(180, 'Ringing');
    const media = await this.prepareMedia();
    if (!media) return;
    if (!this.answer()) return;
    media.setMode('tone', 880);
    await this.sleep(BEEP_MS);
    media.setMode('silence');
    if (script.kind === 'listen') {
      await this.sleep(BEEP_GAP_MS);
      if (this.state === 'confirmed') script.done();
      return;
    }
    const packetsAtBeep = media.packetsIn;
    this.recording = () => {
      if (media.packetsIn - packetsAtBeep >= MESSAGE_MIN_PACKETS) script.done();
      else this.core.log(`${this.tag} hung up before saying anything: no message`);
    };
  }

  /** Set while a voicemail records: run when the call ends. */
  private recording: (() => void) | undefined;

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

  protected get tag(): string {
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
        impairment: this.core.impairment,
        noTelephoneEvent: this.number === 'echo-info',
        onDigit: (d) => this.onDigit(d, 'rfc4733'),
        onFailed: (reason) => void this.hangUp(reason),
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
    if (status >= 200 && status < 300) headers.push(['Allow', UA_ALLOW]);
    this.txn.respond(status, reason, { ...opts, headers });
  }

  /** Send the 200 OK with our SDP; false when the call is no longer early. */
  private answer(): boolean {
    const media = this.media;
    if (this.state !== 'early' || !media || this.txn.finalStatus !== 0) return false;
    this.respond(200, 'OK', { body: media.localSdp });
    this.state = 'confirmed';
    this.record.answeredAt = new Date().toISOString();
    if (this.replaces && this.replaces.state !== 'ended') {
      void this.replaces.hangUp(`replaced by call ${this.callId}`);
    }
    const wait = this.core.ackTimeoutMs;
    this.after(wait, () => {
      if (!this.acked) void this.hangUp(`no ACK within ${wait} ms`);
    });
    return true;
  }

  private onCancel(): void {
    if (this.state !== 'early') return;
    this.record.sawCancel = true;
    this.respond(487, 'Request Terminated');
    void this.end('cancelled by the caller');
  }

  override onAck(): void {
    this.acked = true;
  }

  /** `hold-491` answers the first re-INVITE 491, `hold-fail` every re-INVITE 488. */
  protected override reinviteVerdict(count: number): ReinviteVerdict | undefined {
    if (this.number === 'hold-fail') {
      return {
        status: 488,
        reason: 'Not Acceptable Here',
        why: 'hold-fail refuses every re-INVITE',
      };
    }
    if (this.number === 'hold-491' && count === 1) {
      return {
        status: 491,
        reason: 'Request Pending',
        why: 'hold-491 answers the first re-INVITE 491',
      };
    }
    return undefined;
  }

  /** End the call from our side: BYE when confirmed, 480 while still early. */
  hangUp(reason: string): Promise<void> {
    if (this.state === 'ended') return this.end(reason);
    if (this.state === 'confirmed') this.sendInDialog('BYE');
    else this.respond(480, 'Temporarily Unavailable');
    return this.end(reason);
  }

  protected override onEnd(): void {
    this.txn.onCancel = undefined;
    const recorded = this.recording;
    this.recording = undefined;
    recorded?.();
  }
}
