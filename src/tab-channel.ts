/**
 * The protocol between the tabs that share one phone (one account in one browser profile): the
 * leader tab, which holds the JsSIP user agent, tells the others (followers) its registration and
 * its calls; followers send it commands (call, answer, hang up, DTMF, mute, hold). Over a
 * `BroadcastChannel` whose name is a hash of the server list and the account's URI.
 *
 * Every message is untrusted: any script of the origin can post on the channel. `parseTabMessage`
 * keeps only what has the exact shape of this version's messages (version, kind, fields, their
 * types, lengths and values) and rebuilds it field by field, so nothing else reaches a phone or a
 * view; anything else is dropped. Text is sanitised as remote text is. No message carries a
 * credential: the leader's configuration never crosses the channel, only what a view shows.
 */
import { CallState, isFinalCallState } from './call-machine.js';
import type { CallSnapshot, RemoteParty } from './call-snapshot.js';
import { describeOutcome, LOCAL_OUTCOMES, type LocalCause } from './outcomes.js';
import { RegistrationState } from './registration-machine.js';
import type { RegistrationSnapshot } from './registration-driver.js';
import { sanitizeRemoteText } from './text.js';
import type { TransferProgress, TransferState } from './transfer.js';

/** The protocol's version: a message of another version is dropped. */
export const TAB_PROTOCOL_VERSION = 1;

/** At most this many calls in one state message (the phone allows a few lines, never more). */
export const MAX_SHARED_CALLS = 8;

/** What a follower asks the leader to do. */
export type TabCommand =
  | { op: 'call'; target: string }
  | { op: 'answer'; call: string }
  | { op: 'hangup'; call: string }
  | { op: 'reject'; call: string; status: 486 | 603 }
  | { op: 'dtmf'; call: string; digits: string }
  | { op: 'mute'; call: string; muted: boolean }
  | { op: 'hold'; call: string }
  | { op: 'resume'; call: string }
  | { op: 'retry' };

/** What the leader shows: its registration and its calls not over yet. */
export interface TabState {
  registration: RegistrationSnapshot;
  /** Live calls, oldest first. */
  calls: CallSnapshot[];
  /** A call that just ended (its final snapshot), sent once. */
  ended?: CallSnapshot;
}

/** Why a command failed, in words a view may show. */
export interface TabError {
  name: 'PhoneStateError' | 'DialStringError' | 'DtmfError' | 'Error';
  code: string;
  message: string;
}

export type TabMessageBody =
  /** A follower (new, or back) asks for the state. */
  | { kind: 'hello' }
  /** The leader's state, after every change and in answer to `hello`. */
  | { kind: 'state'; state: TabState }
  | { kind: 'command'; id: string; command: TabCommand }
  | { kind: 'result'; to: string; id: string; ok: boolean; error?: TabError }
  /** The leader steps down (its page goes away): another tab takes over. */
  | { kind: 'leaving' };

export type TabMessage = TabMessageBody & { v: typeof TAB_PROTOCOL_VERSION; from: string };

// Tab ids and command ids: random UUIDs (or any short token of these characters).
const TOKEN = /^[A-Za-z0-9-]{1,64}$/;
// A call's id is JsSIP's session id (Call-ID + tag): printable ASCII without spaces.
const CALL_ID = /^[\x21-\x7e]{1,256}$/;
const CALL_STATES = new Set<string>(Object.values(CallState));
const REGISTRATION_STATES = new Set<string>(Object.values(RegistrationState));
const TRANSFER_PROGRESS = new Set<TransferProgress>([
  'requested',
  'accepted',
  'progress',
  'succeeded',
  'failed',
]);
const ERROR_NAMES = new Set<TabError['name']>([
  'PhoneStateError',
  'DialStringError',
  'DtmfError',
  'Error',
]);

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** True when `value` has exactly these keys (some optional): nothing else rides along. */
function hasOnlyKeys(value: Json, required: readonly string[], optional: readonly string[] = []) {
  const keys = Object.keys(value);
  return (
    required.every((key) => key in value) &&
    keys.every((key) => required.includes(key) || optional.includes(key))
  );
}

const isToken = (value: unknown): value is string => typeof value === 'string' && TOKEN.test(value);
const isCallId = (value: unknown): value is string =>
  typeof value === 'string' && CALL_ID.test(value);
const isTime = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 && value < 8.64e15;
const isStatus = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 100 && value <= 699;
const isText = (value: unknown, max: number): value is string =>
  typeof value === 'string' && value.length <= max;
const isLocalCause = (value: unknown): value is LocalCause =>
  typeof value === 'string' && Object.hasOwn(LOCAL_OUTCOMES, value);

