/**
 * What a view knows of a call at one moment ({@link CallSnapshot}), and the pure step from one
 * snapshot to the next ({@link nextCallSnapshot}): the call state machine's transition, the
 * outcome to show, and whether anything a view renders changed at all.
 */
import { isFinalCallState, nextCallState, type CallInput, type CallState } from './call-machine.js';
import { describeOutcome, type LocalCause, type Outcome } from './outcomes.js';
import type { TransferState } from './transfer.js';

export type CallDirection = 'outgoing' | 'incoming';

export interface RemoteParty {
  /** Display name, sanitised (no control or bidi characters). Render as text. */
  displayName: string;
  /** The user part (number or name). */
  user: string;
  uri: string;
}

/** Everything a view needs to render the call, at one moment. */
export interface CallSnapshot {
  id: string;
  direction: CallDirection;
  state: CallState;
  previous?: CallState;
  /** SIP status code that caused the latest change, when there is one. */
  status?: number;
  /** The reason phrase sent with `status` (sanitised), or the local cause's title. */
  reason?: string;
  /** A local cause when no SIP status applies (microphone-denied, hangup-remote, …). */
  cause?: LocalCause;
  /** What to tell the user about this state. */
  outcome?: Outcome;
  remote: RemoteParty;
  muted: boolean;
  /** The other side put the call on hold (a sendonly/inactive re-INVITE from them). */
  remoteHold: boolean;
  /** A hold or resume re-INVITE is in flight: hold controls should wait. */
  pending?: 'hold' | 'unhold';
  /** A transfer this call asked for, and how far it got. */
  transfer?: TransferState;
  /** The last hold/resume that failed (the call goes on), e.g. `{ status: 488 }`. */
  holdError?: { action: 'hold' | 'unhold'; status?: number; reason?: string };
  /**
   * The audio path was interrupted (ICE `disconnected` or `failed`) and the phone is restoring it
   * (waiting, then an ICE-restart re-INVITE). The call is kept meanwhile; "Reconnecting…".
   */
  reconnecting?: boolean;
  startedAt: number;
  answeredAt?: number;
  endedAt?: number;
}

/** The fields a change may set; `undefined` clears one. */
export type CallSnapshotPatch = Partial<
  Pick<
    CallSnapshot,
    | 'status'
    | 'reason'
    | 'cause'
    | 'muted'
    | 'remoteHold'
    | 'pending'
    | 'holdError'
    | 'transfer'
    | 'reconnecting'
    | 'answeredAt'
    | 'endedAt'
  >
>;

/** The fields whose change is worth a `change` event (timestamps alone are not). */
const WATCHED = [
  'status',
  'reason',
  'cause',
  'muted',
  'remoteHold',
  'pending',
  'holdError',
  'transfer',
  'reconnecting',
] as const;

/**
 * The snapshot after `input` (a state machine input, or undefined for a change within the state)
 * and `patch`. Undefined when there is nothing to report: the input is illegal in this state (a
 * late event after the end), the call is over and the change is not a transition, or nothing a
 * view shows changed.
 */
export function nextCallSnapshot(
  current: CallSnapshot,
  input: CallInput | undefined,
  patch: CallSnapshotPatch,
): CallSnapshot | undefined {
  const state = input ? nextCallState(current.state, input) : current.state;
  if (state === undefined) return undefined;
  if (!input && isFinalCallState(current.state)) return undefined;
  const changesState = state !== current.state;
  const next: CallSnapshot = { ...current, ...patch, state };
  if (changesState) next.previous = current.state;
  if (input) {
    // A new state drops the status and cause of the previous one unless the input brought its own.
    if (patch.status === undefined) delete next.status;
    if (patch.reason === undefined) delete next.reason;
    if (patch.cause === undefined) delete next.cause;
  }
  next.outcome = describeOutcome(next);
  for (const key of Object.keys(patch) as Array<keyof typeof patch>) {
    if (patch[key] === undefined) delete next[key];
  }
  if (!changesState && WATCHED.every((key) => next[key] === current[key])) return undefined;
  return next;
}
