/**
 * Diagnostics: what a support engineer asks for when a call failed or sounded bad, gathered from
 * what the phone already sees — the SIP ladder of the last calls (credentials redacted before they
 * are stored), registration and call state transitions, ICE candidate pairs and statistics
 * summaries, and the versions involved. Always on and bounded: a few calls, a few dozen messages
 * each, a few hundred transitions.
 */
import { jssipVersion } from './jssip-internals.js';
import { headerNames, redactSecrets, secretHeaders } from './log-redaction.js';
import { showControlCharacters } from './text.js';
import type { WireMessage } from './transport.js';
import { VERSION } from './version.js';
import { isEstablishedCallState } from './call-machine.js';
import type { ResolvedPhoneConfig } from './config.js';

export const DIAGNOSTICS_FORMAT = 'sip-phone-diagnostics/1';

export interface DiagnosticsLimits {
  /** Calls whose ladder and statistics are kept (the newest). */
  calls: number;
  /** Messages kept per call, per registration, and for everything else. */
  messagesPerDialog: number;
  /** Characters of each message's text kept (after redaction). */
  messageChars: number;
  transitions: number;
}

export const DIAGNOSTICS_LIMITS: DiagnosticsLimits = {
  calls: 5,
  messagesPerDialog: 60,
  messageChars: 4096,
  transitions: 300,
};

/** One SIP message as it crossed the WebSocket. */
export interface LadderEntry {
  at: string;
  direction: 'in' | 'out';
  /** `INVITE`, or `200 OK (INVITE)` for a response. */
  summary: string;
  callId: string;
  cseq: number;
  size: number;
  /** The message with credentials and ICE passwords redacted, cut at the size limit. */
  text: string;
}

export interface TransitionEntry {
  at: string;
  /** `quality`: the call's quality warnings changed (`state`: the issues, or `clear`). */
  kind: 'registration' | 'call' | 'quality';
  /** The call's id (as in `sip-call-change`), for calls and quality changes. */
  call?: string;
  state: string;
  /** Estimated MOS, for quality changes. */
  mos?: number;
  previous?: string;
  status?: number;
  reason?: string;
  cause?: string;
}

export interface CandidateSummary {
  type?: string;
  protocol?: string;
  address?: string;
  port?: number;
  relayProtocol?: string;
}

export interface CandidatePairSummary {
  state?: string;
  nominated?: boolean;
  /** The pair the audio uses. */
  selected: boolean;
  local: CandidateSummary;
  remote: CandidateSummary;
  roundTripTimeMs?: number;
  bytesSent?: number;
  bytesReceived?: number;
}

export interface StatsSummary {
  at: string;
  codec?: string;
  inbound?: { packetsReceived?: number; packetsLost?: number; jitterMs?: number };
  outbound?: { packetsSent?: number; bytesSent?: number };
  /** What the far end reported about our audio (RTCP receiver reports). */
  remote?: { roundTripTimeMs?: number; fractionLost?: number; jitterMs?: number };
  iceState?: string;
  dtlsState?: string;
  pairs: CandidatePairSummary[];
}

export interface CallDiagnostics {
  id: string;
  callId?: string;
  direction: string;
  remote: string;
  state: string;
  status?: number;
  reason?: string;
  cause?: string;
  startedAt: string;
  answeredAt?: string;
  endedAt?: string;
  ladder: LadderEntry[];
  /** The last statistics taken while the call had media. */
  stats?: StatsSummary;
}

export interface DiagnosticsReport {
  format: typeof DIAGNOSTICS_FORMAT;
  createdAt: string;
  versions: { sipPhone: string; jssip: string; userAgent: string };
  /** The page, without its query string or fragment (they may carry tokens). */
  page?: string;
  /** The configuration, without the password or TURN credentials. */
  config: Record<string, unknown>;
  connection: string;
  registration: { state: string; status?: number; reason?: string };
  transitions: TransitionEntry[];
  registrationLadder: LadderEntry[];
  /** Messages of neither a call nor the registration (OPTIONS keep-alives, MESSAGE, …). */
  otherLadder: LadderEntry[];
  calls: CallDiagnostics[];
}

