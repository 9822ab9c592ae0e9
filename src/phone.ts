/**
 * `Phone` owns the JsSIP user agent: it validates the configuration, registers over WebSocket,
 * drives the registration state machine, places and receives calls, and routes every SIP message
 * seen on the wire to the call it belongs to.
 */
import JsSIP from 'jssip';
import type { RTCSessionEvent, UA } from 'jssip/lib/UA';
import type { RTCSession } from 'jssip/lib/RTCSession';
import type { IncomingRequest } from 'jssip/lib/SIPMessage';
import { Emitter } from './emitter.js';
import {
  resolveConfig,
  validateExtraHeader,
  type PhoneConfig,
  type ResolvedPhoneConfig,
} from './config.js';
import { parseDialString, type DialTarget } from './dial-string.js';
import { Call, type CallEvents, type CallSnapshot, type RemoteParty } from './call.js';
import { isLiveCallState } from './call-machine.js';
import {
  nextRegistrationState,
  type RegistrationInput,
  type RegistrationState,
} from './registration-machine.js';
import { describeLocalCause, describeStatus, type LocalCause, type Outcome } from './outcomes.js';
import { PhoneStateError } from './errors.js';
import { sanitizeRemoteText } from './text.js';
import { ObservedSocket, type WireMessage } from './transport.js';
import { microphoneConstraints } from './devices.js';

export interface RegistrationSnapshot {
  state: RegistrationState;
  previous?: RegistrationState;
  /** SIP status of the REGISTER answer that caused the change, when there is one. */
  status?: number;
  /** Reason phrase (sanitised) or the local cause's title. */
  reason?: string;
  cause?: LocalCause;
  outcome?: Outcome;
}

export interface PhoneEvents extends Record<string, unknown> {
  'registration-change': RegistrationSnapshot;
  /** A new call, outgoing or incoming. */
  call: Call;
  /** Any call's snapshot changed. */
  'call-change': CallSnapshot;
  /** Every SIP message on the wire (for diagnostics and benchmarks). */
  wire: WireMessage;
}

export interface CallOptions {
  /** Extra headers for this INVITE, each `Name: value` (validated like the config's). */
  extraHeaders?: string[];
}

// Keep routing late responses (the 487 after a CANCEL) to an ended call for this long.
const LATE_MESSAGE_WINDOW_MS = 32_000;

export class Phone extends Emitter<PhoneEvents> {
  readonly config: ResolvedPhoneConfig;
  readonly #ua: UA;
  readonly #socket: ObservedSocket;
  #registration: RegistrationSnapshot = { state: 'unregistered' };
  readonly #calls = new Set<Call>();
  readonly #callsByCallId = new Map<string, Call>();
  #started = false;
  #stopping = false;
  #microphoneId = '';
  /** Call-IDs of INVITEs with Replaces we agreed to: they are answered without ringing. */
  readonly #replacements = new Set<string>();

