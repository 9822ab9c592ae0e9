/**
 * The DOM events of the sip-phone elements. Every event bubbles and is composed, so an embedder can
 * listen on the element or any ancestor; each is typed through `GlobalEventHandlersEventMap`.
 */
import type {
  CallDirection,
  CallSnapshot,
  CallState,
  HistoryEntry,
  Lamp,
  LampState,
  LocalCause,
  QualityIssue,
  RegistrationState,
  SelfTestReport,
  VoicemailSummary,
} from '../src/index.js';

const init = <T>(detail: T, cancelable = false): CustomEventInit<T> => ({
  detail,
  bubbles: true,
  composed: true,
  cancelable,
});

export interface SipRegistrationChangeDetail {
  state: RegistrationState;
  previous?: RegistrationState;
  /** SIP status code of the REGISTER answer, when one caused the change. */
  status?: number;
  /** Reason phrase (sanitised) or a readable description of the failure. */
  reason?: string;
}

/** Fired when the registration state or its status changes. */
export class SipRegistrationChangeEvent extends CustomEvent<SipRegistrationChangeDetail> {
  constructor(detail: SipRegistrationChangeDetail) {
    super('sip-registration-change', init(detail));
  }
}

export interface SipCallChangeDetail {
  /** Which call changed (stable for the call's life; several lines can be in use). */
  id: string;
  state: CallState;
  previous?: CallState;
  /** SIP status code that caused the change (e.g. 180, 486, 487), when there is one. */
  status?: number;
  /** Reason phrase (sanitised), when a SIP response caused the change. */
  reason?: string;
  /** A cause without a SIP code (e.g. `microphone-denied`, `hangup-remote`). */
  cause?: LocalCause;
  direction: CallDirection;
  /** The other party: number or user name, and display name. Plain text. */
  remote: { user: string; displayName: string; uri: string };
}

/**
 * Fired when a call's state, or the SIP status within a state, changes; and with state `idle`
 * when the last call's end reason stops showing.
 */
export class SipCallChangeEvent extends CustomEvent<SipCallChangeDetail> {
  constructor(detail: SipCallChangeDetail) {
    super('sip-call-change', init(detail));
  }
}

/** The `sip-call-change` detail for a call snapshot. */
export function callChangeDetail(snapshot: CallSnapshot): SipCallChangeDetail {
  return {
    id: snapshot.id,
    state: snapshot.state,
    ...(snapshot.previous ? { previous: snapshot.previous } : {}),
    ...(snapshot.status !== undefined ? { status: snapshot.status } : {}),
    ...(snapshot.reason ? { reason: snapshot.reason } : {}),
    ...(snapshot.cause ? { cause: snapshot.cause } : {}),
    direction: snapshot.direction,
    remote: { ...snapshot.remote },
  };
}

export interface SipCallRequestDetail {
  /** The dial string the user asked to call. */
  target: string;
}

/** Fired when the user asks to place a call. Cancelable: `preventDefault()` vetoes the call. */
export class SipCallRequestEvent extends CustomEvent<SipCallRequestDetail> {
  constructor(detail: SipCallRequestDetail) {
    super('sip-call-request', init(detail, true));
  }
}

export interface SipDialpadPressDetail {
  /** The key pressed: 0-9, *, #. */
  key: string;
}

/** Fired by `<sip-dialpad>` when a key is pressed (by pointer or keyboard). */
export class SipDialpadPressEvent extends CustomEvent<SipDialpadPressDetail> {
  constructor(detail: SipDialpadPressDetail) {
    super('sip-dialpad-press', init(detail));
  }
}

export interface SipRedialDetail {
  /** The SIP URI to call. */
  target: string;
  entry: HistoryEntry;
}

/** Fired by `<sip-call-history>` when the user asks to call an entry again. */
export class SipRedialEvent extends CustomEvent<SipRedialDetail> {
  constructor(detail: SipRedialDetail) {
    super('sip-redial', init(detail));
  }
}

/** Fired by `<sip-call-history>` before it clears the history. Cancelable. */
export class SipHistoryClearEvent extends CustomEvent<Record<string, never>> {
  constructor() {
    super('sip-history-clear', init({}, true));
  }
}

export interface SipQualityChangeDetail {
  /** The call the verdict is about. */
  id: string;
  /** Warnings now raised: high-rtt, high-jitter, packet-loss, low-mos, no-inbound-audio, silent-microphone. */
  issues: QualityIssue[];
  /** Estimated MOS (1–4.5, E-model for G.711), when the round-trip time is known. */
  mos?: number;
}

/** Fired when call-quality warnings rise or clear (sampled from getStats every second). */
export class SipQualityChangeEvent extends CustomEvent<SipQualityChangeDetail> {
  constructor(detail: SipQualityChangeDetail) {
    super('sip-quality-change', init(detail));
  }
}

