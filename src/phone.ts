/**
 * `Phone` owns the JsSIP user agent: it validates the configuration, registers over WebSocket,
 * drives the registration state machine, places and receives calls, and routes every SIP message
 * seen on the wire to the call it belongs to.
 *
 * It also owns the connection's life, which JsSIP alone gets wrong (see registration-policy.ts and
 * transport.ts): when to REGISTER and when to give up, when to reconnect, how to notice a connection
 * that died silently (keep-alive), re-checking after the network or the page comes back, keeping
 * calls through a connection loss, and hanging up and un-registering when the page goes away.
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
import {
  Call,
  type CallEvents,
  type CallSnapshot,
  type RemoteParty,
  type TransferRefusal,
} from './call.js';
import {
  addressUri,
  parseRemoteUri,
  replacementAuthorized,
  transferTargetAllowed,
  type ReferToTarget,
} from './transfer-policy.js';
import { TransferRequest } from './transfer-request.js';
import { isEstablishedCallState, isLiveCallState } from './call-machine.js';
import {
  nextRegistrationState,
  type RegistrationInput,
  type RegistrationState,
} from './registration-machine.js';
import { describeLocalCause, describeStatus, type LocalCause, type Outcome } from './outcomes.js';
import { PhoneStateError } from './errors.js';
import { sanitizeRemoteText } from './text.js';
import { ObservedSocket, type FlowEvent, type WireMessage } from './transport.js';
import { microphoneConstraints } from './devices.js';
import {
  INITIAL_POLICY_STATE,
  grantedExpires,
  flowTimerSeconds,
  nextPolicyStep,
  parseRetryAfter,
  refreshDelayMs,
  type PolicyEvent,
  type PolicyState,
} from './registration-policy.js';
import { KeepAlive } from './keep-alive.js';
import {
  uaInternals,
  WAITING_TRANSACTION_STATES,
  type RegistratorInternals,
} from './jssip-internals.js';
import { addSecretHeaders, enableDebugLog } from './log-redaction.js';
import { DiagnosticsRecorder, type DiagnosticsReport } from './diagnostics.js';
import { Prewarm } from './prewarm.js';
import { fetchCredentials, renewDelayMs, type Credentials } from './credentials.js';

export interface RegistrationSnapshot {
  state: RegistrationState;
  previous?: RegistrationState;
  /** SIP status of the REGISTER answer that caused the change, when there is one. */
  status?: number;
  /** Reason phrase (sanitised) or the local cause's title. */
  reason?: string;
  cause?: LocalCause;
  outcome?: Outcome;
  /**
   * When the phone tries again (epoch ms): the next REGISTER or reconnection after a failure, per
   * the backoff or the server's `Retry-After`. Absent when nothing is scheduled — in particular
   * after a refusal no retry can change (wrong password, 403, 404), until the settings change.
   */
  retryAt?: number;
}

export interface PhoneEvents extends Record<string, unknown> {
  'registration-change': RegistrationSnapshot;
  /** A new call, outgoing or incoming. */
  call: Call;
  /** Any call's snapshot changed. */
  'call-change': CallSnapshot;
  /** Every SIP message on the wire (for diagnostics and benchmarks). */
  wire: WireMessage;
  /**
   * The far end asks to transfer a call (REFER) to a target the checks allow. With the `ask`
   * policy the request waits for `accept()` or `decline()` (declined when it expires); with
   * `accept`, a listener may still decline it synchronously.
   */
  'transfer-request': TransferRequest;
  /** A REFER was refused at once: malformed, forbidden target, policy `refuse`, or no free line. */
  'transfer-refused': TransferRefusal & { call: Call; target?: string };
}

export interface CallOptions {
  /** Extra headers for this INVITE, each `Name: value` (validated like the config's). */
  extraHeaders?: string[];
}

// How long a pre-warmed microphone and peer connection wait for the call before they are released.
const PREWARM_HOLD_MS = 15_000;

// Keep routing late responses (the 487 after a CANCEL) to an ended call for this long.
const LATE_MESSAGE_WINDOW_MS = 32_000;

