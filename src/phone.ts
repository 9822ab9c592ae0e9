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
  type CallSnapshot,
  type RemoteParty,
  type TransferRefusal,
  driverOf,
} from './call.js';
import { parseRemoteUri } from './transfer-policy.js';
import type { TransferRequest } from './transfer-request.js';
import { IncomingTransfers } from './incoming-transfers.js';
import { isEstablishedCallState, isLiveCallState } from './call-machine.js';
import { PhoneStateError } from './errors.js';
import { sanitizeRemoteText } from './text.js';
import { ObservedSocket, type FlowEvent, type WireMessage } from './transport.js';
import { microphoneConstraints } from './devices.js';
import { KeepAlive } from './keep-alive.js';
import { watchPageLifecycle } from './page-lifecycle.js';
import { uaInternals, WAITING_TRANSACTION_STATES } from './jssip-internals.js';
import { RegistrationDriver, type RegistrationSnapshot } from './registration-driver.js';
import { addSecretHeaders, enableDebugLog } from './log-redaction.js';
import { DiagnosticsRecorder, diagnosticsConfig, type DiagnosticsReport } from './diagnostics.js';
import { Prewarm } from './prewarm.js';
import { onSubscriberResponse } from './jssip-internals.js';
import { Watchlist, type Lamp } from './watchlist.js';
import type { VoicemailSummary } from './presence.js';
import { parseAnswerRequest, type AnswerRequest } from './auto-answer.js';