/** What the recorder needs to know about a call (a structural view of `Call`). */
export interface RecordedCall {
  readonly id: string;
  readonly callId: string | undefined;
  readonly peerConnection: RTCPeerConnection | undefined;
  readonly snapshot: {
    direction: string;
    state: string;
    status?: number;
    reason?: string;
    cause?: string;
    remote: { displayName: string; user: string; uri: string };
    startedAt: number;
    answeredAt?: number;
    endedAt?: number;
  };
}

/**
 * The configuration as a report shows it: the password and the TURN credentials stay out, and of
 * the extra headers only their names (values may be tokens).
 */
export function diagnosticsConfig(c: ResolvedPhoneConfig): Record<string, unknown> {
  return {
    server: c.server,
    servers: c.servers,
    uri: c.uri,
    authUser: c.authUser,
    displayName: c.displayName,
    password: c.password ? 'set (not shown)' : 'none',
    credentials: c.credentials ? 'callback' : 'none',
    // TURN usernames and credentials stay out; the addresses are what support needs.
    iceServers: c.iceServers.flatMap((server) => server.urls),
    iceGatheringTimeout: c.iceGatheringTimeout,
    codecs: c.codecs,
    dtmfMode: c.dtmfMode,
    dtmfDuration: c.dtmfDuration,
    dtmfGap: c.dtmfGap,
    register: c.register,
    registerExpires: c.registerExpires,
    maxLines: c.maxLines,
    transfers: c.transfers,
    transferAllowList: c.transferAllowList,
    userAgent: c.userAgent,
    // Header names only: values may be tokens.
    extraHeaders: c.extraHeaders.map((header) => header.split(':')[0]),
  };
}

/** A SIP message made safe to keep and share. */
export function redactSipMessage(text: string, limit = DIAGNOSTICS_LIMITS.messageChars): string {
  const clean = redactSecrets(text);
  return clean.length > limit
    ? `${clean.slice(0, limit)}\n[… ${clean.length - limit} more]`
    : clean;
}

/** Plain data (a report) with `change` applied to every string in it. */
function mapStrings<T>(value: T, change: (text: string) => string): T {
  if (typeof value === 'string') return change(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => mapStrings(item, change)) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, mapStrings(item, change)]),
  ) as T;
}

const iso = (ms: number | undefined): string | undefined =>
  ms === undefined ? undefined : new Date(ms).toISOString();

function push<T>(list: T[], item: T, limit: number): void {
  list.push(item);
  if (list.length > limit) list.splice(0, list.length - limit);
}

const SAMPLE_FIRST_MS = 1000;
const SAMPLE_EVERY_MS = 3000;

/**
 * Records what the phone sees. The phone feeds it ({@link recordWire}, {@link recordTransition},
 * {@link watchCall}); {@link report} turns it into a {@link DiagnosticsReport}.
 */
export class DiagnosticsRecorder {
  readonly #limits: DiagnosticsLimits;
  readonly #transitions: TransitionEntry[] = [];
  readonly #registrationLadder: LadderEntry[] = [];
  readonly #otherLadder: LadderEntry[] = [];
  /** Ladders by Call-ID, oldest first (a Map keeps insertion order). */
  readonly #ladders = new Map<string, LadderEntry[]>();
  readonly #calls: Array<{ call: RecordedCall; stats?: StatsSummary }> = [];
  readonly #samplers = new Map<RecordedCall, ReturnType<typeof setTimeout>>();

  constructor(limits: Partial<DiagnosticsLimits> = {}) {
    this.#limits = { ...DIAGNOSTICS_LIMITS, ...limits };
  }