export class Phone extends Emitter<PhoneEvents> {
  readonly config: ResolvedPhoneConfig;
  readonly #ua: UA;
  readonly #socket: ObservedSocket;
  readonly #registrator: RegistratorInternals;
  readonly #keepAlive: KeepAlive;
  #registration: RegistrationSnapshot = { state: 'unregistered' };
  readonly #calls = new Set<Call>();
  readonly #callsByCallId = new Map<string, Call>();
  #started = false;
  #stopping = false;
  #microphoneId = '';
  /** Call-IDs of INVITEs with Replaces we agreed to: they are answered without ringing. */
  readonly #replacements = new Set<string>();
  #policy: PolicyState = { ...INITIAL_POLICY_STATE };
  /** The next REGISTER or reconnection the policy scheduled. */
  #attempt:
    { kind: 'register' | 'connect'; at: number; timer: ReturnType<typeof setTimeout> } | undefined;
  /** The browser said it went offline, and has not said it is back. */
  #offline = false;
  /** A REGISTER succeeded on the current connection. */
  #registeredOnFlow = false;
  /** When the registration must be refreshed (epoch ms), checked by timer and on page events. */
  #refreshAt: number | undefined;
  #refreshTimer: ReturnType<typeof setTimeout> | undefined;
  /** The last REGISTER we sent: its CSeq, and whether it was an un-REGISTER (Expires: 0). */
  #lastRegister:
    { callId: string; cseq: number; unregister: boolean; answered: boolean } | undefined;
  /**
   * The CSeq of the REGISTER whose 423 JsSIP is about to retry by itself when the policy says no:
   * tied to that REGISTER, so a duplicated 423 cannot leave a later REGISTER of ours suppressed.
   */
  #suppressRetryOf: number | undefined;
  /** We asked to un-register (stop, page hidden): JsSIP's `unregistered` is expected. */
  #unregistering = false;
  #offLifecycle: (() => void) | undefined;
  /** What a support engineer will ask for: ladders, transitions, statistics (bounded). */
  readonly #diagnostics = new DiagnosticsRecorder();
  readonly #prewarm = new Prewarm();
  /** Credentials being fetched from `config.credentials`: resolves true once they are in use. */
  #credentialsFetch: Promise<boolean> | undefined;
  /** The credentials in use came from the provider; when they run out (epoch ms), if they do. */
  #credentials: { expiresAt: number | undefined } | undefined;
  #credentialsTimer: ReturnType<typeof setTimeout> | undefined;
  /** A refused REGISTER was already retried once with fresh credentials since the last success. */
  #retriedWithFreshCredentials = false;

