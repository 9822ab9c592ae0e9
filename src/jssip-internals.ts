/**
 * Every use of JsSIP's internals, in one place: the underscore members and the fields its shipped
 * typings leave out, each with the reason the phone needs it. They were read against JsSIP
 * {@link JSSIP_VERSION_CHECKED} (`package.json` pins it, and a unit test fails when the installed
 * JsSIP is another version): upgrading JsSIP means auditing this file, and nothing else.
 */
import JsSIP from 'jssip';
import type { RTCSession } from 'jssip/lib/RTCSession';
import type { UA } from 'jssip/lib/UA';
import type { Subscriber } from 'jssip/lib/Subscriber';
import type { IncomingResponse } from 'jssip/lib/SIPMessage';

/** The JsSIP version these internals were checked against. */
export const JSSIP_VERSION_CHECKED = '3.13.8';

/** The version of the JsSIP that is loaded. */
export const jssipVersion = (): string => (JsSIP as unknown as { version: string }).version;

// ---- RTCSession ------------------------------------------------------------------------------

/** A response JsSIP hands to a re-INVITE's `failed` handler. */
export interface ReinviteResponse {
  status_code: number;
  reason_phrase: string;
}

/** The parts of JsSIP's IncomingRequest a REFER is checked with. */
export interface ReferRequest {
  refer_to?: unknown;
  getHeaders(name: string): string[];
  reply(status: number, reason?: string): void;
}

/** RTCSession members the phone uses beyond the public API. */
export interface SessionInternals {
  /**
   * Hold without JsSIP's `hold()`, which hangs up when the far end refuses: the phone sets the
   * flag, renegotiates with `_sendReinvite`, and rolls the flag back on a refusal.
   */
  _localHold: boolean;
  /** Applies `_localHold` (and mute) to the local tracks. */
  _setLocalMediaStatus(): void;
  /** A re-INVITE with a fresh offer: hold/resume, ICE restart, target refresh. */
  _sendReinvite(options: {
    rtcOfferConstraints?: RTCOfferOptions;
    eventHandlers: {
      succeeded?: () => void;
      failed?: (response?: ReinviteResponse) => void;
    };
  }): void;
  /** No other offer/answer in flight (public in JsSIP, missing from its typings). */
  isReadyToReOffer(): boolean;
  /** JsSIP mutes and holds by toggling this stream's tracks: a new microphone joins it. */
  _localMediaStream?: MediaStream;
  /** Receives a REFER; wrapped so the Refer-To is checked before JsSIP acts on it. */
  _receiveRefer(request: ReferRequest): void;
  /** Wrapped so that JsSIP's own hang-up on ICE `failed` waits for an ICE restart first. */
  terminate(options?: { cause?: string; status_code?: number; reason_phrase?: string }): void;
}

export const sessionInternals = (session: RTCSession): SessionInternals =>
  session as unknown as SessionInternals;

/** A JsSIP URI as rewritten in place (`URI.js`: setters and param/header methods). */
export interface MutableUri {
  scheme: string;
  user: string | undefined;
  host: string;
  port: number | null | undefined;
  clearParams(): void;
  setParam(name: string, value: string | null): void;
  clearHeaders(): void;
  setHeader(name: string, value: string): void;
}

/**
 * The parsed Refer-To URI of an accepted REFER: JsSIP builds the new INVITE from it, so the phone
 * rewrites it to exactly the URI it checked.
 */
export const referToUri = (request: unknown): MutableUri =>
  (request as { refer_to: { uri: MutableUri } }).refer_to.uri;

/** The parts of an INVITE with Replaces the phone reads to authorise it. */
export interface ReplacingInvite {
  call_id: string;
  from?: { uri?: { toString(): string } };
  getHeader(name: string): string | undefined;
}

/**
 * JsSIP creates each call's RTCPeerConnection itself, in this prototype method: the pre-warm
 * wraps it to hand over a connection prepared before the call.
 */
export function rtcSessionPrototype<Config>(): {
  _createRTCConnection(pcConfig: Config, constraints: unknown): void;
} {
  return (
    JsSIP as unknown as {
      RTCSession: {
        prototype: { _createRTCConnection(pcConfig: Config, constraints: unknown): void };
      };
    }
  ).RTCSession.prototype;
}

// ---- UA --------------------------------------------------------------------------------------

/** The parts of JsSIP's Registrator the phone governs (it decides when to REGISTER). */
export interface RegistratorInternals {
  register(): void;
  readonly registered: boolean;
}

/** A client transaction (`Transactions.js`). */
export interface ClientTransaction {
  state: number;
  request: {
    method: string;
    call_id: string;
    to?: { hasParam(name: string): boolean };
  };
  onTransportError(): void;
}

/** Client transaction states that still wait for a final response (`Transactions.js`). */
export const WAITING_TRANSACTION_STATES: ReadonlySet<number> = new Set([
  1, // C.STATUS_TRYING
  2, // C.STATUS_PROCEEDING
  3, // C.STATUS_CALLING
]);

/** UA members the phone uses beyond the public API. */
export interface UaInternals {
  /** An OPTIONS keep-alive (public in JsSIP, missing from its typings). */
  sendOptions(target: string, body: null, options: { eventHandlers: object }): void;
  /** JsSIP's live configuration: RequestSender reads the credentials from it on every request. */
  readonly configuration: {
    instance_id: string;
    password: string | null;
    ha1: string | null;
    authorization_jwt: string | null;
  };
  /** The registrator, governed: JsSIP's own 423 retries go through the phone's policy. */
  readonly _registrator: RegistratorInternals;
  /** Non-INVITE and INVITE client transactions, failed by the phone when its connection drops. */
  readonly _transactions: Record<'nict' | 'ict', Record<string, ClientTransaction>>;
}

export const uaInternals = (ua: UA): UaInternals => ua as unknown as UaInternals;

/** A subscriber (`Subscriber.js`): every final response to its SUBSCRIBEs passes through here. */
interface SubscriberInternals {
  _receiveSubscribeResponse(response: IncomingResponse): void;
}

/**
 * Tell `listener` the status (and Retry-After) of each final response to the subscriber's
 * SUBSCRIBEs: its `terminated` event says only that a SUBSCRIBE was refused, not with what (a 489
 * means "try presence", a 503 "wait this long", a 404 "nobody there").
 */
export function onSubscriberResponse(
  subscriber: Subscriber,
  listener: (status: number, retryAfter?: string) => void,
): void {
  const internals = subscriber as unknown as SubscriberInternals;
  const receive = internals._receiveSubscribeResponse.bind(subscriber);
  internals._receiveSubscribeResponse = (response: IncomingResponse) => {
    if (response.status_code >= 200) {
      listener(response.status_code, response.getHeader('retry-after') || undefined);
    }
    receive(response);
  };
}
