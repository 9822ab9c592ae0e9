/**
 * A follower tab's view of the phone another tab holds: `RemotePhone` mirrors the leader's
 * registration and calls from its state messages and sends it commands; each `RemoteCall` has the
 * surface of a `Call` that a view uses (`id`, `state`, `snapshot`, `on('change')`, `hangup()`,
 * `answer()`, `sendDtmf()`, `setMuted()`, `hold()`…), acting through the leader. It has no
 * media: the peer connection and the audio live in the leader's tab (`peerConnection` is
 * undefined, `remoteStream` has no tracks).
 */
import { Emitter } from './emitter.js';
import type { CallEvents } from './call.js';
import type { CallSnapshot } from './call-snapshot.js';
import { isEstablishedCallState, isFinalCallState, type CallState } from './call-machine.js';
import { describeOutcome } from './outcomes.js';
import { DialStringError, DtmfError, PhoneStateError, type SipPhoneError } from './errors.js';
import { validateDtmf } from './dtmf.js';
import type { RegistrationSnapshot } from './registration-driver.js';
import type { TabChannel, TabCommand, TabError, TabMessage, TabState } from './tab-channel.js';

/** How long a command waits for the leader's answer. */
export const COMMAND_TIMEOUT_MS = 5000;

export interface RemotePhoneEvents extends Record<string, unknown> {
  'registration-change': RegistrationSnapshot;
  call: RemoteCall;
}

/** The error a command's result carries, as the class a view recognises. */
export function errorFromTab(error: TabError | undefined): SipPhoneError | Error {
  if (!error) return new PhoneStateError('in-another-tab', 'The other tab did not do it.');
  if (error.name === 'DialStringError') return new DialStringError('', error.code, error.message);
  if (error.name === 'DtmfError') return new DtmfError(error.code, error.message);
  if (error.name === 'PhoneStateError') return new PhoneStateError(error.code, error.message);
  return new Error(error.message);
}

export class RemotePhone extends Emitter<RemotePhoneEvents> {
  #registration: RegistrationSnapshot = { state: 'unregistered' };
  readonly #calls = new Map<string, RemoteCall>();
  readonly #channel: TabChannel;
  readonly #pending = new Map<
    string,
    { resolve(): void; reject(error: unknown): void; timer: ReturnType<typeof setTimeout> }
  >();
  #off: (() => void) | undefined;
  /** The tab whose state this mirrors (the latest that sent one). */
  #leader: string | undefined;

  constructor(channel: TabChannel) {
    super();
    this.#channel = channel;
  }

  get registration(): RegistrationSnapshot {
    return this.#registration;
  }

  /** Mirrored calls not over yet. */
  get calls(): RemoteCall[] {
    return [...this.#calls.values()].filter((c) => !isFinalCallState(c.state));
  }

  /** Listens to the channel and asks the leader for its state. */
  start(): void {
    if (this.#off) return;
    this.#off = this.#channel.on((message) => this.#handle(message));
    this.#channel.post({ kind: 'hello' });
  }

  /**
   * Stops mirroring: waiting commands fail, and calls still live end here as lost (the tab that
   * held them is gone, or this tab takes over and never had them).
   */
  stop(): void {
    this.#off?.();
    this.#off = undefined;
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(new PhoneStateError('in-another-tab', 'The tab that holds the phone left.'));
      this.#pending.delete(id);
    }
    this.#endAll();
  }

  /**
   * Sends a command to the leader; resolves when it was done, rejects with its error (or when no
   * leader answers in time).
   */
  send(command: TabCommand): Promise<void> {
    const id = crypto.randomUUID();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new PhoneStateError('no-leader', 'The tab that holds the phone did not answer.'));
      }, COMMAND_TIMEOUT_MS);
      this.#pending.set(id, { resolve, reject, timer });
      this.#channel.post({ kind: 'command', id, command });
    });
  }

  #handle(message: TabMessage): void {
    switch (message.kind) {
      case 'state':
        this.#leader = message.from;
        this.#apply(message.state);
        return;
      case 'leaving':
        if (message.from !== this.#leader) return;
        this.#leader = undefined;
        this.#endAll();
        this.#setRegistration({ state: 'unregistered' });
        return;
      case 'result': {
        if (message.to !== this.#channel.tabId) return;
        const pending = this.#pending.get(message.id);
        if (!pending) return;
        this.#pending.delete(message.id);
        clearTimeout(pending.timer);
        if (message.ok) pending.resolve();
        else pending.reject(errorFromTab(message.error));
        return;
      }
      default:
        // `hello` and `command` are for the leader.
        return;
    }
  }

  #apply(state: TabState): void {
    this.#setRegistration(state.registration);
    const live = new Set(state.calls.map((c) => c.id));
    for (const snapshot of [...state.calls, ...(state.ended ? [state.ended] : [])]) {
      const known = this.#calls.get(snapshot.id);
      if (known) {
        known.update(snapshot);
        if (isFinalCallState(snapshot.state)) this.#calls.delete(snapshot.id);
      } else if (!isFinalCallState(snapshot.state)) {
        const call = new RemoteCall(snapshot, this);
        this.#calls.set(call.id, call);
        this.emit('call', call);
      }
    }
    // A call the leader no longer has (it changed, or a final message was missed): over.
    for (const [id, call] of this.#calls) {
      if (!live.has(id)) {
        this.#calls.delete(id);
        call.lost();
      }
    }
  }

  #endAll(): void {
    const calls = [...this.#calls.values()];
    this.#calls.clear();
    for (const call of calls) call.lost();
  }

  #setRegistration(snapshot: RegistrationSnapshot): void {
    const previous = this.#registration;
    if (
      previous.state === snapshot.state &&
      previous.status === snapshot.status &&
      previous.reason === snapshot.reason &&
      previous.cause === snapshot.cause &&
      previous.retryAt === snapshot.retryAt
    )
      return;
    this.#registration = snapshot;
    this.emit('registration-change', snapshot);
  }
}