  /** Throws {@link ConfigError} when the configuration is missing or unsafe. */
  constructor(config: PhoneConfig) {
    super();
    this.config = resolveConfig(config);
    this.#socket = new ObservedSocket(this.config.server, (message) => this.#handleWire(message));
    this.#ua = new JsSIP.UA({
      sockets: [this.#socket],
      uri: this.config.uri,
      authorization_user: this.config.authUser,
      password: this.config.password,
      display_name: this.config.displayName || undefined,
      register: this.config.register,
      register_expires: this.config.registerExpires,
      user_agent: this.config.userAgent,
      session_timers: false,
      extra_headers: this.config.extraHeaders,
    } as ConstructorParameters<typeof JsSIP.UA>[0]);
    this.#bindUa();
  }

  get registration(): RegistrationSnapshot {
    return this.#registration;
  }

  /** Calls not yet over. */
  get calls(): Call[] {
    return [...this.#calls].filter((call) => isLiveCallState(call.state));
  }

  /** The account's domain: dial strings without one call within it. */
  get domain(): string {
    return this.config.account.host;
  }

  /** Connects and (unless `register: false`) registers. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#stopping = false;
    if (this.config.register) this.#transition('register', {});
    this.#ua.start();
  }

  /** Hangs up every call, un-registers and disconnects. Resolves when the socket is closed. */
  async stop(): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    this.#stopping = true;
    for (const call of this.calls) call.hangup();
    const closed = new Promise<void>((resolve) => {
      if (!this.#ua.isConnected()) resolve();
      else {
        this.#ua.once('disconnected', () => resolve());
        setTimeout(resolve, 2000);
      }
    });
    this.#ua.stop();
    await closed;
    this.#transition('unregistered', {});
  }

  /** Parses a dial string against the account's domain. Throws {@link DialStringError}. */
  parseTarget(target: string): DialTarget {
    return parseDialString(target, {
      domain: this.domain,
      allowOtherDomains: this.config.allowOtherDomains,
    });
  }

  /**
   * Places a call. Throws {@link DialStringError} for a bad target and {@link PhoneStateError} when
   * the phone is not started or a call is already in progress.
   */
  call(target: string, options: CallOptions = {}): Call {
    const dial = this.parseTarget(target);
    if (!this.#started) throw new PhoneStateError('not-started', 'The phone is not started.');
    if (this.calls.length >= this.config.maxLines) {
      throw new PhoneStateError(
        'busy',
        this.config.maxLines === 1
          ? 'A call is already in progress; hang it up first.'
          : `All ${this.config.maxLines} lines are busy; hang up a call first.`,
      );
    }
    // One conversation at a time: whoever you were talking to waits on hold.
    this.#holdOthers(undefined);
    const extraHeaders = (options.extraHeaders ?? []).map(validateExtraHeader);
    // JsSIP fires `peerconnection` synchronously inside ua.call(), before the Call exists.
    const early: { call?: Call; pc?: RTCPeerConnection } = {};
    const session = this.#ua.call(dial.uri, {
      mediaConstraints: microphoneConstraints(this.#microphoneId),
      pcConfig: { iceServers: this.config.iceServers },
      extraHeaders: [...this.config.extraHeaders, ...extraHeaders],
      eventHandlers: Call.earlyHandlers((pc) => {
        if (early.call) early.call.bindPeerConnection(pc);
        else early.pc = pc;
      }),
    });
    const call = this.#adopt(session, 'outgoing', {
      displayName: '',
      user: dial.user,
      uri: dial.uri,
    });
    early.call = call;
    if (early.pc) call.bindPeerConnection(early.pc);
    call.start();
    return call;
  }

  /** The microphone for calls (`''`: the system default). */
  get microphoneId(): string {
    return this.#microphoneId;
  }

  /**
   * Chooses the microphone for new calls and moves live calls to it (`replaceTrack`, no
   * renegotiation). Rejects when the device cannot be opened; live calls keep their microphone.
   */
  async setMicrophone(deviceId: string): Promise<void> {
    this.#microphoneId = deviceId;
    await Promise.all(this.calls.map((call) => call.switchMicrophone(deviceId)));
  }

  /**
   * Transfers `call`: to a dial string (blind transfer: REFER), or to another of our calls
   * (attended transfer: REFER with Replaces, so the two others talk and we drop out). Resolves
   * true when the far end reports success; `call.snapshot.transfer` tracks the progress.
   */
  transfer(call: Call, target: string | Call): Promise<boolean> {
    if (typeof target === 'string') return call.refer(this.parseTarget(target).uri);
    if (target === call || (target.state !== 'connected' && target.state !== 'held')) {
      throw new PhoneStateError('bad-transfer-target', 'Transfer to another connected call.');
    }
    return call.refer(this.parseTarget(target.remote.uri).uri, target);
  }

  /** Answers an incoming call; a call you are talking on goes on hold first (call waiting). */
  answer(call: Call): void {
    if (call.state !== 'incoming') {
      throw new PhoneStateError('not-ringing', 'There is no incoming call to answer.');
    }
    this.#holdOthers(call);
    call.answer();
  }

  /** Switches to a held call: the others go on hold, this one resumes. */
  async resume(call: Call): Promise<boolean> {
    if (call.state !== 'held') return false;
    await Promise.all(this.#holdOthers(call));
    return call.unhold();
  }

  #holdOthers(except: Call | undefined): Array<Promise<boolean>> {
    return this.calls.filter((c) => c !== except && c.state === 'connected').map((c) => c.hold());
  }

  #adopt(session: RTCSession, direction: 'outgoing' | 'incoming', remote: RemoteParty): Call {
    const call = new Call(session, direction, this.config, remote);
    call.microphoneId = this.#microphoneId;
    this.#calls.add(call);
    const offChange = call.on('change', (snapshot) => {
      this.emit('call-change', snapshot);
      if (!isLiveCallState(snapshot.state)) {
        offChange();
        this.#calls.delete(call);
        // Late messages for this Call-ID (the 487 after a CANCEL) still reach the call for a while.
        const callId = call.callId;
        if (callId) setTimeout(() => this.#callsByCallId.delete(callId), LATE_MESSAGE_WINDOW_MS);
      }
    });
    session.on('sending', ({ request }) => this.#callsByCallId.set(request.call_id, call));
    call.on('transfer-request', (request) => this.#handleTransferRequest(request));
    call.on('replace-request', ({ callId, accept, reject }) => {
      if (!this.config.acceptTransfers) return reject();
      this.#replacements.add(callId);
      accept();
    });
    this.emit('call', call);
    return call;
  }

  #bindUa(): void {
    const ua = this.#ua;
    ua.on('connected', () => {
      if (this.config.register && this.#registration.state !== 'registered')
        this.#transition('register', {});
    });
    ua.on('disconnected', ({ error }) => {
      if (this.#stopping) return;
      if (this.#registration.state === 'registering' && error) {
        this.#transition('transport-error', { cause: 'connection-error' });
      } else if (this.#registration.state === 'registered') {
        this.#transition('transport-lost', { cause: 'connection-error' });
      }
    });
    ua.on('registered', ({ response }) => {
      this.#transition('registered', {
        status: response.status_code,
        reason: sanitizeRemoteText(response.reason_phrase),
      });
    });
    ua.on('unregistered', ({ response }) => {
      // JsSIP also emits this when the socket closes; that case is handled by `disconnected`.
      if (this.#stopping || response) this.#transition('unregistered', {});
    });
    ua.on('registrationFailed', ({ response, cause }) => {
      if (response) {
        this.#transition('fail', {
          status: response.status_code,
          reason: sanitizeRemoteText(response.reason_phrase),
        });
      } else {
        this.#transition('fail', {
          cause: cause === 'Request Timeout' ? 'request-timeout' : 'connection-error',
        });
      }
    });
    ua.on('newRTCSession', (event: RTCSessionEvent) => {
      if (event.originator !== 'remote') return;
      this.#handleIncoming(event.session, event.request);
    });
  }

  /** The far end asks us to call someone (REFER): only to a target our dial rules allow. */
  #handleTransferRequest(request: CallEvents['transfer-request']): void {
    let dial: DialTarget;
    try {
      dial = this.parseTarget(request.target);
    } catch {
      request.reject();
      return;
    }
    if (
      !this.config.acceptTransfers ||
      this.calls.length >= this.config.maxLines ||
      this.#stopping
    ) {
      request.reject();
      return;
    }
    request.accept(
      {
        mediaConstraints: microphoneConstraints(this.#microphoneId),
        pcConfig: { iceServers: this.config.iceServers },
        extraHeaders: [...this.config.extraHeaders],
      },
      (session) => {
        const call = this.#adopt(session, 'outgoing', {
          displayName: '',
          user: dial.user,
          uri: dial.uri,
        });
        call.start();
      },
    );
  }

  #handleIncoming(session: RTCSession, request: IncomingRequest): void {
    if (this.calls.length >= this.config.maxLines || this.#stopping) {
      session.terminate({ status_code: 486 });
      return;
    }
    const identity = session.remote_identity;
    const call = this.#adopt(session, 'incoming', {
      displayName: sanitizeRemoteText(identity?.display_name ?? ''),
      user: sanitizeRemoteText(identity?.uri?.user ?? ''),
      uri: sanitizeRemoteText(identity?.uri?.toString() ?? '', 256),
    });
    const callId = (request as IncomingRequest & { call_id: string }).call_id;
    call.setCallId(callId);
    this.#callsByCallId.set(callId, call);
    call.start();
    // An attended transfer we agreed to: this call takes over one we already have.
    if (this.#replacements.delete(callId)) call.answer();
  }

  #handleWire(message: WireMessage): void {
    this.emit('wire', message);
    this.#callsByCallId.get(message.callId)?.handleWireMessage(message);
  }

  #transition(
    input: RegistrationInput,
    detail: { status?: number; reason?: string; cause?: LocalCause },
  ): void {
    const current = this.#registration;
    const state = nextRegistrationState(current.state, input);
    if (state === undefined) return;
    const next: RegistrationSnapshot = { state, ...detail };
    if (state !== current.state) next.previous = current.state;
    else if (current.previous) next.previous = current.previous;
    if (detail.cause) next.outcome = describeLocalCause(detail.cause);
    else if (detail.status !== undefined) next.outcome = describeStatus(detail.status, 'register');
    if (state === current.state && next.status === current.status && next.cause === current.cause)
      return;
    this.#registration = next;
    this.emit('registration-change', next);
  }
}