/**
 * The message, rebuilt from what was received when it has this version's exact shape; undefined
 * otherwise (the caller drops it). Never throws.
 */
export function parseTabMessage(data: unknown): TabMessage | undefined {
  try {
    return parse(data);
  } catch {
    return undefined;
  }
}

function parse(data: unknown): TabMessage | undefined {
  if (!isObject(data) || data.v !== TAB_PROTOCOL_VERSION || !isToken(data.from)) return undefined;
  const base = { v: TAB_PROTOCOL_VERSION, from: data.from } as const;
  switch (data.kind) {
    case 'hello':
    case 'leaving':
      return hasOnlyKeys(data, ['v', 'from', 'kind']) ? { ...base, kind: data.kind } : undefined;
    case 'state': {
      if (!hasOnlyKeys(data, ['v', 'from', 'kind', 'state'])) return undefined;
      const state = parseState(data.state);
      return state && { ...base, kind: 'state', state };
    }
    case 'command': {
      if (!hasOnlyKeys(data, ['v', 'from', 'kind', 'id', 'command']) || !isToken(data.id))
        return undefined;
      const command = parseCommand(data.command);
      return command && { ...base, kind: 'command', id: data.id, command };
    }
    case 'result': {
      if (!hasOnlyKeys(data, ['v', 'from', 'kind', 'to', 'id', 'ok'], ['error'])) return undefined;
      if (!isToken(data.to) || !isToken(data.id) || typeof data.ok !== 'boolean') return undefined;
      if (data.error === undefined)
        return { ...base, kind: 'result', to: data.to, id: data.id, ok: data.ok };
      const error = parseError(data.error);
      return error && { ...base, kind: 'result', to: data.to, id: data.id, ok: data.ok, error };
    }
    default:
      return undefined;
  }
}

