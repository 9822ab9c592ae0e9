/**
 * The WebSocket transport JsSIP uses, wrapped so the phone sees every SIP message on the wire and
 * owns the connection's life.
 *
 * - Every message is reported to the phone (JsSIP hides some responses: 100 Trying, the 487 after a
 *   CANCEL). Oversize frames are dropped before JsSIP parses them, a throw from JsSIP's message
 *   handler (e.g. on an unknown URI scheme) is contained here, and a reason phrase JsSIP's grammar
 *   rejects (`[`, `]`, `<`…) is made parseable so the final response is not lost until Timer B.
 * - A dropped connection is not shown to JsSIP: JsSIP would fail every transaction in flight (and
 *   with them the calls) and reconnect on its own schedule, 2 s after every drop, forever. Instead
 *   the phone is told (`onFlow`) and decides when to reconnect; dialog traffic sent meanwhile (a BYE,
 *   a CANCEL, an answer to the far end) waits here and leaves on the new connection, and dialog
 *   requests whose answer was lost with the old connection are sent again on the new one.
 */
import JsSIP from 'jssip';
import type { Socket } from 'jssip/lib/Socket';

/** One SIP message seen on the wire, reduced to what the phone needs. */
export interface WireMessage {
  direction: 'in' | 'out';
  /** The request method, or the method of the CSeq for a response. */
  method: string;
  /** The status code, for responses. */
  status?: number;
  /** The raw reason phrase, for responses: remote text, sanitise before display. */
  reason?: string;
  callId: string;
  cseq: number;
  /** The `branch` of the top Via: a transaction's requests and responses share it. */
  branch?: string;
  /** True for requests within a dialog (the To header has a tag). */
  inDialog?: boolean;
  /** True when the message carries a body (SDP for INVITE and its responses). */
  hasBody: boolean;
  size: number;
  at: number;
}

export const MAX_MESSAGE_SIZE = 64 * 1024;
// Messages held while the connection is down, and how long they stay useful: a transaction gives
// up after 64·T1 = 32 s (Timer B/F), so anything older is not worth sending.
const MAX_QUEUED_MESSAGES = 200;
const QUEUED_MESSAGE_LIFETIME_MS = 32_000;

/** Reads the start line and the few headers the phone needs; `undefined` for non-SIP data. */
export function summarizeSipMessage(
  text: string,
  direction: 'in' | 'out',
  at = Date.now(),
): WireMessage | undefined {
  const headerEnd = text.indexOf('\r\n\r\n');
  const head = headerEnd >= 0 ? text.slice(0, headerEnd) : text;
  const lines = head.split('\r\n');
  const start = lines[0] ?? '';
  const header = (...names: string[]): string | undefined => {
    for (const line of lines) {
      const colon = line.indexOf(':');
      if (colon > 0 && names.includes(line.slice(0, colon).trim().toLowerCase())) {
        return line.slice(colon + 1).trim();
      }
    }
    return undefined;
  };
  const cseqMatch = /^(\d+)\s+([A-Za-z]+)/.exec(header('cseq') ?? '');
  const callId = header('call-id', 'i');
  if (!cseqMatch || !callId) return undefined;
  const body = headerEnd >= 0 ? text.slice(headerEnd + 4) : '';
  const branch = /;\s*branch\s*=\s*([^;,\s]+)/i.exec(header('via', 'v') ?? '')?.[1];
  const base = {
    direction,
    method: cseqMatch[2]!.toUpperCase(),
    callId,
    cseq: Number(cseqMatch[1]),
    ...(branch ? { branch } : {}),
    hasBody: body.trim().length > 0,
    size: text.length,
    at,
  };
  const response = /^SIP\/2\.0\s+(\d{3})\s?(.*)$/.exec(start);
  if (response) return { ...base, status: Number(response[1]), reason: response[2] ?? '' };
  const request = /^([A-Za-z]+)\s+\S+\s+SIP\/2\.0$/.exec(start);
  if (request) {
    const inDialog = /;\s*tag\s*=/i.test(header('to', 't') ?? '');
    return { ...base, method: request[1]!.toUpperCase(), inDialog };
  }
  return undefined;
}

