// Call records kept by the sandbox and served on GET /api/calls.

export type DtmfTransport = 'rfc4733' | 'info';
export type SdpDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export interface DtmfRecord {
  digit: string;
  /** Tone duration; null when the transport carried none (an `application/dtmf` INFO). */
  durationMs: number | null;
  transport: DtmfTransport;
  /** ISO time the digit was decoded. */
  at: string;
}

export interface ReinviteRecord {
  /**
   * The audio direction the offer asked for (`a=` line of the audio section, else the session
   * level, else sendrecv); null for a re-INVITE without an offer.
   */
  direction: SdpDirection | null;
  /** The final response: what the sandbox answered (test numbers, outbound calls) or relayed. */
  status: number;
  /** ISO time the re-INVITE arrived. */
  at: string;
}

export interface CallRecord {
  callId: string;
  /**
   * The dialled number or user (Request-URI user part); for an outbound call the user called.
   */
  number: string;
  /** The caller (From user part); for an outbound call the `from` it was placed with. */
  from: string;
  /** The called user or number (same as `number`). */
  to: string;
  /**
   * `inbound`: answered by a sandbox test number; `relay`: proxied between two users;
   * `outbound`: placed by the sandbox to a registered user (POST /api/calls/outbound).
   */
  direction: 'inbound' | 'relay' | 'outbound';
  /** Outbound calls only: the id used by /api/calls/outbound/:id. */
  outboundId?: string;
  /** Outbound calls only: the display name sent in From (as given, before escaping). */
  displayName?: string;
  startedAt: string;
  answeredAt?: string;
  endedAt?: string;
  /**
   * Final response status to the INVITE (200 when answered); for an outbound call the final
   * status received from the callee (200, 486, 603, 487 after a CANCEL, ...).
   */
  finalStatus?: number;
  finalReason?: string;
  /** Why the call ended (BYE from caller, CANCEL, no ACK, media failure, ...). */
  endReason?: string;
  sawCancel: boolean;
  /** Every status the sandbox sent to the caller for the INVITE, in order (100 included). */
  sentStatuses: number[];
  /** Outbound calls: every status received from the callee for the INVITE, in order. */
  receivedStatuses: number[];
  /**
   * Methods received in this call (INVITE, ACK, INFO, BYE, ...): from the caller for test
   * numbers, from both parties for relayed calls, from the callee for outbound calls.
   */
  receivedMethods: string[];
  /** Requests the sandbox itself sent in this call (outbound: INVITE, ACK, CANCEL, BYE, ...). */
  sentMethods: string[];
  /** Every re-INVITE of the call (hold / resume), in order. */
  reinvites: ReinviteRecord[];
  offer: { codecs: string[]; sdp: string };
  /** RTP packets at the sandbox (0 for relayed calls: media flows between the browsers). */
  rtp: { packetsIn: number; packetsOut: number };
  dtmf: DtmfRecord[];
}

const MAX_RECORDS = 500;

export class CallLog {
  private list: CallRecord[] = [];
  private readonly byId = new Map<string, CallRecord>();

  add(record: CallRecord): CallRecord {
    const previous = this.byId.get(record.callId);
    if (previous) this.list = this.list.filter((r) => r !== previous);
    this.list.push(record);
    this.byId.set(record.callId, record);
    while (this.list.length > MAX_RECORDS) {
      const dropped = this.list.shift();
      if (dropped && this.byId.get(dropped.callId) === dropped) this.byId.delete(dropped.callId);
    }
    return record;
  }

  get(callId: string): CallRecord | undefined {
    return this.byId.get(callId);
  }

  all(number?: string): CallRecord[] {
    const list = number === undefined ? this.list : this.list.filter((r) => r.number === number);
    return list.map((r) => structuredClone(r));
  }

  /** The calls not yet ended, as they are (not copies: read only). */
  live(): readonly CallRecord[] {
    return this.list.filter((r) => r.endedAt === undefined);
  }

  clear(): number {
    const n = this.list.length;
    this.list = [];
    this.byId.clear();
    return n;
  }
}

export function newRecord(init: {
  callId: string;
  number: string;
  from: string;
  direction: CallRecord['direction'];
  offerSdp: string;
  codecs: string[];
}): CallRecord {
  return {
    callId: init.callId,
    number: init.number,
    from: init.from,
    to: init.number,
    direction: init.direction,
    startedAt: new Date().toISOString(),
    sawCancel: false,
    sentStatuses: [],
    receivedStatuses: [],
    receivedMethods: [],
    sentMethods: [],
    reinvites: [],
    offer: { codecs: init.codecs, sdp: init.offerSdp },
    rtp: { packetsIn: 0, packetsOut: 0 },
    dtmf: [],
  };
}

/** Parse a SIP INFO DTMF body (`application/dtmf-relay` or `application/dtmf`). */
export function parseInfoDtmf(
  contentType: string,
  body: string,
): { digit: string; durationMs: number | null } | undefined {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (type === 'application/dtmf-relay') {
    const signal = /^\s*Signal\s*=\s*([0-9A-Da-d*#])\s*$/im.exec(body);
    if (!signal) return undefined;
    const duration = /^\s*Duration\s*=\s*([0-9]{1,5})\s*$/im.exec(body);
    return {
      digit: signal[1]!.toUpperCase(),
      durationMs: duration ? Number(duration[1]) : null,
    };
  }
  if (type === 'application/dtmf') {
    const m = /^\s*([0-9A-Da-d*#])\s*$/.exec(body);
    if (!m) return undefined;
    return { digit: m[1]!.toUpperCase(), durationMs: null };
  }
  return undefined;
}

export function isDtmfContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return type === 'application/dtmf-relay' || type === 'application/dtmf';
}