/** A command, rebuilt; undefined for an unknown operation or a field of the wrong type. */
export function parseCommand(value: unknown): TabCommand | undefined {
  if (!isObject(value)) return undefined;
  const { op } = value;
  switch (op) {
    case 'retry':
      return hasOnlyKeys(value, ['op']) ? { op } : undefined;
    case 'call':
      // A dial string: the leader parses it as it parses typed ones (dial-string.ts).
      return hasOnlyKeys(value, ['op', 'target']) && isText(value.target, 256) && value.target
        ? { op, target: value.target }
        : undefined;
    case 'answer':
    case 'hangup':
    case 'hold':
    case 'resume':
      return hasOnlyKeys(value, ['op', 'call']) && isCallId(value.call)
        ? { op, call: value.call }
        : undefined;
    case 'reject':
      return hasOnlyKeys(value, ['op', 'call', 'status']) &&
        isCallId(value.call) &&
        (value.status === 486 || value.status === 603)
        ? { op, call: value.call, status: value.status }
        : undefined;
    case 'dtmf':
      // Checked again by the leader (validateDtmf); here only the shape.
      return hasOnlyKeys(value, ['op', 'call', 'digits']) &&
        isCallId(value.call) &&
        isText(value.digits, 256) &&
        /^[0-9*#A-Da-d,]+$/.test(value.digits)
        ? { op, call: value.call, digits: value.digits }
        : undefined;
    case 'mute':
      return hasOnlyKeys(value, ['op', 'call', 'muted']) &&
        isCallId(value.call) &&
        typeof value.muted === 'boolean'
        ? { op, call: value.call, muted: value.muted }
        : undefined;
    default:
      return undefined;
  }
}

function parseError(value: unknown): TabError | undefined {
  if (!isObject(value) || !hasOnlyKeys(value, ['name', 'code', 'message'])) return undefined;
  const { name, code, message } = value;
  if (!ERROR_NAMES.has(name as TabError['name']) || !isText(code, 64) || !isText(message, 1000))
    return undefined;
  return {
    name: name as TabError['name'],
    code: sanitizeRemoteText(code, 64),
    message: sanitizeRemoteText(message, 300),
  };
}

function parseState(value: unknown): TabState | undefined {
  if (!isObject(value) || !hasOnlyKeys(value, ['registration', 'calls'], ['ended']))
    return undefined;
  const registration = parseRegistration(value.registration);
  if (!registration || !Array.isArray(value.calls) || value.calls.length > MAX_SHARED_CALLS)
    return undefined;
  const calls: CallSnapshot[] = [];
  for (const item of value.calls) {
    const call = parseCallSnapshot(item);
    if (!call || isFinalCallState(call.state)) return undefined;
    calls.push(call);
  }
  if (new Set(calls.map((c) => c.id)).size !== calls.length) return undefined;
  if (value.ended === undefined) return { registration, calls };
  const ended = parseCallSnapshot(value.ended);
  if (!ended || !isFinalCallState(ended.state)) return undefined;
  return { registration, calls, ended };
}

/** A registration snapshot, rebuilt; its outcome is described here, not taken from the message. */
export function parseRegistration(value: unknown): RegistrationSnapshot | undefined {
  if (
    !isObject(value) ||
    !hasOnlyKeys(value, ['state'], ['previous', 'status', 'reason', 'cause', 'outcome', 'retryAt'])
  )
    return undefined;
  const { state, previous, status, reason, cause, retryAt } = value;
  if (typeof state !== 'string' || !REGISTRATION_STATES.has(state)) return undefined;
  if (
    previous !== undefined &&
    (typeof previous !== 'string' || !REGISTRATION_STATES.has(previous))
  )
    return undefined;
  if (status !== undefined && !isStatus(status)) return undefined;
  if (reason !== undefined && !isText(reason, 1000)) return undefined;
  if (cause !== undefined && !isLocalCause(cause)) return undefined;
  if (retryAt !== undefined && !isTime(retryAt)) return undefined;
  const snapshot: RegistrationSnapshot = { state: state as RegistrationSnapshot['state'] };
  if (previous !== undefined) snapshot.previous = previous as RegistrationSnapshot['state'];
  if (status !== undefined) snapshot.status = status;
  if (reason !== undefined) snapshot.reason = sanitizeRemoteText(reason);
  if (cause !== undefined) snapshot.cause = cause;
  if (retryAt !== undefined) snapshot.retryAt = retryAt;
  const outcome = describeOutcome(snapshot, 'register');
  if (outcome) snapshot.outcome = outcome;
  return snapshot;
}

const CALL_KEYS = ['id', 'direction', 'state', 'remote', 'muted', 'remoteHold', 'startedAt'];
const CALL_OPTIONAL = [
  'previous',
  'status',
  'reason',
  'cause',
  'outcome',
  'pending',
  'transfer',
  'holdError',
  'reconnecting',
  'answeredAt',
  'endedAt',
];

/**
 * A call snapshot, rebuilt field by field; text sanitised as remote text, and its outcome
 * described here (from the status and cause), never taken from the message.
 */
export function parseCallSnapshot(value: unknown): CallSnapshot | undefined {
  if (!isObject(value) || !hasOnlyKeys(value, CALL_KEYS, CALL_OPTIONAL)) return undefined;
  const v = value;
  if (!isCallId(v.id) || (v.direction !== 'incoming' && v.direction !== 'outgoing'))
    return undefined;
  if (typeof v.state !== 'string' || !CALL_STATES.has(v.state)) return undefined;
  if (v.previous !== undefined && (typeof v.previous !== 'string' || !CALL_STATES.has(v.previous)))
    return undefined;
  const remote = parseRemote(v.remote);
  if (!remote || typeof v.muted !== 'boolean' || typeof v.remoteHold !== 'boolean')
    return undefined;
  if (!isTime(v.startedAt)) return undefined;
  if (v.status !== undefined && !isStatus(v.status)) return undefined;
  if (v.reason !== undefined && !isText(v.reason, 1000)) return undefined;
  if (v.cause !== undefined && !isLocalCause(v.cause)) return undefined;
  if (v.pending !== undefined && v.pending !== 'hold' && v.pending !== 'unhold') return undefined;
  if (v.reconnecting !== undefined && typeof v.reconnecting !== 'boolean') return undefined;
  for (const key of ['answeredAt', 'endedAt'] as const)
    if (v[key] !== undefined && !isTime(v[key])) return undefined;
  const snapshot: CallSnapshot = {
    id: v.id,
    direction: v.direction,
    state: v.state as CallState,
    remote,
    muted: v.muted,
    remoteHold: v.remoteHold,
    startedAt: v.startedAt,
  };
  if (v.previous !== undefined) snapshot.previous = v.previous as CallState;
  if (v.status !== undefined) snapshot.status = v.status;
  if (v.reason !== undefined) snapshot.reason = sanitizeRemoteText(v.reason);
  if (v.cause !== undefined) snapshot.cause = v.cause;
  if (v.pending !== undefined) snapshot.pending = v.pending;
  if (v.reconnecting) snapshot.reconnecting = true;
  if (v.answeredAt !== undefined) snapshot.answeredAt = v.answeredAt as number;
  if (v.endedAt !== undefined) snapshot.endedAt = v.endedAt as number;
  if (v.transfer !== undefined) {
    const transfer = parseTransfer(v.transfer);
    if (!transfer) return undefined;
    snapshot.transfer = transfer;
  }
  if (v.holdError !== undefined) {
    const holdError = parseHoldError(v.holdError);
    if (!holdError) return undefined;
    snapshot.holdError = holdError;
  }
  const outcome = describeOutcome(snapshot);
  if (outcome) snapshot.outcome = outcome;
  return snapshot;
}

function parseRemote(value: unknown): RemoteParty | undefined {
  if (!isObject(value) || !hasOnlyKeys(value, ['displayName', 'user', 'uri'])) return undefined;
  const { displayName, user, uri } = value;
  if (!isText(displayName, 1000) || !isText(user, 1000) || !isText(uri, 1000)) return undefined;
  return {
    displayName: sanitizeRemoteText(displayName),
    user: sanitizeRemoteText(user),
    uri: sanitizeRemoteText(uri, 256),
  };
}

function parseTransfer(value: unknown): TransferState | undefined {
  if (!isObject(value) || !hasOnlyKeys(value, ['kind', 'target', 'state'], ['status', 'reason']))
    return undefined;
  const { kind, target, state, status, reason } = value;
  if (kind !== 'blind' && kind !== 'attended') return undefined;
  if (!isText(target, 1000) || !TRANSFER_PROGRESS.has(state as TransferProgress)) return undefined;
  if (status !== undefined && !isStatus(status)) return undefined;
  if (reason !== undefined && !isText(reason, 1000)) return undefined;
  const transfer: TransferState = {
    kind,
    target: sanitizeRemoteText(target, 256),
    state: state as TransferProgress,
  };
  if (status !== undefined) transfer.status = status;
  if (reason !== undefined) transfer.reason = sanitizeRemoteText(reason);
  return transfer;
}

function parseHoldError(value: unknown): CallSnapshot['holdError'] {
  if (!isObject(value) || !hasOnlyKeys(value, ['action'], ['status', 'reason'])) return undefined;
  const { action, status, reason } = value;
  if (action !== 'hold' && action !== 'unhold') return undefined;
  if (status !== undefined && !isStatus(status)) return undefined;
  if (reason !== undefined && !isText(reason, 1000)) return undefined;
  return {
    action,
    ...(status !== undefined ? { status } : {}),
    ...(reason !== undefined ? { reason: sanitizeRemoteText(reason) } : {}),
  };
}

/**
 * What a call snapshot becomes on the channel: plain data (structured clone), without its
 * outcome (each tab describes it in its own words) and without `undefined` fields.
 */
export function wireCallSnapshot(snapshot: CallSnapshot): Json {
  return withoutOutcome(snapshot);
}

/** The same for a registration snapshot. */
export function wireRegistration(snapshot: RegistrationSnapshot): Json {
  return withoutOutcome(snapshot);
}

const withoutOutcome = (snapshot: object): Json =>
  JSON.parse(
    JSON.stringify(snapshot, (key, value: unknown) => (key === 'outcome' ? undefined : value)),
  ) as Json;

/**
 * The name of the lock and of the channel for an account: a SHA-256 of the servers and the SIP
 * URI, so that neither appears in it (and never the password, which is not part of it). Tabs with
 * the same servers and URI share one phone, whatever their other settings.
 */
export async function tabLockName(servers: readonly string[], uri: string): Promise<string> {
  const text = JSON.stringify(['sip-phone/tabs/1', [...servers], uri.toLowerCase()]);
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `sip-phone:${hex}`;
}

/** One tab's end of the channel: messages it sends are stamped; messages it gets are parsed. */
export class TabChannel {
  readonly tabId: string;
  readonly #channel: BroadcastChannel;
  readonly #handlers = new Set<(message: TabMessage) => void>();
  #closed = false;

  constructor(name: string, tabId: string = crypto.randomUUID()) {
    this.tabId = tabId;
    this.#channel = new BroadcastChannel(name);
    this.#channel.onmessage = (event: MessageEvent) => {
      const message = parseTabMessage(event.data);
      // Dropped: anything malformed, and our own messages (another element of this page on the
      // same channel name sends with its own id).
      if (!message || message.from === this.tabId) return;
      for (const handler of [...this.#handlers]) handler(message);
    };
  }

  /** Sends a message; nothing after `close()`. */
  post(body: TabMessageBody): void {
    if (this.#closed) return;
    this.#channel.postMessage({ v: TAB_PROTOCOL_VERSION, from: this.tabId, ...body });
  }

  /** Listens to valid messages from other tabs; returns the function that stops listening. */
  on(handler: (message: TabMessage) => void): () => void {
    this.#handlers.add(handler);
    return () => this.#handlers.delete(handler);
  }

  close(): void {
    this.#closed = true;
    this.#handlers.clear();
    this.#channel.close();
  }
}