  recordWire(message: WireMessage, text: string): void {
    const entry: LadderEntry = {
      at: new Date(message.at).toISOString(),
      direction: message.direction,
      summary:
        message.status === undefined
          ? message.method
          : `${message.status} ${redactSecrets(message.reason ?? '').slice(0, 80)} (${message.method})`,
      callId: message.callId,
      cseq: message.cseq,
      size: message.size,
      text: redactSipMessage(text, this.#limits.messageChars),
    };
    const limit = this.#limits.messagesPerDialog;
    if (message.method === 'REGISTER') return push(this.#registrationLadder, entry, limit);
    const ladder = this.#ladders.get(message.callId);
    if (ladder) return push(ladder, entry, limit);
    if (message.method === 'INVITE' && message.status === undefined) {
      this.#ladders.set(message.callId, [entry]);
      // Keep the ladders of the newest calls only.
      while (this.#ladders.size > this.#limits.calls) {
        this.#ladders.delete(this.#ladders.keys().next().value as string);
      }
      return;
    }
    push(this.#otherLadder, entry, limit);
  }

  recordTransition(entry: Omit<TransitionEntry, 'at'>): void {
    const clean: TransitionEntry = {
      at: new Date().toISOString(),
      kind: entry.kind,
    } as TransitionEntry;
    for (const [key, value] of Object.entries(entry)) {
      if (value !== undefined) (clean as unknown as Record<string, unknown>)[key] = value;
    }
    push(this.#transitions, clean, this.#limits.transitions);
  }

  /** Follows a call: its statistics are sampled while it has media, so they outlive its end. */
  watchCall(call: RecordedCall): void {
    push(this.#calls, { call }, this.#limits.calls);
  }

  /** The call changed state: start or stop sampling its statistics. */
  callChanged(call: RecordedCall): void {
    const live = isEstablishedCallState(call.snapshot.state);
    if (live && !this.#samplers.has(call)) this.#schedule(call, SAMPLE_FIRST_MS);
    if (!live && this.#samplers.has(call)) {
      clearTimeout(this.#samplers.get(call));
      this.#samplers.delete(call);
    }
  }

  /** Stops every timer (the phone stopped). What was recorded stays readable. */
  dispose(): void {
    for (const timer of this.#samplers.values()) clearTimeout(timer);
    this.#samplers.clear();
  }

  /**
   * The report; statistics of live calls are taken afresh. Every text in it goes through
   * redaction once more, with the configuration's `extraHeaders` (their names) as secret headers:
   * the server address's query, a remote reason, a header that only now is known to be secret.
   */
  async report(context: {
    config: Record<string, unknown>;
    connection: string;
    registration: { state: string; status?: number; reason?: string };
  }): Promise<DiagnosticsReport> {
    await Promise.all(this.#calls.map(({ call }) => this.#sample(call)));
    const location = globalThis.location;
    const configured = context.config.extraHeaders;
    const names = new Set([
      ...secretHeaders(),
      ...headerNames(Array.isArray(configured) ? configured : []),
    ]);
    return mapStrings<DiagnosticsReport>(
      {
        format: DIAGNOSTICS_FORMAT,
        createdAt: new Date().toISOString(),
        versions: {
          sipPhone: VERSION,
          jssip: jssipVersion(),
          userAgent: globalThis.navigator?.userAgent ?? 'unknown',
        },
        ...(location ? { page: `${location.origin}${location.pathname}` } : {}),
        config: context.config,
        connection: context.connection,
        registration: {
          state: context.registration.state,
          ...(context.registration.status !== undefined
            ? { status: context.registration.status }
            : {}),
          ...(context.registration.reason ? { reason: context.registration.reason } : {}),
        },
        transitions: [...this.#transitions],
        registrationLadder: [...this.#registrationLadder],
        otherLadder: [...this.#otherLadder],
        calls: this.#calls.map(({ call, stats }) => this.#describeCall(call, stats)),
      },
      (text) => redactSecrets(text, names),
    );
  }

  #describeCall(call: RecordedCall, stats: StatsSummary | undefined): CallDiagnostics {
    const s = call.snapshot;
    const out: CallDiagnostics = {
      id: call.id,
      direction: s.direction,
      remote: s.remote.uri || s.remote.user,
      state: s.state,
      startedAt: iso(s.startedAt)!,
      ladder: call.callId ? [...(this.#ladders.get(call.callId) ?? [])] : [],
    };
    if (call.callId) out.callId = call.callId;
    if (s.status !== undefined) out.status = s.status;
    if (s.reason) out.reason = s.reason;
    if (s.cause) out.cause = s.cause;
    if (s.answeredAt !== undefined) out.answeredAt = iso(s.answeredAt)!;
    if (s.endedAt !== undefined) out.endedAt = iso(s.endedAt)!;
    if (stats) out.stats = stats;
    return out;
  }

  #schedule(call: RecordedCall, delay: number): void {
    this.#samplers.set(
      call,
      setTimeout(() => {
        void this.#sample(call).finally(() => {
          if (this.#samplers.has(call)) this.#schedule(call, SAMPLE_EVERY_MS);
        });
      }, delay),
    );
  }

  async #sample(call: RecordedCall): Promise<void> {
    const pc = call.peerConnection;
    if (!pc || pc.signalingState === 'closed') return;
    try {
      const summary = summarizeStats(await pc.getStats());
      const slot = this.#calls.find((c) => c.call === call);
      if (slot) slot.stats = summary;
    } catch {
      // Closed between the check and the call: the last sample stays.
    }
  }
}

type StatsEntry = Record<string, unknown> & { id: string; type: string };
const num = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const ms = (seconds: unknown): number | undefined => {
  const value = num(seconds);
  return value === undefined ? undefined : Math.round(value * 10_000) / 10;
};

/** A non-empty string, or undefined. */
const text = (value: unknown): string | undefined => str(value) || undefined;

type Defined<T> = { [K in keyof T]?: Exclude<T[K], undefined> };

/** `fields` without the undefined ones: a summary lists only what the browser reported. */
const defined = <T extends Record<string, unknown>>(fields: T): Defined<T> =>
  Object.fromEntries(
    Object.entries(fields).filter(([, value]) => value !== undefined),
  ) as Defined<T>;

function candidate(entry: StatsEntry | undefined): CandidateSummary {
  if (!entry) return {};
  return defined({
    type: text(entry.candidateType),
    protocol: text(entry.protocol),
    address: text(str(entry.address) ?? str(entry.ip)),
    port: num(entry.port),
    relayProtocol: text(entry.relayProtocol),
  });
}

/** The parts of a `getStats()` report a support engineer reads first. */
export function summarizeStats(report: RTCStatsReport): StatsSummary {
  const entries: StatsEntry[] = [];
  report.forEach((entry: StatsEntry) => entries.push(entry));
  const byId = new Map(entries.map((e) => [e.id, e]));
  const of = (type: string) => entries.filter((e) => e.type === type);
  const audio = (e: StatsEntry) => e.kind === 'audio' || e.mediaType === 'audio';
  const transport = of('transport')[0];
  const selectedId = str(transport?.selectedCandidatePairId);
  const inbound = of('inbound-rtp').find(audio);
  const outbound = of('outbound-rtp').find(audio);
  const remote = of('remote-inbound-rtp').find(audio);
  const codec = byId.get(str(outbound?.codecId) ?? str(inbound?.codecId) ?? '');
  const summary: StatsSummary = {
    at: new Date().toISOString(),
    pairs: of('candidate-pair').map((pair) => ({
      selected: pair.id === selectedId || (selectedId === undefined && pair.selected === true),
      local: candidate(byId.get(str(pair.localCandidateId) ?? '')),
      remote: candidate(byId.get(str(pair.remoteCandidateId) ?? '')),
      ...defined({
        state: text(pair.state),
        nominated: typeof pair.nominated === 'boolean' ? pair.nominated : undefined,
        roundTripTimeMs: ms(pair.currentRoundTripTime),
        bytesSent: num(pair.bytesSent),
        bytesReceived: num(pair.bytesReceived),
      }),
    })),
  };
  const mime = str(codec?.mimeType);
  if (mime) summary.codec = `${mime}/${num(codec?.clockRate) ?? ''}`.replace(/\/$/, '');
  if (inbound) {
    summary.inbound = defined({
      packetsReceived: num(inbound.packetsReceived),
      packetsLost: num(inbound.packetsLost),
      jitterMs: ms(inbound.jitter),
    });
  }
  if (outbound) {
    summary.outbound = defined({
      packetsSent: num(outbound.packetsSent),
      bytesSent: num(outbound.bytesSent),
    });
  }
  if (remote) {
    summary.remote = defined({
      roundTripTimeMs: ms(remote.roundTripTime),
      fractionLost: num(remote.fractionLost),
      jitterMs: ms(remote.jitter),
    });
  }
  return Object.assign(
    summary,
    defined({ iceState: text(transport?.iceState), dtlsState: text(transport?.dtlsState) }),
  );
}

const candidateText = (c: CandidateSummary): string =>
  [c.type ?? '?', c.protocol, c.address && `${c.address}:${c.port ?? '?'}`]
    .filter(Boolean)
    .join(' ');

/**
 * The report as plain text: what a person reads in a ticket. Control characters (a far end's
 * ANSI escapes) are shown, not obeyed; line ends are LF.
 */
export function formatDiagnosticsText(report: DiagnosticsReport): string {
  const lines: string[] = [
    `sip-phone diagnostics (${report.format})`,
    `Created: ${report.createdAt}`,
    `sip-phone ${report.versions.sipPhone}, JsSIP ${report.versions.jssip}`,
    `Browser: ${report.versions.userAgent}`,
  ];
  if (report.page) lines.push(`Page: ${report.page}`);
  lines.push('', 'Configuration:');
  for (const [key, value] of Object.entries(report.config)) {
    lines.push(`  ${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  }
  const reg = report.registration;
  lines.push(
    '',
    `Connection: ${report.connection}`,
    `Registration: ${reg.state}${reg.status !== undefined ? ` (${reg.status}${reg.reason ? ` ${reg.reason}` : ''})` : reg.reason ? ` (${reg.reason})` : ''}`,
    '',
    'State changes:',
  );
  for (const t of report.transitions) {
    const detail = [
      t.status,
      t.reason,
      t.cause && `cause ${t.cause}`,
      t.mos !== undefined && `MOS ${t.mos}`,
    ]
      .filter(Boolean)
      .join(' ');
    lines.push(
      `  ${t.at}  ${t.kind === 'registration' ? 'registration' : `${t.kind === 'quality' ? 'quality of call' : 'call'} ${t.call}`}: ` +
        `${t.previous ? `${t.previous} → ` : ''}${t.state}${detail ? ` (${detail})` : ''}`,
    );
  }
  const ladder = (title: string, entries: LadderEntry[]) => {
    if (!entries.length) return;
    lines.push('', `${title}:`);
    for (const m of entries) {
      lines.push(
        `  ${m.at}  ${m.direction === 'out' ? '→' : '←'} ${m.summary}  (CSeq ${m.cseq}, ${m.size} B)`,
      );
    }
  };
  ladder('Registration messages', report.registrationLadder);
  ladder('Other messages', report.otherLadder);
  for (const call of report.calls) {
    const outcome = [call.status, call.reason, call.cause && `cause ${call.cause}`]
      .filter(Boolean)
      .join(' ');
    lines.push(
      '',
      `Call ${call.id} (${call.direction}, ${call.remote}): ${call.state}${outcome ? ` (${outcome})` : ''}`,
      `  started ${call.startedAt}${call.answeredAt ? `, answered ${call.answeredAt}` : ''}${call.endedAt ? `, ended ${call.endedAt}` : ''}`,
    );
    if (call.callId) lines.push(`  Call-ID ${call.callId}`);
    const stats = call.stats;
    if (stats) {
      lines.push(
        `  Media (${stats.at}): codec ${stats.codec ?? '?'}, ICE ${stats.iceState ?? '?'}, DTLS ${stats.dtlsState ?? '?'}`,
      );
      if (stats.inbound) {
        lines.push(
          `  Received: ${stats.inbound.packetsReceived ?? '?'} packets, ${stats.inbound.packetsLost ?? '?'} lost, jitter ${stats.inbound.jitterMs ?? '?'} ms`,
        );
      }
      if (stats.outbound) lines.push(`  Sent: ${stats.outbound.packetsSent ?? '?'} packets`);
      if (stats.remote) {
        lines.push(
          `  Far end reports: round trip ${stats.remote.roundTripTimeMs ?? '?'} ms, fraction lost ${stats.remote.fractionLost ?? '?'}`,
        );
      }
      for (const pair of stats.pairs) {
        lines.push(
          `  ${pair.selected ? '*' : ' '} pair ${pair.state ?? '?'}: ${candidateText(pair.local)} ⇄ ${candidateText(pair.remote)}` +
            (pair.roundTripTimeMs !== undefined ? `, ${pair.roundTripTimeMs} ms` : ''),
        );
      }
    }
    ladder('  SIP ladder', call.ladder);
  }
  lines.push('', 'Messages in full (credentials redacted):');
  const all = [
    ...report.registrationLadder,
    ...report.otherLadder,
    ...report.calls.flatMap((c) => c.ladder),
  ].sort((a, b) => a.at.localeCompare(b.at));
  for (const m of all) {
    lines.push(
      '',
      `--- ${m.at} ${m.direction === 'out' ? 'sent' : 'received'} ---`,
      m.text.trimEnd(),
    );
  }
  return `${showControlCharacters(lines.join('\n'))}\n`;
}
