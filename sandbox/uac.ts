// Calls the sandbox places to a registered user (POST /api/calls/outbound): a small user agent
// client with a real werift offer. INVITE to the user's registered WebSocket; 1xx noted; 2xx
// ACKed and the answer applied (then a tone or an echo); 3xx-6xx ACKed; CANCEL when nobody
// answers in time or the API asks before the answer, BYE after it.
import { DialogCall } from './dialog-call.js';
import type { Connection, CoreApi } from './core.js';
import { MediaSession, offerCodecs } from './media.js';
import type { CallRecord } from './records.js';
import { SipMessage, newBranch, randomToken } from './sip-message.js';
import { parseCSeq, parseNameAddr, parseVia } from './sip-grammar.js';

/** After a CANCEL (or a decision to send one), wait this long for the INVITE's final response. */
export const CANCEL_WAIT_MS = 5000;
export const DEFAULT_ANSWER_TIMEOUT_MS = 30_000;
export const MAX_ANSWER_TIMEOUT_MS = 600_000;
export const DEFAULT_OUTBOUND_FROM = 'support';
export const MAX_DISPLAY_NAME_CHARS = 256;

export type OutboundMedia = 'tone' | 'echo';

/** Headers a test may add to the INVITE: the ones that ask a phone to answer by itself. */
export const OUTBOUND_HEADER_NAMES = ['Call-Info', 'Alert-Info'] as const;
export type OutboundHeaderName = (typeof OUTBOUND_HEADER_NAMES)[number];
export const MAX_OUTBOUND_HEADERS = 4;
export const MAX_OUTBOUND_HEADER_CHARS = 512;

/** One extra INVITE header: a name from {@link OUTBOUND_HEADER_NAMES}, a one-line value. */
export interface OutboundHeader {
  name: OutboundHeaderName;
  value: string;
}

export interface OutboundCallOptions {
  /** The sandbox user called. */
  to: string;
  /** The user part of our From URI. */
  from: string;
  /** Sent as a quoted display name in From (any text but CR / LF). */
  displayName?: string;
  /** What the callee hears once it answers: a 440 Hz tone, or its own audio back. */
  media: OutboundMedia;
  /** CANCEL when the call is not answered within this many ms. */
  answerTimeoutMs: number;
  /** Extra INVITE headers (auto-answer tests): Call-Info and Alert-Info only, values as given. */
  headers?: OutboundHeader[];
}

/**
 * A display name as a SIP quoted-string (RFC 3261 §25.1): `"` and `\` escaped, other control
 * characters (CR and LF excepted: refuse those before) as quoted-pairs, text as UTF-8. The result
 * is a latin1 string (one character per byte), as the sandbox's messages are.
 */
