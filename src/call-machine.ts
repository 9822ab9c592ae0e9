/**
 * The call state machine as a pure transition table. `nextCallState()` returns the next state, or
 * `undefined` when the input is illegal in the current state: the caller ignores those.
 */

export const CallState = {
  Idle: 'idle',
  Calling: 'calling',
  Ringing: 'ringing',
  EarlyMedia: 'early-media',
  Incoming: 'incoming',
  Connected: 'connected',
  Held: 'held',
  Ended: 'ended',
  Failed: 'failed',
} as const;
export type CallState = (typeof CallState)[keyof typeof CallState];

export const CallInput = {
  /** We sent an INVITE. */
  Dial: 'dial',
  /** An INVITE arrived. */
  Incoming: 'incoming',
  /** A 180/181/182 (or a 183 without SDP): the far end is alerting. */
  Ringing: 'ringing',
  /** A provisional response with SDP: early media plays. */
  EarlyMedia: 'early-media',
  /** The call was answered (2xx sent or received). */
  Answered: 'answered',
  Hold: 'hold',
  Unhold: 'unhold',
  /** Ended before answer by a CANCEL (either side) → 487. */
  Cancel: 'cancel',
  /** We declined an incoming call. */
  Reject: 'reject',
  /** A normal hang-up of an established call (BYE either way). */
  Hangup: 'hangup',
  /** A final failure: non-2xx response, media or transport error. */
  Fail: 'fail',
} as const;
export type CallInput = (typeof CallInput)[keyof typeof CallInput];

type Table = Record<CallState, Partial<Record<CallInput, CallState>>>;

const outgoingEarly = {
  ringing: 'ringing',
  'early-media': 'early-media',
  answered: 'connected',
  cancel: 'ended',
  fail: 'failed',
} as const;

const TABLE: Table = {
  idle: { dial: 'calling', incoming: 'incoming' },
  calling: outgoingEarly,
  ringing: outgoingEarly,
  // A 180 after early media does not silence the early media: stay.
  'early-media': { ...outgoingEarly, ringing: 'early-media' },
  incoming: { answered: 'connected', cancel: 'ended', reject: 'ended', fail: 'failed' },
  connected: { hold: 'held', hangup: 'ended', fail: 'failed' },
  held: { unhold: 'connected', hangup: 'ended', fail: 'failed' },
  ended: {},
  failed: {},
};

/** The next state, or `undefined` when `input` is illegal in `state`. */
export const nextCallState = (state: CallState, input: CallInput): CallState | undefined =>
  TABLE[state][input];

/** States in which the call is over. */
export const isFinalCallState = (state: CallState): boolean =>
  state === 'ended' || state === 'failed';

/** States in which a call is being set up or is in progress. */
export const isLiveCallState = (state: CallState): boolean =>
  state !== 'idle' && !isFinalCallState(state);

/** Answered and not over: talking, or on hold. */
export const isEstablishedCallState = (state: CallState | string | undefined): boolean =>
  state === 'connected' || state === 'held';