  /** Throws {@link ConfigError} when the configuration is missing or unsafe. */
  constructor(config: PhoneConfig) {
    super();
    this.config = resolveConfig(config);
    // Configured extra headers carry API keys and tokens: their values never reach a log.
    addSecretHeaders(this.config.extraHeaders);
    if (this.config.debug) enableDebugLog(this.config.debug);
    this.#socket = new ObservedSocket(
      this.config.servers,
      (message, text) => this.#handleWire(message, text),
      { onFlow: (event) => this.#handleFlow(event) },
    );
    this.#ua = new JsSIP.UA({
      sockets: [this.#socket],
      uri: this.config.uri,
      authorization_user: this.config.authUser,
      password: this.config.password,
      display_name: this.config.displayName || undefined,
      // The phone decides when to REGISTER (registration-policy.ts), not JsSIP.
      register: false,
      register_expires: this.config.registerExpires,
      instance_id: this.config.instanceId,
      user_agent: this.config.userAgent,
      session_timers: false,
      extra_headers: this.config.extraHeaders,
    } as ConstructorParameters<typeof JsSIP.UA>[0]);
    this.#registrator = this.#governRegistrator();
    this.#keepAlive = new KeepAlive({
      interval: this.config.keepAliveInterval,
      timeout: this.config.keepAliveTimeout,
      lastInbound: () => this.#socket.lastInboundAt,
      probe: () => this.#probe(),
      onDead: () => this.#socket.drop(),
    });
    this.#bindUa();
  }

  get registration(): RegistrationSnapshot {
    return this.#registration;
  }

  /** The connection to the server as it really is (a lost one is being re-established). */
  get connection(): 'closed' | 'connecting' | 'open' | 'down' {
    return this.#socket.state;
  }

  /** The server the phone is connected (or connecting) to, from `config.servers`. */
  get server(): string {
    return this.#socket.url;
  }

  /** Calls not yet over. */
  get calls(): Call[] {
    return [...this.#calls].filter((call) => isLiveCallState(call.state));
  }

  /** The account's domain: dial strings without one call within it. */
  get domain(): string {
    return this.config.account.host;
  }

  /**
   * A diagnostics report: the SIP ladder of the last calls and of the registration (credentials
   * and ICE passwords redacted), state transitions, ICE candidate pairs and statistics summaries,
   * versions, and the configuration without its secrets.
   */
  diagnostics(): Promise<DiagnosticsReport> {
    const c = this.config;
    return this.#diagnostics.report({
      config: {
        server: c.server,
        servers: c.servers,
        uri: c.uri,
        authUser: c.authUser,
        displayName: c.displayName,
        password: c.password ? 'set (not shown)' : 'none',
        credentials: c.credentials ? 'callback' : 'none',
        // TURN usernames and credentials stay out; the addresses are what support needs.
        iceServers: c.iceServers.flatMap((server) => server.urls),
        iceGatheringTimeout: c.iceGatheringTimeout,
        codecs: c.codecs,
        dtmfMode: c.dtmfMode,
        dtmfDuration: c.dtmfDuration,
        dtmfGap: c.dtmfGap,
        register: c.register,
        registerExpires: c.registerExpires,
        maxLines: c.maxLines,
        transfers: c.transfers,
        transferAllowList: c.transferAllowList,
        userAgent: c.userAgent,
        // Header names only: values may be tokens.
        extraHeaders: c.extraHeaders.map((header) => header.split(':')[0]),
      },
      connection: this.connection,
      registration: this.#registration,
    });
  }

  /**
   * Adds a change of a call's quality warnings to the diagnostics (the elements report what their
   * quality monitor decided; `issues` empty: the warnings cleared).
   */
  noteQuality(call: Call, issues: readonly string[], mos?: number): void {
    this.#diagnostics.recordTransition({
      kind: 'quality',
      call: call.id,
      state: issues.length ? issues.join(' ') : 'clear',
      mos,
    });
  }

  /**
   * "Retry now": makes the scheduled reconnection or REGISTER at once instead of waiting for the
   * backoff. The backoff is not reset: if this attempt fails too, the next wait is longer. False
   * when nothing is scheduled (registered, an attempt under way, or refused until the settings
   * change).
   */
  retryNow(): boolean {
    const attempt = this.#attempt;
    if (!this.#started || this.#stopping || !attempt) return false;
    this.#cancelAttempt();
    this.#runAttempt(attempt.kind);
    return true;
  }

  /** Connects and (unless `register: false`) registers. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#stopping = false;
    this.#unregistering = false;
    if (this.config.register && !this.#policy.stopped) this.#transition('register', {});
    this.#offLifecycle = this.#watchLifecycle();
    // A phone that only calls has credentials ready before the first INVITE is challenged.
    if (!this.config.register) void this.ensureCredentials();
    this.#ua.start();
  }

  /**
   * With `config.credentials`: fetches credentials when there are none yet or they are about to
   * run out, and resolves true once usable ones are in place (false when the provider failed).
   * Without a provider, resolves true at once.
   */
  async ensureCredentials(): Promise<boolean> {
    if (!this.config.credentials) return true;
    const current = this.#credentials;
    const left = current?.expiresAt === undefined ? Infinity : current.expiresAt - Date.now();
    if (current && left > CREDENTIALS_MARGIN_MS) return true;
    return this.#renewCredentials();
  }

  /** Hangs up every call, un-registers and disconnects. Resolves when the socket is closed. */
  async stop(): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    this.#stopping = true;
    this.#unregistering = true;
    this.#cancelAttempt();
    this.#clearRefresh();
    clearTimeout(this.#credentialsTimer);
    this.#keepAlive.stop();
    this.#offLifecycle?.();
    this.#offLifecycle = undefined;
    for (const call of this.calls) call.hangup();
    this.#prewarm.release();
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
    this.#diagnostics.dispose();
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
    addSecretHeaders(extraHeaders);
    // What prewarm() prepared, if it matches: the INVITE then waits for the offer only.
    const warm = this.#prewarm.take(this.#microphoneId, this.config.iceServers);
    // JsSIP fires `peerconnection` synchronously inside ua.call(), before the Call exists.
    const early: { call?: Call; pc?: RTCPeerConnection } = {};
    const session = this.#ua.call(dial.uri, {
      ...(warm
        ? { mediaStream: warm.stream, pcConfig: warm.pcConfig }
        : {
            mediaConstraints: microphoneConstraints(this.#microphoneId),
            pcConfig: { iceServers: this.config.iceServers },
          }),
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
    if (warm) {
      const off = call.on('change', ({ state }) => {
        if (isLiveCallState(state)) return;
        off();
        this.#prewarm.finished(warm.stream);
      });
    }
    call.start();
    return call;
  }

  /**
   * Prepares the next call while the user is about to place it (hover or focus on a Call button):
   * opens the microphone and a peer connection that gathers its ICE candidates in advance, so the
   * INVITE leaves as soon as the offer is made. Held for 15 s, then released. Rejects when the
   * microphone cannot be opened (the call itself will say why).
   */
  async prewarm(): Promise<void> {
    if (!this.#started || this.calls.length >= this.config.maxLines) return;
    await this.#prewarm.prepare(this.#microphoneId, this.config.iceServers, PREWARM_HOLD_MS);
  }

  /** True while a pre-warmed microphone and peer connection wait for a call. */
  get prewarmed(): boolean {
    return this.#prewarm.ready;
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
    this.#prewarm.release();
    await Promise.all(this.calls.map((call) => call.switchMicrophone(deviceId)));
  }

  /**
   * Transfers `call`: to a dial string (blind transfer: REFER), or to another of our calls
   * (attended transfer: REFER with Replaces, so the two others talk and we drop out). Resolves
   * true when the far end reports success; `call.snapshot.transfer` tracks the progress.
   */
  transfer(call: Call, target: string | Call): Promise<boolean> {
    if (typeof target === 'string') return call.refer(this.parseTarget(target).uri);
    if (target === call || !isEstablishedCallState(target.state)) {
      throw new PhoneStateError('bad-transfer-target', 'Transfer to another connected call.');
    }
    // The other call's address came from the far end: a URI (`;user=phone` and all), not a dial
    // string; it is checked as one.
    const uri = parseRemoteUri(target.remote.uri)?.uri;
    if (!uri) {
      throw new PhoneStateError(
        'bad-transfer-target',
        'The address of the other call cannot be used for a transfer.',
      );
    }
    return call.refer(uri, target);
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
    call.canSignal = () => this.#socket.state === 'open';
    this.#calls.add(call);
    this.#watchForDiagnostics(call);
    const offChange = call.on('change', (snapshot) => {
      this.emit('call-change', snapshot);
      if (snapshot.state === 'failed' && (snapshot.status === 401 || snapshot.status === 407)) {
        // The server refused our credentials: the next call gets fresh ones.
        if (this.config.credentials) void this.#renewCredentials();
      }
      if (!isLiveCallState(snapshot.state)) {
        offChange();
        this.#calls.delete(call);
        // Late messages for this Call-ID (the 487 after a CANCEL) still reach the call for a while.
        const callId = call.callId;
        if (callId) setTimeout(() => this.#callsByCallId.delete(callId), LATE_MESSAGE_WINDOW_MS);
      }
    });
    session.on('sending', ({ request }) => this.#callsByCallId.set(request.call_id, call));
    call.screenTransfer = (target) => this.#screenTransfer(target);
    call.on('transfer-refused', (refusal) => this.emit('transfer-refused', { ...refusal, call }));
    call.on('transfer-request', (request) => this.#handleTransferRequest(call, request));
    call.on('replace-request', ({ callId, from, referredBy, accept, reject }) => {
      if (this.config.transfers === 'refuse' || this.#stopping) return reject();
      // RFC 3891 §6: only the party of this call (or someone acting for them) takes it over
      // unasked; any other replacement rings like a new call, and the user decides.
      const referrer = referredBy === undefined ? undefined : addressUri(referredBy);
      if (replacementAuthorized(call.remote.uri, { from, referredBy: referrer })) {
        this.#replacements.add(callId);
      }
      accept();
    });
    this.emit('call', call);
    return call;
  }

  #watchForDiagnostics(call: Call): void {
    const recorder = this.#diagnostics;
    recorder.watchCall(call);
    let last = '';
    const off = call.on('change', (snapshot) => {
      const key = `${snapshot.state} ${snapshot.status ?? ''} ${snapshot.cause ?? ''}`;
      if (key !== last) {
        last = key;
        recorder.recordTransition({
          kind: 'call',
          call: snapshot.id,
          state: snapshot.state,
          previous: snapshot.previous,
          status: snapshot.status,
          reason: snapshot.reason,
          cause: snapshot.cause,
        });
      }
      recorder.callChanged(call);
      if (!isLiveCallState(snapshot.state)) off();
    });
  }

  #bindUa(): void {
    const ua = this.#ua;
    ua.on('registrationFailed', ({ response, cause }) => {
      if (this.#stopping) return;
      if (response) {
        const status = response.status_code;
        this.#registrationRejected(status, sanitizeRemoteText(response.reason_phrase), {
          retryAfter: parseRetryAfter(response.getHeader('Retry-After')),
        });
      } else if (cause === 'Request Timeout') {
        this.#applyPolicy({ type: 'timeout' }, { cause: 'request-timeout' });
      }
      // A connection error is the connection's business: #handleFlow reports it.
    });
    ua.on('unregistered', () => {
      // JsSIP also emits this after a failed refresh; only an un-REGISTER we asked for counts.
      if (this.#unregistering) this.#transition('unregistered', {});
    });
    // JsSIP's own refresh timer: the phone refreshes (it may be earlier, see refreshDelayMs).
    ua.on('registrationExpiring', () => this.#registerNow());
    ua.on('newRTCSession', (event: RTCSessionEvent) => {
      if (event.originator !== 'remote') return;
      this.#handleIncoming(event.session, event.request);
    });
  }

  /**
   * JsSIP's registrator, with its `register()` governed: JsSIP answers a 423 by registering again
   * at once, every time — ~600 REGISTERs a second against a server that keeps answering 423. JsSIP
   * calls the governed method; the phone's own REGISTERs use the original, never suppressed.
   */
  #governRegistrator(): RegistratorInternals {
    const registrator = uaInternals(this.#ua)._registrator;
    const register = registrator.register.bind(registrator);
    registrator.register = () => {
      const suppressed = this.#suppressRetryOf;
      if (suppressed !== undefined && suppressed === this.#lastRegister?.cseq) {
        this.#suppressRetryOf = undefined;
        return;
      }
      register();
    };
    return {
      register,
      get registered() {
        return registrator.registered;
      },
    };
  }

  /** Sends a REGISTER now, when the policy, the connection and the configuration allow it. */
  #registerNow(): void {
    if (!this.#started || this.#stopping || !this.config.register || this.#policy.stopped) return;
    if (this.#socket.state !== 'open') return;
    this.#cancelAttempt('register');
    if (this.#registration.state !== 'registered') this.#transition('register', {});
    if (!this.config.credentials) {
      this.#registrator.register();
      return;
    }
    // Short-lived credentials: fresh ones for every REGISTER.
    void this.#renewCredentials().then((ok) => {
      if (!this.#started || this.#stopping || this.#socket.state !== 'open') return;
      if (ok) this.#registrator.register();
      else this.#applyPolicy({ type: 'timeout' }, { cause: 'credentials-unavailable' });
    });
  }

  /** Fetches credentials from the provider and puts them in use; one fetch at a time. */
  #renewCredentials(): Promise<boolean> {
    const provider = this.config.credentials;
    if (!provider) return Promise.resolve(true);
    this.#credentialsFetch ??= fetchCredentials(provider)
      .then((credentials) => {
        if (!this.#started) return false;
        this.#useCredentials(credentials);
        return true;
      })
      .catch(() => false)
      .finally(() => (this.#credentialsFetch = undefined));
    return this.#credentialsFetch;
  }

  /**
   * Puts credentials in JsSIP's configuration: a password (and no stale digest HA1, which JsSIP
   * keeps in place of the password after a challenge), or a bearer token and nothing else.
   */
  #useCredentials(credentials: Credentials): void {
    const jssip = uaInternals(this.#ua).configuration;
    jssip.ha1 = null;
    if ('token' in credentials) {
      jssip.password = null;
      jssip.authorization_jwt = `Bearer ${credentials.token}`;
    } else {
      jssip.authorization_jwt = null;
      jssip.password = credentials.password;
    }
    this.#credentials = { expiresAt: credentials.expiresAt };
    clearTimeout(this.#credentialsTimer);
    const renewIn = renewDelayMs(credentials.expiresAt, Date.now());
    // A registering phone fetches again with each REGISTER; renew here too if they run out first.
    if (renewIn !== undefined) {
      this.#credentialsTimer = setTimeout(() => void this.#renewCredentials(), renewIn);
    }
  }

  /** A final non-2xx answer to REGISTER (after any digest challenge). */
  #registrationRejected(
    status: number,
    reason: string,
    detail: { retryAfter?: number | undefined; minExpires?: number | undefined },
  ): void {
    if (
      (status === 401 || status === 403 || status === 407) &&
      this.config.credentials &&
      !this.#retriedWithFreshCredentials
    ) {
      // A short-lived credential may have run out between fetching and using it: once more.
      this.#retriedWithFreshCredentials = true;
      this.#registerNow();
      return;
    }
    const event: PolicyEvent = {
      type: 'rejected',
      status,
      ...(detail.retryAfter !== undefined ? { retryAfter: detail.retryAfter } : {}),
      ...(detail.minExpires !== undefined ? { minExpires: detail.minExpires } : {}),
    };
    this.#applyPolicy(event, { status, reason });
  }

  /**
   * Feeds the policy and carries out what it says. `failure` describes the failure for the
   * registration snapshot, when the event is one.
   */
  #applyPolicy(
    event: PolicyEvent,
    failure?: { status?: number; reason?: string; cause?: LocalCause },
  ): void {
    const timing = {
      baseDelay: this.config.retryBaseDelay / 1000,
      maxDelay: this.config.retryMaxDelay / 1000,
    };
    const { state, action } = nextPolicyStep(this.#policy, event, Date.now(), timing);
    this.#policy = state;
    switch (action.type) {
      case 'none':
        break;
      case 'stop':
        this.#cancelAttempt();
        if (failure) this.#transition('fail', failure);
        break;
      case 'register':
        if (event.type === 'rejected' && event.status === 423 && action.at <= Date.now()) {
          // JsSIP retries a 423 at once by itself, with the server's Min-Expires. Let it, once.
          break;
        }
        if (failure) this.#transition('fail', { ...failure, retryAt: action.at });
        this.#scheduleAttempt('register', action.at);
        break;
      case 'connect':
        this.#scheduleAttempt('connect', action.at);
        break;
    }
  }

  #scheduleAttempt(kind: 'register' | 'connect', at: number): void {
    this.#cancelAttempt();
    const delay = at - Date.now();
    if (delay <= 0) {
      this.#runAttempt(kind);
      return;
    }
    const timer = setTimeout(() => {
      this.#attempt = undefined;
      this.#runAttempt(kind);
    }, delay);
    this.#attempt = { kind, at, timer };
    this.#patchRegistration({ retryAt: at });
  }

  #runAttempt(kind: 'register' | 'connect'): void {
    if (!this.#started) return;
    this.#patchRegistration({ retryAt: undefined });
    if (kind === 'connect') this.#socket.reopen();
    else this.#registerNow();
  }

  #cancelAttempt(kind?: 'register' | 'connect'): void {
    if (!this.#attempt || (kind && this.#attempt.kind !== kind)) return;
    clearTimeout(this.#attempt.timer);
    this.#attempt = undefined;
  }

  /** Runs a scheduled attempt that is due (its timer may have been throttled in the background). */
  #runOverdueAttempt(): void {
    const attempt = this.#attempt;
    if (!attempt || attempt.at > Date.now()) return;
    this.#cancelAttempt();
    this.#runAttempt(attempt.kind);
  }

  /** The connection came up or went down (transport.ts keeps this from JsSIP). */
  #handleFlow(event: FlowEvent): void {
    if (this.#stopping) return;
    if (event.type === 'up') {
      this.#registeredOnFlow = false;
      // Answered calls tell the far end where the phone is now (a target refresh), or their BYE
      // and re-INVITEs would still be routed to the connection that was lost.
      if (event.reconnect) for (const call of this.calls) void call.refreshTarget();
      if (this.config.keepAlive !== 'off') this.#keepAlive.start();
      if (this.config.register) this.#applyPolicy({ type: 'connected' });
      else this.#probe();
      return;
    }
    this.#keepAlive.stop();
    this.#clearRefresh();
    this.#failTransactionsOfLostConnection();
    const registered = this.#registeredOnFlow;
    this.#registeredOnFlow = false;
    this.#applyPolicy({
      type: 'connection-lost',
      registered,
      upFor: event.upFor,
      offline: this.#offline,
    });
    if (!this.config.register || this.#policy.stopped) return;
    // A healthy connection is replaced at once: "reconnecting". Otherwise the phone waits first:
    // failed, with the time of the retry.
    const retryAt = this.#attempt?.at;
    const cause: LocalCause = 'connection-error';
    if (retryAt === undefined || this.#policy.failures === 0) {
      // A wait of a second or more gets its countdown and "Retry now"; a blink does not.
      const shown = retryAt !== undefined && retryAt - Date.now() >= 1000 ? { retryAt } : {};
      if (this.#registration.state === 'registered') {
        this.#transition('transport-lost', { cause, ...shown });
      }
    } else if (this.#registration.state === 'registered') {
      this.#transition('fail', { cause, retryAt });
    } else if (this.#registration.state === 'registering') {
      this.#transition('transport-error', { cause, retryAt });
    }
  }

  /**
   * After a connection loss: requests outside a dialog that were waiting for an answer (a REGISTER,
   * a keep-alive OPTIONS) and INVITEs not yet answered fail now, as JsSIP would fail them — the
   * phone registers again on the new connection, and a call being set up is over (its CANCEL goes
   * out on the new connection). Requests within a dialog are left to the transport, which sends
   * them again: an established call does not end because the connection blinked.
   */
  #failTransactionsOfLostConnection(): void {
    const transactions = uaInternals(this.#ua)._transactions;
    const waiting = [
      ...Object.values(transactions.nict),
      ...Object.values(transactions.ict),
    ].filter((tx) => WAITING_TRANSACTION_STATES.has(tx.state) && !tx.request.to?.hasParam('tag'));
    for (const tx of waiting) {
      if (tx.request.method === 'INVITE') {
        this.#callsByCallId.get(tx.request.call_id)?.noteConnectionLost();
      }
      try {
        tx.onTransportError();
      } catch {
        // A session already ending throws on terminate(); nothing is left to fail.
      }
    }
  }

  /** A keep-alive: an OPTIONS to the server's domain, or a CRLF ping. */
  #probe(): void {
    if (this.#socket.state !== 'open') return;
    if (this.config.keepAlive === 'crlf') this.#socket.ping();
    else {
      uaInternals(this.#ua).sendOptions(`sip:${this.domain}`, null, {
        eventHandlers: {},
      });
    }
  }

  /** A 2xx to our REGISTER arrived: registered on this connection until `expires` runs out. */
  #registered(status: number, reason: string, text: string): void {
    const granted =
      grantedExpires(text, uaInternals(this.#ua).configuration.instance_id) ??
      this.config.registerExpires;
    this.#registeredOnFlow = true;
    this.#retriedWithFreshCredentials = false;
    // The registrar's Flow-Timer: keep-alives often enough that it keeps the flow.
    const flowTimer = flowTimerSeconds(text);
    this.#keepAlive.setInterval(
      flowTimer === undefined
        ? this.config.keepAliveInterval
        : Math.min(this.config.keepAliveInterval, flowTimer * 1000),
    );
    this.#applyPolicy({ type: 'registered' });
    this.#cancelAttempt();
    this.#transition('registered', { status, reason });
    this.#scheduleRefresh(granted);
  }

  #scheduleRefresh(expires: number): void {
    this.#clearRefresh();
    const delay = refreshDelayMs(Math.max(expires, 1));
    this.#refreshAt = Date.now() + delay;
    this.#refreshTimer = setTimeout(() => this.#registerNow(), delay);
  }

  #clearRefresh(): void {
    clearTimeout(this.#refreshTimer);
    this.#refreshTimer = undefined;
    this.#refreshAt = undefined;
  }

  /**
   * The page came back (visible again, resumed from freezing, back online): timers may not have
   * run for a long time. Refresh a registration that is due, run a retry that is overdue, and
   * probe a connection that has been silent — it may have died while the page slept.
   */
  #recheck(): void {
    if (!this.#started || this.#stopping) return;
    if (this.#refreshAt !== undefined && Date.now() >= this.#refreshAt) this.#registerNow();
    this.#runOverdueAttempt();
    if (this.#socket.state === 'open') this.#keepAlive.check(RECHECK_FRESHNESS_MS);
  }

  #watchLifecycle(): () => void {
    if (typeof window === 'undefined') return () => {};
    const onOnline = () => {
      this.#offline = false;
      if (!this.#started || this.#stopping) return;
      // A new network: answered calls restart ICE at once (their pair may be gone with the old one).
      for (const call of this.calls) call.recoverMedia(true);
      if (this.#socket.state === 'down') this.#applyPolicy({ type: 'online' });
      else this.#recheck();
    };
    // The browser knows the network is gone: the connection is dead even if it does not know yet.
    const onOffline = () => {
      this.#offline = true;
      this.#socket.drop();
    };
    // Another network (Wi-Fi to cellular, a VPN): the connection and the audio path may be dead.
    const connection = (navigator as { connection?: EventTarget }).connection;
    const onNetworkChange = () => {
      if (!this.#started || this.#stopping || this.#offline) return;
      for (const call of this.calls) call.recoverMedia(true);
      this.#recheck();
    };
    connection?.addEventListener('change', onNetworkChange);
    const onVisibility = () => {
      if (document.visibilityState === 'visible') this.#recheck();
    };
    const onResume = () => this.#recheck();
    // The page is going away: hang up (BYE) and un-REGISTER while the connection is still there.
    const onPageHide = (event: PageTransitionEvent) => {
      if (!this.#started) return;
      void this.stop();
      if (event.persisted) {
        // Kept in the back/forward cache: come back as it was when the page is shown again.
        window.addEventListener('pageshow', () => this.start(), { once: true });
      }
    };
    window.addEventListener('online', onOnline);
    window.addEventListener('offline', onOffline);
    window.addEventListener('pagehide', onPageHide);
    document.addEventListener('visibilitychange', onVisibility);
    document.addEventListener('resume', onResume);
    return () => {
      window.removeEventListener('online', onOnline);
      window.removeEventListener('offline', onOffline);
      connection?.removeEventListener('change', onNetworkChange);
      window.removeEventListener('pagehide', onPageHide);
      document.removeEventListener('visibilitychange', onVisibility);
      document.removeEventListener('resume', onResume);
    };
  }

  /**
   * Where a transfer may send us: a checked remote URI (descriptive parameters kept) that also
   * passes the dial rules (the account's domain unless others are allowed) and the allow-list.
   */
  #transferTarget(uri: string): { uri: string; dial: DialTarget } | undefined {
    const remote = parseRemoteUri(uri);
    if (!remote?.user) return undefined;
    let dial: DialTarget;
    try {
      dial = this.parseTarget(
        `${remote.scheme}:${remote.user}@${remote.host}${remote.port ? `:${remote.port}` : ''}`,
      );
    } catch {
      return undefined;
    }
    if (!transferTargetAllowed(dial, this.config.transferAllowList, this.domain)) return undefined;
    return { uri: `${dial.uri}${remote.params}`, dial };
  }

  /** The first look at a REFER whose Refer-To is well formed: refuse it now, or go on (202). */
  #screenTransfer(target: ReferToTarget): TransferRefusal | undefined {
    if (this.config.transfers === 'refuse' || this.#stopping) {
      return { code: 'refused', status: 603, reason: 'Decline' };
    }
    if (!this.#transferTarget(target.uri)) {
      return { code: 'target', status: 403, reason: 'Transfer Target Not Allowed' };
    }
    if (this.calls.length >= this.config.maxLines) {
      return { code: 'busy', status: 486, reason: 'Busy Here' };
    }
    return undefined;
  }

  /** A REFER answered 202: ask (or follow, per the policy), then place the call or decline. */
  #handleTransferRequest(call: Call, request: CallEvents['transfer-request']): void {
    const checked = this.#transferTarget(request.target.uri);
    if (!checked || this.#stopping) {
      request.reject();
      return;
    }
    // Who asked for this call, for the target (RFC 3892); from the checked address, not the
    // REFER's own Referred-By.
    const referrer = parseRemoteUri(call.remote.uri);
    const referredBy = referrer?.user
      ? [`Referred-By: <${referrer.scheme}:${referrer.user}@${referrer.host}>`]
      : [];
    const pending = new TransferRequest({
      call,
      target: checked.uri,
      targetUser: checked.dial.user,
      attended: request.target.replaces !== undefined,
      timeout: this.config.transferAskTimeout,
      decline: () => request.reject(),
      accept: () => {
        if (this.calls.length >= this.config.maxLines || this.#stopping) {
          request.reject();
          return;
        }
        request.accept(
          checked.uri,
          {
            mediaConstraints: microphoneConstraints(this.#microphoneId),
            pcConfig: { iceServers: this.config.iceServers },
            extraHeaders: [...this.config.extraHeaders, ...referredBy],
          },
          (session) => {
            const next = this.#adopt(session, 'outgoing', {
              displayName: '',
              user: checked.dial.user,
              uri: checked.uri,
            });
            next.start();
          },
        );
      },
    });
    this.emit('transfer-request', pending);
    if (pending.state === 'pending' && this.config.transfers === 'accept') pending.accept();
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

  #handleWire(message: WireMessage, text: string): void {
    this.#diagnostics.recordWire(message, text);
    this.emit('wire', message);
    if (message.method === 'REGISTER') this.#handleRegisterOnWire(message, text);
    else if (!this.config.register && message.direction === 'in' && message.status !== undefined) {
      // A phone that does not register: the first answer on a connection proves it healthy.
      if (!this.#registeredOnFlow) {
        this.#registeredOnFlow = true;
        this.#applyPolicy({ type: 'registered' });
      }
    }
    this.#callsByCallId.get(message.callId)?.handleWireMessage(message);
  }

  /**
   * REGISTER traffic as it really is: JsSIP reports only the first success (not refreshes, nor a
   * registration on a new connection) and retries a 423 by itself without a word.
   */
  #handleRegisterOnWire(message: WireMessage, text: string): void {
    if (message.direction === 'out') {
      if (message.status === undefined) {
        this.#lastRegister = {
          callId: message.callId,
          cseq: message.cseq,
          unregister: /\r\nExpires:[ \t]*0[ \t]*\r\n/i.test(text),
          answered: false,
        };
      }
      return;
    }
    const sent = this.#lastRegister;
    if (!sent || sent.callId !== message.callId || sent.cseq !== message.cseq) return;
    const status = message.status ?? 0;
    if (status < 200 || sent.unregister || this.#stopping) return;
    // A retransmitted final response is not a new outcome (JsSIP's transaction absorbs it too).
    if (sent.answered) return;
    sent.answered = true;
    const reason = sanitizeRemoteText(message.reason);
    if (status < 300) {
      // JsSIP handles the response right after this: read its verdict once it has.
      queueMicrotask(() => {
        if (this.#registrator.registered && this.#started) this.#registered(status, reason, text);
      });
    } else if (status === 423) {
      const minExpires = /\r\nMin-Expires:[ \t]*(\d+)/i.exec(text)?.[1];
      if (minExpires === undefined) return; // JsSIP reports it as a failure itself.
      const retried = this.#policy.retried423;
      this.#registrationRejected(423, reason, { minExpires: Number(minExpires) });
      // The second 423 in a row: JsSIP must not retry at once; the policy has scheduled it.
      if (retried) this.#suppressRetryOf = message.cseq;
    }
  }

  #transition(
    input: RegistrationInput,
    detail: { status?: number; reason?: string; cause?: LocalCause; retryAt?: number },
  ): void {
    const current = this.#registration;
    const state = nextRegistrationState(current.state, input);
    if (state === undefined) return;
    const next: RegistrationSnapshot = { state, ...detail };
    if (state !== current.state) next.previous = current.state;
    else if (current.previous) next.previous = current.previous;
    if (detail.cause) next.outcome = describeLocalCause(detail.cause);
    else if (detail.status !== undefined) next.outcome = describeStatus(detail.status, 'register');
    if (
      state === current.state &&
      next.status === current.status &&
      next.cause === current.cause &&
      next.retryAt === current.retryAt
    )
      return;
    this.#registration = next;
    this.#diagnostics.recordTransition({
      kind: 'registration',
      state,
      previous: next.previous,
      status: next.status,
      reason: next.reason,
      cause: next.cause,
    });
    this.emit('registration-change', next);
  }

  /** Updates the snapshot's retry time without a state change. */
  #patchRegistration(patch: { retryAt: number | undefined }): void {
    const current = this.#registration;
    if (current.retryAt === patch.retryAt) return;
    // A retry time means something only while the phone is (re)trying to register.
    if (
      patch.retryAt !== undefined &&
      current.state !== 'failed' &&
      current.state !== 'registering'
    )
      return;
    const next: RegistrationSnapshot = { ...current };
    if (patch.retryAt === undefined) delete next.retryAt;
    else next.retryAt = patch.retryAt;
    this.#registration = next;
    this.emit('registration-change', next);
  }
}

// Credentials this close to their expiry are fetched again before they are used.
const CREDENTIALS_MARGIN_MS = 15_000;
// After the page comes back, a connection silent for longer than this is probed.
const RECHECK_FRESHNESS_MS = 5000;
