/**
 * How a call ended, read from JsSIP's `failed` (before answer) and `ended` (after) events: the call
 * state machine's input, and the SIP status or the local cause to tell the user. JsSIP reports
 * many different ends with the same cause (a transport error of an unanswered call is "Canceled"),
 * so what the call itself did — hung up, declined, lost its connection — decides between them.
 */
import type { EndEvent } from 'jssip/lib/RTCSession';
import type { CallInput } from './call-machine.js';
import type { LocalCause } from './outcomes.js';
import { sanitizeRemoteText } from './text.js';

/** The input that ends the call, and what to say about it. */
export interface CallEnd {
  input: Extract<CallInput, 'cancel' | 'reject' | 'hangup' | 'fail'>;
  status?: number;
  /** Reason phrase, sanitised. */
  reason?: string;
  cause?: LocalCause;
}

/** What the call knows about its own end. */
export interface CallEndContext {
  /** We asked to hang up (before answer: our CANCEL). */
  hangupRequested: boolean;
  /** The status we declined an incoming call with. */
  rejectStatus: number | undefined;
  /** The connection dropped while the call was being set up. */
  connectionLost: boolean;
  /** A target refresh after a reconnection was in flight. */
  refreshingTarget: boolean;
  /** Why we hung up, when it was not a plain hang-up (e.g. after a transfer). */
  localEndCause: LocalCause | undefined;
  /** The reason phrase of the last response with `status`, as it was on the wire. */
  reasonOnWire(status: number): string | undefined;
}

/** JsSIP's end causes, as the local causes the outcome catalogue explains. */
const JSSIP_CAUSE_TO_LOCAL: Readonly<Record<string, LocalCause>> = {
  'Connection Error': 'connection-error',
  'Request Timeout': 'request-timeout',
  'WebRTC Error': 'webrtc-error',
  'Bad Media Description': 'bad-media',
  'Incompatible SDP': 'bad-media',
  'Missing SDP': 'bad-media',
  'RTP Timeout': 'rtp-timeout',
  'No ACK': 'no-ack',
  'Dialog Error': 'dialog-error',
  'No Answer': 'no-answer',
  Expires: 'no-answer',
  'User Denied Media Access': 'microphone-denied',
};

/**
 * The end of a call that failed before it was answered. A `microphone-denied` cause is JsSIP's
 * word for every getUserMedia failure: the caller refines it from the error (devices.ts).
 */
export function callEndOnFailed(event: EndEvent, context: CallEndContext): CallEnd {
  const message = event.message as {
    status_code?: number;
    reason_phrase?: string;
  } | null;
  if (event.cause === 'Canceled') {
    if (event.originator === 'local' && context.hangupRequested) {
      // JsSIP reports our CANCEL before the 487 arrives; the 487 is certain, say it now.
      return { input: 'cancel', status: 487, reason: 'Request Terminated' };
    }
    if (event.originator === 'remote') {
      return { input: 'cancel', status: 487, reason: 'Request Terminated', cause: 'missed' };
    }
    // JsSIP also reports a transport error or timeout of an unanswered call as "Canceled".
    return {
      input: 'fail',
      cause: context.connectionLost ? 'connection-error' : 'request-timeout',
    };
  }
  if (event.originator === 'local' && context.rejectStatus !== undefined) {
    return { input: 'reject', status: context.rejectStatus, cause: 'rejected-local' };
  }
  if (message && typeof message.status_code === 'number' && message.status_code >= 300) {
    // The reason phrase as it was on the wire: the transport may have had to make it parseable.
    const status = message.status_code;
    const reason = context.reasonOnWire(status) ?? sanitizeRemoteText(message.reason_phrase);
    return { input: 'fail', status, reason };
  }
  return { input: 'fail', cause: JSSIP_CAUSE_TO_LOCAL[event.cause] ?? 'unknown' };
}

/** The end of an answered call (BYE either way, or a failure JsSIP hung up for). */
export function callEndOnEnded(event: EndEvent, context: CallEndContext): CallEnd {
  const local = JSSIP_CAUSE_TO_LOCAL[event.cause];
  if (
    context.refreshingTarget &&
    (local === 'dialog-error' || local === 'request-timeout' || local === 'connection-error')
  ) {
    // The far end no longer knew the dialog (481), or the refresh got no answer (408).
    return { input: 'fail', cause: 'connection-dropped' };
  }
  if (event.cause === 'Terminated' || (!local && event.originator !== 'system')) {
    const cause =
      event.originator === 'remote' ? 'hangup-remote' : (context.localEndCause ?? 'hangup-local');
    return { input: 'hangup', cause };
  }
  return { input: 'fail', cause: local ?? 'unknown' };
}