/** A call held by the leader tab, as this tab sees and drives it. */
export class RemoteCall extends Emitter<CallEvents> {
  /** Always true: this call's media is in another tab. */
  readonly inAnotherTab = true;
  readonly id: string;
  readonly direction: CallSnapshot['direction'];
  readonly remote: CallSnapshot['remote'];
  /** No microphone here: the leader tab's is used. */
  readonly microphoneId = '';
  /** The responses to the INVITE are seen by the leader only. */
  readonly responses: [] = [];
  /** No peer connection in this tab. */
  readonly peerConnection: undefined = undefined;
  /** The SIP Call-ID is the leader's to know. */
  readonly callId: undefined = undefined;
  #snapshot: CallSnapshot;
  #stream: MediaStream | undefined;
  readonly #phone: RemotePhone;

  /** @internal Created by {@link RemotePhone}. */
  constructor(snapshot: CallSnapshot, phone: RemotePhone) {
    super();
    this.#snapshot = snapshot;
    this.#phone = phone;
    this.id = snapshot.id;
    this.direction = snapshot.direction;
    this.remote = snapshot.remote;
  }

  get state(): CallState {
    return this.#snapshot.state;
  }

  get snapshot(): CallSnapshot {
    return this.#snapshot;
  }

  /** An empty stream: the far end's audio plays in the leader's tab. */
  get remoteStream(): MediaStream {
    return (this.#stream ??= new MediaStream());
  }

  /** @internal The leader's newer snapshot. */
  update(snapshot: CallSnapshot): void {
    if (isFinalCallState(this.state) || snapshot.id !== this.id) return;
    this.#snapshot = snapshot;
    this.emit('change', snapshot);
  }

  /** @internal The tab that held this call is gone (or this tab took over): it ended there. */
  lost(): void {
    if (isFinalCallState(this.state)) return;
    const next: CallSnapshot = {
      ...this.#snapshot,
      state: 'ended',
      previous: this.state,
      cause: 'tab-closed',
      endedAt: Date.now(),
    };
    delete next.status;
    delete next.reason;
    delete next.pending;
    const outcome = describeOutcome(next);
    if (outcome) next.outcome = outcome;
    this.#snapshot = next;
    this.emit('change', next);
  }

  hangup(): void {
    if (isFinalCallState(this.state)) return;
    void this.#send({ op: 'hangup', call: this.id });
  }

  answer(): void {
    if (this.state !== 'incoming') {
      throw new PhoneStateError('not-ringing', 'There is no incoming call to answer.');
    }
    void this.#send({ op: 'answer', call: this.id });
  }

  reject(status: 486 | 603 = 486): void {
    if (this.state !== 'incoming') {
      throw new PhoneStateError('not-ringing', 'There is no incoming call to reject.');
    }
    void this.#send({ op: 'reject', call: this.id, status });
  }

  /** Resolves true once the leader's hold succeeded. */
  hold(): Promise<boolean> {
    if (this.state !== 'connected' || this.#snapshot.pending) return Promise.resolve(false);
    return this.#phone.send({ op: 'hold', call: this.id }).then(
      () => true,
      () => false,
    );
  }

  /** Resumes through the leader (which puts any other call on hold). */
  unhold(): Promise<boolean> {
    if (this.state !== 'held' || this.#snapshot.pending) return Promise.resolve(false);
    return this.#phone.send({ op: 'resume', call: this.id }).then(
      () => true,
      () => false,
    );
  }

  setMuted(muted: boolean): void {
    if (isFinalCallState(this.state)) return;
    void this.#send({ op: 'mute', call: this.id, muted });
  }

  /** Sends DTMF through the leader. Throws {@link DtmfError} on bad input here. */
  sendDtmf(digits: string): undefined {
    const text = validateDtmf(digits);
    if (!isEstablishedCallState(this.state)) {
      throw new PhoneStateError('not-connected', 'DTMF can only be sent during a connected call.');
    }
    void this.#send({ op: 'dtmf', call: this.id, digits: text });
    return undefined;
  }

  /** The microphone is the leader tab's: nothing to switch here. */
  switchMicrophone(): Promise<void> {
    return Promise.resolve();
  }

  /** Hangs up (the leader records its own cause). */
  endFor(): void {
    this.hangup();
  }

  #send(command: TabCommand): Promise<void> {
    return this.#phone.send(command).catch(() => undefined);
  }
}