export interface SipPresenceChangeDetail {
  /** The watched address whose lamp changed, as it was given in `watch`. */
  target: string;
  /** idle, ringing, busy (in a call or calling out), offline, or unknown (not known yet / refused). */
  state: LampState;
  /** The event package that told: `dialog`, or `presence` where the server has no dialog state. */
  via?: 'dialog' | 'presence';
  /** The SIP status of the server's refusal, when it refused to tell. */
  status?: number;
  /** Every watched address's lamp, in the order of `watch`. */
  lamps: Lamp[];
}

/** Fired when a watched address's busy lamp changes (a NOTIFY, a refusal, a lost connection). */
export class SipPresenceChangeEvent extends CustomEvent<SipPresenceChangeDetail> {
  constructor(detail: SipPresenceChangeDetail) {
    super('sip-presence-change', init(detail));
  }
}

/** New and old voicemail messages, from the server's message summary (RFC 3842). */
export type SipVoicemailChangeDetail = VoicemailSummary;

/** Fired when the server's voicemail summary changes (subscribed to, or sent unasked). */
export class SipVoicemailChangeEvent extends CustomEvent<SipVoicemailChangeDetail> {
  constructor(detail: SipVoicemailChangeDetail) {
    super('sip-voicemail-change', init(detail));
  }
}

export type SipDeviceKind = 'microphone' | 'speaker' | 'ringer';

export interface SipDeviceChangeDetail {
  kind: SipDeviceKind;
  /** `''` means the system default. */
  deviceId: string;
  /** `chosen` by the user, or `disconnected` (the chosen device went away). */
  reason: 'chosen' | 'disconnected';
}

/** Fired by `<sip-device-settings>` when a device is chosen or a chosen one goes away. */
export class SipDeviceChangeEvent extends CustomEvent<SipDeviceChangeDetail> {
  constructor(detail: SipDeviceChangeDetail) {
    super('sip-device-change', init(detail));
  }
}

export interface SipTransferRequestDetail {
  /** The call the far end wants to transfer (the `id` of `sip-call-change`). */
  id: string;
  /** Where to: `user@host` of the checked target. Plain text. */
  target: string;
  /** Who asks: the other party of that call. Plain text. */
  from: { user: string; displayName: string; uri: string };
  /** An attended transfer: the new call takes over one the target already has. */
  attended: boolean;
  /** Follows the transfer at once, without asking the user. */
  accept(): void;
}

/**
 * Fired when the far end asks to transfer a call (REFER) to a target the checks allow, before the
 * user is asked. Cancelable: `preventDefault()` declines it; `detail.accept()` follows it unasked.
 */
export class SipTransferRequestEvent extends CustomEvent<SipTransferRequestDetail> {
  constructor(detail: SipTransferRequestDetail) {
    super('sip-transfer-request', init(detail, true));
  }
}

export interface SipAutoAnswerDetail {
  /** The ringing call that is about to be answered (the `id` of `sip-call-change`). */
  id: string;
  /**
   * Seconds until the answer, as set by `auto-answer` or asked by the call (0–60); the phone
   * waits at least half a second whatever this says, while the warning tone plays.
   */
  after: number;
  /** The call asked for it (`Call-Info` `answer-after`, `Alert-Info` `alert-autoanswer`). */
  requested: boolean;
  /** Who calls. Plain text. */
  caller: { user: string; displayName: string; uri: string };
}

/**
 * Fired when an incoming call is about to be answered by itself (`auto-answer`), before the
 * countdown starts. Cancelable: `preventDefault()` lets the call ring as any other.
 */
export class SipAutoAnswerEvent extends CustomEvent<SipAutoAnswerDetail> {
  constructor(detail: SipAutoAnswerDetail) {
    super('sip-auto-answer', init(detail, true));
  }
}

export interface SipSelfTestCompleteDetail {
  report: SelfTestReport;
}

/** Fired by `<sip-self-test>` when a self-test finished. */
export class SipSelfTestCompleteEvent extends CustomEvent<SipSelfTestCompleteDetail> {
  constructor(detail: SipSelfTestCompleteDetail) {
    super('sip-self-test-complete', init(detail));
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'sip-registration-change': SipRegistrationChangeEvent;
    'sip-call-change': SipCallChangeEvent;
    'sip-call-request': SipCallRequestEvent;
    'sip-dialpad-press': SipDialpadPressEvent;
    'sip-redial': SipRedialEvent;
    'sip-history-clear': SipHistoryClearEvent;
    'sip-device-change': SipDeviceChangeEvent;
    'sip-quality-change': SipQualityChangeEvent;
    'sip-self-test-complete': SipSelfTestCompleteEvent;
    'sip-transfer-request': SipTransferRequestEvent;
    'sip-presence-change': SipPresenceChangeEvent;
    'sip-voicemail-change': SipVoicemailChangeEvent;
    'sip-auto-answer': SipAutoAnswerEvent;
  }
}