export function quoteDisplayName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const escaped = name.replace(/["\\\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, (c) => `\\${c}`);
  return `"${Buffer.from(escaped, 'utf8').toString('latin1')}"`;
}

export class UacCall extends DialogCall {
  private readonly fromTag = randomToken(5);
  private readonly inviteBranch = newBranch();
  private invite: SipMessage | undefined;
  private ack: SipMessage | undefined;
  /** Set once we decided to cancel (API, no answer in time): the end reason to record. */
  private cancelReason: string | undefined;
  private cancelSent = false;
  private finalSeen = false;

  constructor(
    core: CoreApi,
    conn: Connection,
    record: CallRecord,
    readonly id: string,
    private readonly opts: OutboundCallOptions,
    /** Request-URI: the user's registered Contact. */
    private readonly requestUri: string,
  ) {
    super(core, conn, record, opts.from, 'callee');
    this.state = 'calling';
    const display = opts.displayName !== undefined ? `${quoteDisplayName(opts.displayName)} ` : '';
    this.localParty = `${display}<sip:${opts.from}@${core.domain}>;tag=${this.fromTag}`;
    this.remoteTarget = requestUri;
  }

  get localTag(): string {
    return this.fromTag;
  }

  protected get tag(): string {
    return `outbound ${this.id} to ${this.opts.to} call=${this.callId}`;
  }

  /** Make the offer and send the INVITE. Throws when no offer could be made. */
  async start(): Promise<void> {
    const media = await MediaSession.offer({
      mediaAddress: this.core.mediaAddress,
      impairment: this.core.impairment,
      onDigit: (d) => this.onDigit(d, 'rfc4733'),
      onFailed: (reason) => void this.hangUp(reason),
    });
    if (this.state === 'ended') {
      await media.close();
      return;
    }
    this.media = media;
    this.record.offer = { codecs: offerCodecs(media.localSdp), sdp: media.localSdp };
    const inv = new SipMessage();
    inv.method = 'INVITE';
    inv.uri = this.requestUri;
    inv.append('Via', `SIP/2.0/WS ${this.core.sentBy};branch=${this.inviteBranch}`);
    inv.append('Max-Forwards', '70');
    inv.append('From', this.localParty);
    inv.append('To', `<sip:${this.opts.to}@${this.core.domain}>`);
    inv.append('Call-ID', this.callId);
    inv.append('CSeq', '1 INVITE');
    inv.append('Contact', this.contact);
    inv.append('Allow', 'INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, MESSAGE, UPDATE');
    inv.append('User-Agent', 'sip-phone-sandbox');
    // Validated by parseOutboundRequest: a known name, one line; text as UTF-8 (latin1 per byte).
    for (const header of this.opts.headers ?? []) {
      inv.append(header.name, Buffer.from(header.value, 'utf8').toString('latin1'));
    }
    inv.append('Content-Type', 'application/sdp');
    inv.body = media.localSdp;
    this.invite = inv;
    this.localCSeq = 2;
    this.sent(inv);
    const wait = this.opts.answerTimeoutMs;
    this.after(wait, () => {
      if (this.state === 'calling' || this.state === 'early') {
        this.cancel(`no answer within ${wait} ms`);
      }
    });
  }

  override onResponse(res: SipMessage): void {
    let seq: number;
    let method: string;
    let branch: string | undefined;
    try {
      ({ seq, method } = parseCSeq(res.get('CSeq') ?? ''));
      branch = parseVia(res.values('Via')[0] ?? '').branch;
    } catch {
      return;
    }
    // Responses to our BYE / CANCEL need nothing further.
    if (method !== 'INVITE' || seq !== 1 || branch !== this.inviteBranch || !this.invite) return;
    if (res.status < 200) this.onProvisional(res);
    else if (res.status < 300) this.on2xx(res);
    else this.onFailure(res);
  }

  private onProvisional(res: SipMessage): void {
    if (this.state === 'ended' || this.finalSeen) return;
    this.record.receivedStatuses.push(res.status);
    if (this.state === 'calling') this.state = 'early';
    // RFC 3261 §9.1: a CANCEL waits for a provisional response.
    if (this.cancelReason !== undefined && !this.cancelSent) this.sendCancel();
  }

  private on2xx(res: SipMessage): void {
    if (this.finalSeen) {
      // A retransmission of the 2xx (our ACK got lost or crossed it): ACK again.
      if (this.ack) this.sent(this.ack);
      return;
    }
    this.finalSeen = true;
    this.noteFinal(res);
    this.remoteParty = res.get('To') ?? '';
    try {
      const contact = res.values('Contact')[0];
      if (contact !== undefined) this.remoteTarget = parseNameAddr(contact).uri;
    } catch {
      // Keep the Request-URI as the target.
    }
    this.routeSet = res.values('Record-Route').reverse();
    const ack = this.buildAck();
    this.ack = ack;
    this.sent(ack);
    if (this.state === 'ended' || this.cancelReason !== undefined) {
      // Answered although we gave up on it (CANCEL crossed the 200): hang up right away.
      this.sendInDialog('BYE');
      const why = `${this.cancelReason ?? 'call already ended'}; answered anyway, hung up`;
      if (this.state === 'ended') this.record.endReason = why;
      else void this.end(why);
      return;
    }
    const media = this.media;
    if (!media || res.body.length === 0) {
      this.sendInDialog('BYE');
      void this.end(media ? 'the 200 OK had no SDP answer' : 'no media session');
      return;
    }
    this.state = 'confirmed';
    this.record.answeredAt = new Date().toISOString();
    media.acceptAnswer(res.body).then(
      () => {
        if (this.state !== 'confirmed') return;
        if (this.opts.media === 'tone') media.setMode('tone', 440);
        else media.setMode('echo');
        this.core.log(`${this.tag} answered (${media.codec}); playing ${this.opts.media}`);
      },
      (err: unknown) => {
        if (this.state !== 'confirmed') return;
        this.sendInDialog('BYE');
        void this.end(`unusable SDP answer: ${(err as Error).message}`);
      },
    );
  }

  private onFailure(res: SipMessage): void {
    // Every non-2xx final response is ACKed (hop by hop: same branch as the INVITE).
    this.sent(this.buildNon2xxAck(res));
    if (this.finalSeen) return;
    this.finalSeen = true;
    this.noteFinal(res);
    const reason =
      res.status === 487 && this.cancelReason !== undefined
        ? this.cancelReason
        : `callee answered ${res.status} ${res.reason}`;
    if (this.state === 'ended') return;
    void this.end(reason);
  }

  private noteFinal(res: SipMessage): void {
    this.record.receivedStatuses.push(res.status);
    this.record.finalStatus ??= res.status;
    this.record.finalReason ??= res.reason;
  }

  /** Give up on the unanswered call: CANCEL now, or once a provisional response arrives. */
  private cancel(reason: string): void {
    if (this.cancelReason !== undefined) return;
    this.cancelReason = reason;
    this.core.log(`${this.tag} cancelling: ${reason}`);
    if (this.state === 'early') this.sendCancel();
    this.after(CANCEL_WAIT_MS, () => {
      if (!this.finalSeen) void this.end(`${reason}; no final response to the CANCEL`);
    });
  }

  private sendCancel(): void {
    const inv = this.invite;
    if (!inv || this.cancelSent) return;
    this.cancelSent = true;
    const m = this.hopRequest('CANCEL', inv.get('To') ?? '');
    this.sent(m);
  }

  private buildNon2xxAck(res: SipMessage): SipMessage {
    return this.hopRequest('ACK', res.get('To') ?? '');
  }

  /** ACK / CANCEL of the INVITE transaction: same Via branch, Request-URI, From, Call-ID. */
  private hopRequest(method: 'ACK' | 'CANCEL', to: string): SipMessage {
    const m = new SipMessage();
    m.method = method;
    m.uri = this.requestUri;
    m.append('Via', `SIP/2.0/WS ${this.core.sentBy};branch=${this.inviteBranch}`);
    m.append('Max-Forwards', '70');
    m.append('From', this.localParty);
    m.append('To', to);
    m.append('Call-ID', this.callId);
    m.append('CSeq', `1 ${method}`);
    return m;
  }

  /** The ACK of a 2xx: a request in the dialog, with CSeq 1 (RFC 3261 §13.2.2.4). */
  private buildAck(): SipMessage {
    return this.inDialogRequest('ACK', 1);
  }

  /**
   * Hang up from the API or on a media failure: BYE once answered, CANCEL before (the call ends
   * when the final response to the INVITE arrives, or CANCEL_WAIT_MS later).
   */
  hangUp(reason: string): Promise<void> {
    if (this.state === 'confirmed') {
      this.sendInDialog('BYE');
      return this.end(reason);
    }
    if (this.state === 'calling' || this.state === 'early') this.cancel(reason);
    return Promise.resolve();
  }

  /** What a DELETE does now: 'cancel', 'bye', or 'none' (already ended or cancelling). */
  hangUpAction(): 'cancel' | 'bye' | 'none' {
    if (this.state === 'confirmed') return 'bye';
    if ((this.state === 'calling' || this.state === 'early') && this.cancelReason === undefined) {
      return 'cancel';
    }
    return 'none';
  }

  override shutdown(): Promise<void> {
    if (this.state === 'confirmed') this.sendInDialog('BYE');
    else if (this.state === 'early') this.sendCancel();
    return this.end('sandbox shut down');
  }
}

export type OutboundParse =
  { ok: true; options: OutboundCallOptions } | { ok: false; status: 400 | 404; error: string };

const OUTBOUND_KEYS = new Set(['to', 'from', 'displayName', 'media', 'answerTimeoutMs', 'headers']);

/**
 * The `headers` field: at most {@link MAX_OUTBOUND_HEADERS} `{ name, value }` objects, `name`
 * Call-Info or Alert-Info (any case), `value` 1 to {@link MAX_OUTBOUND_HEADER_CHARS} characters
 * without control characters other than tab — no CR or LF, so no header can be injected. Hostile
 * but well-formed text (markup, bidi controls, garbage parameters) goes through as given: it is
 * what the tests send at the phone.
 */
export function parseOutboundHeaders(
  value: unknown,
): { ok: true; headers: OutboundHeader[] } | { ok: false; error: string } {
  const bad = (error: string) => ({ ok: false as const, error });
  if (!Array.isArray(value)) return bad('"headers" must be a list of { name, value }');
  if (value.length > MAX_OUTBOUND_HEADERS) {
    return bad(`"headers" takes at most ${MAX_OUTBOUND_HEADERS} headers`);
  }
  const headers: OutboundHeader[] = [];
  for (const entry of value as unknown[]) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      return bad('each header must be an object { name, value }');
    }
    const keys = Object.keys(entry);
    if (keys.some((k) => k !== 'name' && k !== 'value')) {
      return bad('a header has only "name" and "value"');
    }
    const { name, value: text } = entry as { name?: unknown; value?: unknown };
    const known = OUTBOUND_HEADER_NAMES.find(
      (n) => typeof name === 'string' && n.toLowerCase() === name.toLowerCase(),
    );
    if (!known) return bad(`a header name must be one of ${OUTBOUND_HEADER_NAMES.join(', ')}`);
    if (typeof text !== 'string' || text.length === 0) {
      return bad('a header value must be a non-empty string');
    }
    if (/[\r\n]/.test(text)) return bad('a header value must not contain CR or LF');
    // eslint-disable-next-line no-control-regex
    if (/[\x00-\x08\x0b-\x1f\x7f]/.test(text)) {
      return bad('a header value must not contain control characters');
    }
    if (text.length > MAX_OUTBOUND_HEADER_CHARS) {
      return bad(`a header value is longer than ${MAX_OUTBOUND_HEADER_CHARS} characters`);
    }
    headers.push({ name: known, value: text });
  }
  return { ok: true, headers };
}