// RFC 3261 Reason-Phrase: reserved, unreserved, escaped, UTF-8 beyond ASCII, SP, HTAB — what JsSIP's
// grammar accepts. Anything else makes JsSIP drop the whole response.
const REASON_CHARACTER = /[A-Za-z0-9\-_.!~*'();/?:@&=+$, \t\u0080-\uffff]|%[0-9A-Fa-f]{2}/y;
const REASON_REPLACEMENT: Record<string, string> = {
  '[': '(',
  ']': ')',
  '{': '(',
  '}': ')',
  '<': '(',
  '>': ')',
};

/**
 * Makes a response's reason phrase acceptable to JsSIP's parser: brackets become parentheses and
 * other characters outside the grammar become spaces. Requests, valid responses and anything that
 * is not SIP are returned unchanged (the same string).
 */
export function normalizeReasonPhrase(text: string): string {
  const lineEnd = text.indexOf('\r\n');
  const startLine = lineEnd >= 0 ? text.slice(0, lineEnd) : text;
  const match = /^(SIP\/2\.0 \d{3} )(.*)$/.exec(startLine);
  if (!match) return text;
  const reason = match[2]!;
  let fixed = '';
  let changed = false;
  for (let i = 0; i < reason.length;) {
    REASON_CHARACTER.lastIndex = i;
    const ok = REASON_CHARACTER.exec(reason);
    if (ok) {
      fixed += ok[0];
      i += ok[0].length;
    } else {
      fixed += REASON_REPLACEMENT[reason[i]!] ?? ' ';
      changed = true;
      i++;
    }
  }
  return changed ? `${match[1]}${fixed}${text.slice(startLine.length)}` : text;
}

/** What the phone hears about the connection. */
export type FlowEvent =
  /**
   * The WebSocket is open; `reconnect` when it replaces one that was lost. `url`: the server it
   * is open to.
   */
  | { type: 'up'; reconnect: boolean; url: string }
  /**
   * The WebSocket closed or could not open (on every server of the list, when it never opened).
   * `upFor`: how long it had been open, in ms (0: never). `code`: the WebSocket close code.
   */
  | { type: 'down'; upFor: number; code?: number };

export interface ObservedSocketOptions {
  maxMessageSize?: number;
  /** Connection changes; the phone decides when to {@link ObservedSocket.reopen}. */
  onFlow?: (event: FlowEvent) => void;
}

interface Pending {
  text: string;
  at: number;
}

const toText = (data: unknown): string | undefined => {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return new TextDecoder().decode(data);
  return undefined;
};

/**
 * A JsSIP `Socket` around JsSIP's own `WebSocketInterface` that reports every message to
 * `observer` (with its text) and keeps connection losses from JsSIP (see the module comment).
 * JsSIP's Transport assigns `onconnect`, `ondisconnect` and `ondata`.
 *
 * With several server URLs, one connection is open at a time: a lost connection is re-opened to
 * the next server, and a server that cannot be reached is skipped at once for the next one; the
 * phone hears of a failure to connect only when every server of the list failed.
 */
export class ObservedSocket implements Socket {
  readonly #servers: Socket[];
  #inner: Socket;
  #index = 0;
  /** Servers that failed to open since the last successful open (or the start of this round). */
  #failedInRound = 0;
  readonly #observer: (message: WireMessage, text: string) => void;
  readonly #maxMessageSize: number;
  readonly #onFlow: (event: FlowEvent) => void;
  /** Between JsSIP's connect() and disconnect(): JsSIP believes the transport is there. */
  #wanted = false;
  #state: 'closed' | 'connecting' | 'open' | 'down' = 'closed';
  /** JsSIP was told about the current connect() (its `onconnect` fires once per connect()). */
  #announced = false;
  #openedAt = 0;
  /** Dialog traffic waiting for the connection. */
  #queue: Pending[] = [];
  /** Dialog requests (and CANCELs) sent on this connection whose final response has not come. */
  readonly #inFlight = new Map<string, Pending>();
  /** Count of frames dropped for size or for making JsSIP throw. */
  droppedFrames = 0;
  /** When the last frame arrived (epoch ms): anything from the server proves the connection lives. */
  lastInboundAt = 0;

  onconnect: () => void = () => {};
  ondisconnect: (error: boolean, code?: number, reason?: string) => void = () => {};
  ondata: <T>(event: T) => void = () => {};

  constructor(
    urls: string | readonly string[],
    observer: (message: WireMessage, text: string) => void,
    options: ObservedSocketOptions = {},
  ) {
    const list = typeof urls === 'string' ? [urls] : urls;
    if (list.length === 0) throw new TypeError('ObservedSocket needs at least one server URL.');
    this.#servers = list.map((url) => {
      const inner = new JsSIP.WebSocketInterface(url) as unknown as Socket;
      // Only the current server's events count: a late close of the previous one is history.
      inner.onconnect = () => {
        if (inner === this.#inner) this.#handleOpen();
      };
      inner.ondisconnect = (_error: boolean, code?: number) => {
        if (inner === this.#inner) this.#handleDown(code);
      };
      inner.ondata = <T>(data: T) => {
        if (inner === this.#inner) this.#receive(data);
      };
      return inner;
    });
    this.#inner = this.#servers[0]!;
    this.#observer = observer;
    this.#maxMessageSize = options.maxMessageSize ?? MAX_MESSAGE_SIZE;
    this.#onFlow = options.onFlow ?? (() => {});
  }

  /** Every server URL, in the order they are tried. */
  get servers(): string[] {
    return this.#servers.map((server) => server.url);
  }

  get via_transport(): string {
    return this.#inner.via_transport;
  }
  set via_transport(value: string) {
    for (const server of this.#servers) server.via_transport = value;
  }
  get url(): string {
    return this.#inner.url;
  }
  get sip_uri(): string {
    return this.#inner.sip_uri;
  }

  /** The real connection state (JsSIP's view stays "connected" through a loss). */
  get state(): 'closed' | 'connecting' | 'open' | 'down' {
    return this.#state;
  }

  /** Messages waiting for the connection. */
  get queued(): number {
    return this.#queue.length;
  }

  /** JsSIP opens the transport (UA start). */
  connect(): void {
    this.#wanted = true;
    this.#announced = false;
    this.#open();
  }

  /** JsSIP closes the transport (UA stop): for real, nothing is kept. */
  disconnect(): void {
    this.#wanted = false;
    this.#announced = false;
    this.#queue = [];
    this.#inFlight.clear();
    this.#state = 'closed';
    this.#inner.disconnect();
  }

  /** The phone reconnects after a loss, when its policy says so. */
  reopen(): void {
    if (this.#wanted && this.#state === 'down') this.#open();
  }

  /** The phone gives up on a connection that stopped answering (keep-alive, offline). */
  drop(): void {
    if (this.#state !== 'open' && this.#state !== 'connecting') return;
    this.#inner.disconnect();
    this.#handleDown(undefined);
  }

  /** Sends a CRLF keep-alive ping (RFC 5626 §4.4.1); false when the connection is not open. */
  ping(): boolean {
    return this.#state === 'open' && this.#inner.send('\r\n\r\n');
  }

  isConnected(): boolean {
    return this.#state === 'open';
  }
  isConnecting(): boolean {
    return this.#state === 'connecting';
  }

  send(message: string | ArrayBufferLike | Blob | ArrayBufferView): boolean {
    if (typeof message !== 'string') return this.#state === 'open' && this.#inner.send(message);
    const summary = summarizeSipMessage(message, 'out');
    if (this.#state !== 'open') {
      // A new out-of-dialog request fails now (JsSIP reports a transport error, the phone retries
      // after reconnecting); dialog traffic waits for the next connection.
      if (!summary || !this.#holdsForDialog(summary) || !this.#wanted) return false;
      this.#queue.push({ text: message, at: Date.now() });
      if (this.#queue.length > MAX_QUEUED_MESSAGES) this.#queue.shift();
      return true;
    }
    const sent = this.#inner.send(message);
    if (sent) {
      if (summary) {
        this.#track(summary, message);
        this.#report(summary, message);
      }
    }
    return sent;
  }

  #holdsForDialog(message: WireMessage): boolean {
    if (message.status !== undefined) return true;
    return message.inDialog === true || message.method === 'CANCEL' || message.method === 'ACK';
  }

  #track(message: WireMessage, text: string): void {
    if (message.status !== undefined || message.method === 'ACK' || !message.branch) return;
    if (!message.inDialog && message.method !== 'CANCEL') return;
    // Requests never answered (their transaction gave up after 32 s) are forgotten.
    for (const [key, pending] of this.#inFlight) {
      if (message.at - pending.at < QUEUED_MESSAGE_LIFETIME_MS) break;
      this.#inFlight.delete(key);
    }
    this.#inFlight.set(`${message.branch} ${message.method}`, { text, at: message.at });
  }

  #open(): void {
    this.#state = 'connecting';
    this.#inner.connect();
  }

  /** The next server of the list becomes the current one (JsSIP reads url/sip_uri from it). */
  #advance(): void {
    if (this.#servers.length < 2) return;
    this.#index = (this.#index + 1) % this.#servers.length;
    this.#inner = this.#servers[this.#index]!;
  }

  #handleOpen(): void {
    this.#state = 'open';
    this.#openedAt = Date.now();
    this.#failedInRound = 0;
    const reconnect = this.#announced;
    if (!this.#announced) {
      this.#announced = true;
      this.onconnect();
    }
    const now = Date.now();
    const queue = this.#queue;
    this.#queue = [];
    for (const item of queue) {
      if (now - item.at < QUEUED_MESSAGE_LIFETIME_MS) this.send(item.text);
    }
    this.#onFlow({ type: 'up', reconnect, url: this.#inner.url });
  }

  #handleDown(code: number | undefined): void {
    if (!this.#wanted || this.#state === 'down' || this.#state === 'closed') return;
    const wasOpen = this.#state === 'open';
    const upFor = wasOpen ? Date.now() - this.#openedAt : 0;
    // Whatever happened, the next attempt goes to the next server of the list.
    this.#advance();
    if (!wasOpen && ++this.#failedInRound < this.#servers.length) {
      // This server cannot be reached: the next one is tried at once, before anyone backs off.
      this.#open();
      return;
    }
    this.#failedInRound = 0;
    this.#state = 'down';
    // Dialog requests whose answer may have been lost go out again on the next connection.
    const lost = [...this.#inFlight.values()].sort((a, b) => a.at - b.at);
    this.#inFlight.clear();
    this.#queue = [...lost, ...this.#queue];
    this.#onFlow({ type: 'down', upFor, ...(code !== undefined ? { code } : {}) });
  }

  #receive(data: unknown): void {
    const size =
      typeof data === 'string' ? data.length : ((data as { byteLength?: number })?.byteLength ?? 0);
    this.lastInboundAt = Date.now();
    if (size > this.#maxMessageSize) {
      this.droppedFrames++;
      return;
    }
    const text = toText(data);
    let forJsSip: unknown = data;
    if (text !== undefined) {
      const summary = summarizeSipMessage(text, 'in');
      if (summary) {
        if (summary.status !== undefined && summary.status >= 200 && summary.branch) {
          this.#inFlight.delete(`${summary.branch} ${summary.method}`);
        }
        this.#report(summary, text);
        if (summary.status !== undefined) forJsSip = normalizeReasonPhrase(text);
      }
    }
    try {
      this.ondata(forJsSip);
    } catch {
      // JsSIP throws out of its handler on some malformed requests; the UA itself stays usable.
      this.droppedFrames++;
    }
  }

  #report(summary: WireMessage, text: string): void {
    try {
      this.#observer(summary, text);
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}
