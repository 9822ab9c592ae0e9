/**
 * The WebSocket transport JsSIP uses, wrapped so the phone sees every SIP message on the wire.
 * JsSIP drops or hides some responses (100 Trying, the 487 after a CANCEL, final responses whose
 * reason phrase it cannot parse); reading them here gives each call its true status codes.
 * Oversize frames are dropped before JsSIP parses them, and a throw from JsSIP's message
 * handler (e.g. on an unknown URI scheme) is contained here instead of escaping the socket.
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
  /** True when the message carries a body (SDP for INVITE and its responses). */
  hasBody: boolean;
  size: number;
  at: number;
}

export const MAX_MESSAGE_SIZE = 64 * 1024;

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
  const base = {
    direction,
    method: cseqMatch[2]!.toUpperCase(),
    callId,
    cseq: Number(cseqMatch[1]),
    hasBody: body.trim().length > 0,
    size: text.length,
    at,
  };
  const response = /^SIP\/2\.0\s+(\d{3})\s?(.*)$/.exec(start);
  if (response) return { ...base, status: Number(response[1]), reason: response[2] ?? '' };
  const request = /^([A-Za-z]+)\s+\S+\s+SIP\/2\.0$/.exec(start);
  if (request) return { ...base, method: request[1]!.toUpperCase() };
  return undefined;
}

const toText = (data: unknown): string | undefined => {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return new TextDecoder().decode(data);
  return undefined;
};

/**
 * A JsSIP `Socket` around JsSIP's own `WebSocketInterface` that reports every message to
 * `observer`. JsSIP's Transport assigns `onconnect`, `ondisconnect` and `ondata`.
 */
export class ObservedSocket implements Socket {
  readonly #inner: Socket;
  readonly #observer: (message: WireMessage) => void;
  readonly #maxMessageSize: number;
  /** Count of frames dropped for size or for making JsSIP throw. */
  droppedFrames = 0;

  onconnect: () => void = () => {};
  ondisconnect: (error: boolean, code?: number, reason?: string) => void = () => {};
  ondata: <T>(event: T) => void = () => {};

  constructor(
    url: string,
    observer: (message: WireMessage) => void,
    maxMessageSize = MAX_MESSAGE_SIZE,
  ) {
    this.#inner = new JsSIP.WebSocketInterface(url) as unknown as Socket;
    this.#observer = observer;
    this.#maxMessageSize = maxMessageSize;
    this.#inner.onconnect = () => this.onconnect();
    this.#inner.ondisconnect = (error: boolean, code?: number, reason?: string) =>
      this.ondisconnect(error, code, reason);
    this.#inner.ondata = <T>(data: T) => this.#receive(data);
  }

  get via_transport(): string {
    return this.#inner.via_transport;
  }
  set via_transport(value: string) {
    this.#inner.via_transport = value;
  }
  get url(): string {
    return this.#inner.url;
  }
  get sip_uri(): string {
    return this.#inner.sip_uri;
  }

  connect(): void {
    this.#inner.connect();
  }
  disconnect(): void {
    this.#inner.disconnect();
  }
  isConnected(): boolean {
    return this.#inner.isConnected();
  }
  isConnecting(): boolean {
    return this.#inner.isConnecting();
  }

  send(message: string | ArrayBufferLike | Blob | ArrayBufferView): boolean {
    const sent = this.#inner.send(message);
    if (sent && typeof message === 'string') this.#observe(message, 'out');
    return sent;
  }

  #receive(data: unknown): void {
    const text = toText(data);
    const size = text?.length ?? (data as { byteLength?: number })?.byteLength ?? 0;
    if (size > this.#maxMessageSize) {
      this.droppedFrames++;
      return;
    }
    if (text !== undefined) this.#observe(text, 'in');
    try {
      this.ondata(data);
    } catch {
      // JsSIP throws out of its handler on some malformed requests; the UA itself stays usable.
      this.droppedFrames++;
    }
  }

  #observe(text: string, direction: 'in' | 'out'): void {
    const summary = summarizeSipMessage(text, direction);
    if (!summary) return;
    try {
      this.#observer(summary);
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}