/**
 * Validate the JSON body of POST /api/calls/outbound:
 * `{ to, from?, displayName?, media?, answerTimeoutMs?, headers? }`. 404 when `to` is not a sandbox user.
 */
export function parseOutboundRequest(
  body: unknown,
  isUser: (user: string) => boolean,
  userRe: RegExp,
): OutboundParse {
  const bad = (error: string): OutboundParse => ({ ok: false, status: 400, error });
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return bad(
      'expected a JSON object { to, from?, displayName?, media?, answerTimeoutMs?, headers? }',
    );
  }
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).filter((k) => !OUTBOUND_KEYS.has(k));
  if (unknown.length > 0) return bad(`unknown field(s): ${unknown.join(', ')}`);
  if (typeof b['to'] !== 'string' || !userRe.test(b['to'])) {
    return bad('"to" must be the name of a sandbox user, e.g. "alice"');
  }
  const to = b['to'];
  if (!isUser(to)) return { ok: false, status: 404, error: `no sandbox user "${to}"` };
  const from = b['from'] ?? DEFAULT_OUTBOUND_FROM;
  if (typeof from !== 'string' || !userRe.test(from)) {
    return bad('"from" must be a SIP user part (letters, digits, . _ ~ -; at most 64)');
  }
  const displayName = b['displayName'];
  if (displayName !== undefined) {
    if (typeof displayName !== 'string') return bad('"displayName" must be a string');
    if (/[\r\n]/.test(displayName)) return bad('"displayName" must not contain CR or LF');
    if (displayName.length > MAX_DISPLAY_NAME_CHARS) {
      return bad(`"displayName" is longer than ${MAX_DISPLAY_NAME_CHARS} characters`);
    }
  }
  const media = b['media'] ?? 'tone';
  if (media !== 'tone' && media !== 'echo') return bad('"media" must be "tone" or "echo"');
  const timeout = b['answerTimeoutMs'] ?? DEFAULT_ANSWER_TIMEOUT_MS;
  if (
    typeof timeout !== 'number' ||
    !Number.isFinite(timeout) ||
    timeout < 1 ||
    timeout > MAX_ANSWER_TIMEOUT_MS
  ) {
    return bad(`"answerTimeoutMs" must be a number from 1 to ${MAX_ANSWER_TIMEOUT_MS}`);
  }
  const options: OutboundCallOptions = {
    to,
    from,
    media,
    answerTimeoutMs: Math.round(timeout),
  };
  if (displayName !== undefined) options.displayName = displayName;
  if (b['headers'] !== undefined) {
    const headers = parseOutboundHeaders(b['headers']);
    if (!headers.ok) return bad(headers.error);
    if (headers.headers.length) options.headers = headers.headers;
  }
  return { ok: true, options };
}