export type { RegistrationSnapshot, Lamp, VoicemailSummary };
// One phone across the tabs of a browser (tab-phone.ts): in the core's chunk, beside `Phone`.
export { SharedPhone } from './tab-phone.js';

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
  /** A watched address's lamp changed (see {@link Phone.watch}). */
  'presence-change': Lamp;
  /** The voicemail summary changed (a NOTIFY, subscribed to or sent unasked). */
  'voicemail-change': VoicemailSummary;
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
  readonly #keepAlive: KeepAlive;
  readonly #calls = new Set<Call>();
  readonly #callsByCallId = new Map<string, Call>();
  /** `idle` until start(); `running`; `stopped` from stop() on (until start() again). */
  #lifecycle: 'idle' | 'running' | 'stopped' = 'idle';
  #microphoneId = '';
  #offLifecycle: (() => void) | undefined;
  /** Stopped by `pagehide` into the back/forward cache: start again on `pageshow`. */
  #resumeOnShow = false;
  /** What a support engineer will ask for: ladders, transitions, statistics (bounded). */
  readonly #diagnostics = new DiagnosticsRecorder();
  readonly #prewarm = new Prewarm();
  readonly #registration: RegistrationDriver;
  /** Transfers the far end asks for: REFERs and INVITEs with Replaces. */
  readonly #transfers: IncomingTransfers;
  /** Busy lamps and the voicemail summary (SUBSCRIBE / NOTIFY). */
  readonly #watchlist: Watchlist;
  #voicemail: VoicemailSummary | undefined;
  /** What incoming calls asked for in Call-Info / Alert-Info (auto-answer), parsed strictly. */
  readonly #answerRequests = new WeakMap<Call, AnswerRequest>();

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
    this.#keepAlive = new KeepAlive({
      interval: this.config.keepAliveInterval,
      timeout: this.config.keepAliveTimeout,
      lastInbound: () => this.#socket.lastInboundAt,
      probe: () => this.#probe(),
      onDead: () => this.#socket.drop(),
    });
    this.#registration = new RegistrationDriver({
      config: this.config,
      ua: this.#ua,
      socket: this.#socket,
      keepAlive: this.#keepAlive,
      running: () => this.#lifecycle === 'running',
      stopped: () => this.#lifecycle === 'stopped',
      changed: (snapshot, transition) => {
        if (transition) {
          this.#diagnostics.recordTransition({
            kind: 'registration',
            state: snapshot.state,
            previous: snapshot.previous,
            status: snapshot.status,
            reason: snapshot.reason,
            cause: snapshot.cause,
          });
        }
        this.emit('registration-change', snapshot);
        if (snapshot.state === 'registered' && transition) this.#watchlist.online();
      },
    });
    this.#watchlist = new Watchlist({
      subscriber: (target, event, accept) =>
        this.#ua.subscribe(this.parseTarget(target).uri, event, accept, {
          expires: this.config.subscribeExpires,
          contentType: accept,
        }),
      onFinalResponse: onSubscriberResponse,
      retryBaseDelay: this.config.retryBaseDelay,
      retryMaxDelay: this.config.retryMaxDelay,
      lampChanged: (lamp) => this.emit('presence-change', lamp),
      voicemailChanged: (summary) => {
        this.#voicemail = summary;
        this.emit('voicemail-change', summary);
      },
    });
    this.#transfers = new IncomingTransfers({
      config: this.config,
      parseTarget: (target) => this.parseTarget(target),
      stopped: () => this.#lifecycle === 'stopped',
      lineFree: () => this.calls.length < this.config.maxLines,
      microphoneId: () => this.#microphoneId,
      place: (session, remote) => driverOf(this.#adopt(session, 'outgoing', remote)).start(),
      ask: (request) => this.emit('transfer-request', request),
    });
    this.#bindUa();
  }

  get registration(): RegistrationSnapshot {
    return this.#registration.snapshot;
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
    return this.#diagnostics.report({
      config: diagnosticsConfig(this.config),
      connection: this.connection,
      registration: this.#registration.snapshot,
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
    return this.#registration.retryNow();
  }

  /**
   * Watch these addresses' call state (busy lamps): a `dialog` subscription each (RFC 4235), or
   * `presence` where the server has no dialog package. Each address is a dial string (`bob`, `201`,
   * `sip:bob@example.com`); duplicates count once, at most 100. Lamps change by `presence-change`.
   */
  watch(targets: readonly string[]): void {
    this.#watchlist.watch(targets);
  }

  /** The watched addresses' lamps, in the order given. */
  get lamps(): Lamp[] {
    return this.#watchlist.lamps;
  }

  /**
   * Subscribe to the account's own voicemail summary (RFC 3842 `message-summary`), or stop. An
   * unsolicited summary NOTIFY is read either way.
   */
  watchVoicemail(on: boolean): void {
    this.#watchlist.watchMailbox(on ? this.config.uri : undefined);
  }

  /** The last voicemail summary the server sent; undefined before any. */
  get voicemail(): VoicemailSummary | undefined {
    return this.#voicemail ? { ...this.#voicemail } : undefined;
  }

  /** Connects and (unless `register: false`) registers. */
  start(): void {
    if (this.#lifecycle === 'running') return;
    this.#lifecycle = 'running';
    this.#registration.start();
    this.#offLifecycle = this.#watchLifecycle();
    this.#ua.start();
  }

  /**
   * With `config.credentials`: fetches credentials when there are none yet or they are about to
   * run out, and resolves true once usable ones are in place (false when the provider failed).
   * Without a provider, resolves true at once.
   */
  ensureCredentials(): Promise<boolean> {
    return this.#registration.ensureCredentials();
  }

  /** Hangs up every call, un-registers and disconnects. Resolves when the socket is closed. */
  async stop(): Promise<void> {
    if (this.#lifecycle !== 'running') return;
    this.#lifecycle = 'stopped';
    this.#watchlist.stop();
    this.#registration.stop();
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
    this.#registration.stopped();
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
    if (this.#lifecycle !== 'running')
      throw new PhoneStateError('not-started', 'The phone is not started.');
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
        if (early.call) driverOf(early.call).bindPeerConnection(pc);
        else early.pc = pc;
      }),
    });
    const call = this.#adopt(session, 'outgoing', {
      displayName: '',
      user: dial.user,
      uri: dial.uri,
    });
    early.call = call;
    if (early.pc) driverOf(call).bindPeerConnection(early.pc);
    if (warm) {
      const off = call.on('change', ({ state }) => {
        if (isLiveCallState(state)) return;
        off();
        this.#prewarm.finished(warm.stream);
      });
    }
    driverOf(call).start();
    return call;
  }

  /**
   * Prepares the next call while the user is about to place it (hover or focus on a Call button):
   * opens the microphone and a peer connection that gathers its ICE candidates in advance, so the
   * INVITE leaves as soon as the offer is made. Held for 15 s, then released. Rejects when the
   * microphone cannot be opened (the call itself will say why).
   */
  async prewarm(): Promise<void> {
    if (this.#lifecycle !== 'running' || this.calls.length >= this.config.maxLines) return;
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
    if (typeof target === 'string') return driverOf(call).refer(this.parseTarget(target).uri);
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
    return driverOf(call).refer(uri, target);
  }

  /** Answers an incoming call; a call you are talking on goes on hold first (call waiting). */
  answer(call: Call): void {
    if (call.state !== 'incoming') {
      throw new PhoneStateError('not-ringing', 'There is no incoming call to answer.');
    }
    this.#holdOthers(call);
    call.answer();
  }

  /**
   * What an incoming call's INVITE asked for: to be answered by itself after some seconds
   * (`Call-Info: …;answer-after=N`, `Alert-Info: …;info=alert-autoanswer`), parsed strictly by
   * `parseAnswerRequest` (auto-answer.ts). Undefined when it asked nothing valid. Whether to do it
   * is the embedder's choice (`autoAnswerDecision`); the phone never answers by itself.
   */
  answerRequestOf(call: Call): AnswerRequest | undefined {
    return this.#answerRequests.get(call);
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
    const call = new Call(session, direction, this.config, remote, {
      canSignal: () => this.#socket.state === 'open',
      screenTransfer: (target) => this.#transfers.screen(target),
    });
    call.microphoneId = this.#microphoneId;
    this.#calls.add(call);
    this.#watchForDiagnostics(call);
    const offChange = call.on('change', (snapshot) => {
      this.emit('call-change', snapshot);
      if (snapshot.state === 'failed' && (snapshot.status === 401 || snapshot.status === 407)) {
        // The server refused our credentials: the next call gets fresh ones.
        if (this.config.credentials) void this.#registration.renewCredentials();
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
    call.on('transfer-refused', (refusal) => this.emit('transfer-refused', { ...refusal, call }));
    call.on('transfer-request', (request) => this.#transfers.request(call, request));
    call.on('replace-request', (request) => this.#transfers.replace(call, request));
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
    this.#ua.on('newRTCSession', (event: RTCSessionEvent) => {
      if (event.originator !== 'remote') return;
      this.#handleIncoming(event.session, event.request);
    });
    // Out-of-dialog NOTIFYs (JsSIP answers them 200): servers send voicemail summaries unasked.
    this.#ua.on('sipEvent', ({ event, request }: { event: unknown; request: IncomingRequest }) => {
      const name = (event as { event?: unknown } | undefined)?.event;
      if (name === 'message-summary') this.#watchlist.unsolicitedSummary(request.body);
    });
  }

  /** The connection came up or went down (transport.ts keeps this from JsSIP). */
  #handleFlow(event: FlowEvent): void {
    if (this.#lifecycle === 'stopped') return;
    if (event.type === 'up') {
      this.#registration.connected();
      // Answered calls tell the far end where the phone is now (a target refresh), or their BYE
      // and re-INVITEs would still be routed to the connection that was lost.
      if (event.reconnect) for (const call of this.calls) void driverOf(call).refreshTarget();
      if (this.config.keepAlive !== 'off') this.#keepAlive.start();
      if (!this.config.register) this.#probe();
      return;
    }
    this.#keepAlive.stop();
    this.#watchlist.offline();
    this.#failTransactionsOfLostConnection();
    this.#registration.connectionLost(event.upFor);
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
        const lost = this.#callsByCallId.get(tx.request.call_id);
        if (lost) driverOf(lost).noteConnectionLost();
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

  /**
   * The page came back (visible again, resumed from freezing, back online): timers may not have
   * run for a long time. Refresh a registration that is due, run a retry that is overdue, and
   * probe a connection that has been silent — it may have died while the page slept.
   */
  #recheck(): void {
    if (this.#lifecycle !== 'running') return;
    this.#registration.recheck();
    if (this.#socket.state === 'open') this.#keepAlive.check(RECHECK_FRESHNESS_MS);
  }

  #watchLifecycle(): () => void {
    return watchPageLifecycle({
      online: () => {
        this.#registration.setOffline(false);
        if (this.#lifecycle !== 'running') return;
        // A new network: answered calls restart ICE at once (their pair may be gone with it).
        for (const call of this.calls) driverOf(call).recoverMedia(true);
        if (this.#socket.state === 'down') this.#registration.online();
        else this.#recheck();
      },
      // The browser knows the network is gone: the connection is dead even if it does not know.
      offline: () => {
        this.#registration.setOffline(true);
        this.#socket.drop();
      },
      // Another network: the connection and the audio path may be dead.
      networkChange: () => {
        if (this.#lifecycle !== 'running' || this.#registration.offline) return;
        for (const call of this.calls) driverOf(call).recoverMedia(true);
        this.#recheck();
      },
      wake: () => this.#recheck(),
      // The page is going away: hang up (BYE) and un-REGISTER while the connection is still there.
      pageHide: (persisted) => {
        if (this.#lifecycle !== 'running') return;
        void this.stop();
        // Kept in the back/forward cache: come back as it was when the page is shown again.
        if (persisted) this.#resumeOnShow = true;
      },
      pageShow: () => {
        if (!this.#resumeOnShow) return;
        this.#resumeOnShow = false;
        this.start();
      },
    });
  }

  #handleIncoming(session: RTCSession, request: IncomingRequest): void {
    if (this.calls.length >= this.config.maxLines || this.#lifecycle === 'stopped') {
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
    driverOf(call).setCallId(callId);
    this.#callsByCallId.set(callId, call);
    // Before start(): listeners of the `incoming` change may look at it.
    const answerRequest = parseAnswerRequest({
      callInfo: request.getHeaders('Call-Info'),
      alertInfo: request.getHeaders('Alert-Info'),
    });
    if (answerRequest) this.#answerRequests.set(call, answerRequest);
    driverOf(call).start();
    // An attended transfer we agreed to: this call takes over one we already have.
    if (this.#transfers.takeReplacement(callId)) call.answer();
  }

  #handleWire(message: WireMessage, text: string): void {
    this.#diagnostics.recordWire(message, text);
    this.emit('wire', message);
    this.#registration.observe(message, text);
    const call = this.#callsByCallId.get(message.callId);
    if (call) driverOf(call).handleWireMessage(message);
  }
}

// After the page comes back, a connection silent for longer than this is probed.
const RECHECK_FRESHNESS_MS = 5000;
