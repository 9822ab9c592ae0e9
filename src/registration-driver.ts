/**
 * The registration, run: it feeds the pure policy (registration-policy.ts) with what happens —
 * REGISTER answers read from the wire, connection losses, the network coming back — and carries
 * out what the policy says: REGISTER now or later, reconnect now or later, stop for good. It owns
 * the registration snapshot and its state machine, the refresh timer, short-lived credentials,
 * and the governed JsSIP registrator (JsSIP alone would answer a 423 hundreds of times a second).
 * The phone owns the connection's other business (keep-alive, calls, the page's lifecycle).
 */
import type { UA } from 'jssip/lib/UA';
import type { ResolvedPhoneConfig } from './config.js';
import { fetchCredentials, renewDelayMs, type Credentials } from './credentials.js';
import { uaInternals, type RegistratorInternals } from './jssip-internals.js';
import type { KeepAlive } from './keep-alive.js';
import { describeLocalCause, describeStatus, type LocalCause, type Outcome } from './outcomes.js';
import {
  nextRegistrationState,
  type RegistrationInput,
  type RegistrationState,
} from './registration-machine.js';
import {
  INITIAL_POLICY_STATE,
  flowTimerSeconds,
  grantedExpires,
  nextPolicyStep,
  parseRetryAfter,
  refreshDelayMs,
  type PolicyEvent,
  type PolicyState,
} from './registration-policy.js';
import { sanitizeRemoteText } from './text.js';
import type { ObservedSocket, WireMessage } from './transport.js';

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

/** What the driver needs from the phone. */
export interface RegistrationHost {
  readonly config: ResolvedPhoneConfig;
  readonly ua: UA;
  readonly socket: ObservedSocket;
  readonly keepAlive: KeepAlive;
  /** The phone is started and not stopping. */
  running(): boolean;
  /** The phone was stopped (or is stopping): nothing from the wire changes the registration. */
  stopped(): boolean;
  /** The snapshot changed; `transition` says whether the state machine moved (not only retryAt). */
  changed(snapshot: RegistrationSnapshot, transition: boolean): void;
}

// Credentials this close to their expiry are fetched again before they are used.
const CREDENTIALS_MARGIN_MS = 15_000;

type AttemptKind = 'register' | 'connect';

export class RegistrationDriver {
  readonly #host: RegistrationHost;
  readonly #registrator: RegistratorInternals;
  #snapshot: RegistrationSnapshot = { state: 'unregistered' };
  #policy: PolicyState = { ...INITIAL_POLICY_STATE };
  /** The next REGISTER or reconnection the policy scheduled. */
  #attempt: { kind: AttemptKind; at: number; timer: ReturnType<typeof setTimeout> } | undefined;
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
  /** Credentials being fetched from `config.credentials`: resolves true once they are in use. */
  #credentialsFetch: Promise<boolean> | undefined;
  /** The credentials in use came from the provider; when they run out (epoch ms), if they do. */
  #credentials: { expiresAt: number | undefined } | undefined;
  #credentialsTimer: ReturnType<typeof setTimeout> | undefined;
  /** A refused REGISTER was already retried once with fresh credentials since the last success. */
  #retriedWithFreshCredentials = false;

  constructor(host: RegistrationHost) {
    this.#host = host;
    this.#registrator = this.#governRegistrator();
    this.#bindUa();
  }

  get snapshot(): RegistrationSnapshot {
    return this.#snapshot;
  }

  /** A final refusal: no REGISTER until the settings change. */
  get refused(): boolean {
    return this.#policy.stopped;
  }

  /** The phone starts: "registering" (unless it does not register, or was refused for good). */
  start(): void {
    this.#unregistering = false;
    const { config } = this.#host;
    if (config.register && !this.#policy.stopped) this.#transition('register', {});
    // A phone that only calls has credentials ready before the first INVITE is challenged.
    if (!config.register) void this.ensureCredentials();
  }

  /** The phone stops: nothing more is scheduled; JsSIP's un-REGISTER is expected. */
  stop(): void {
    this.#unregistering = true;
    this.#cancelAttempt();
    this.#clearRefresh();
    clearTimeout(this.#credentialsTimer);
  }

  /** The phone has stopped: the connection is closed. */
  stopped(): void {
    this.#transition('unregistered', {});
  }

  /** See {@link Phone.retryNow}. */
  retryNow(): boolean {
    const attempt = this.#attempt;
    if (!this.#host.running() || !attempt) return false;
    this.#cancelAttempt();
    this.#runAttempt(attempt.kind);
    return true;
  }

  /** See {@link Phone.ensureCredentials}. */
  async ensureCredentials(): Promise<boolean> {
    if (!this.#host.config.credentials) return true;
    const current = this.#credentials;
    const left = current?.expiresAt === undefined ? Infinity : current.expiresAt - Date.now();
    if (current && left > CREDENTIALS_MARGIN_MS) return true;
    return this.renewCredentials();
  }

  /** The browser said it went offline, and has not said it is back. */
  get offline(): boolean {
    return this.#offline;
  }

  /** The browser's network went away (`true`) or came back (`false`). */
  setOffline(offline: boolean): void {
    this.#offline = offline;
  }

  /** The network is back: reconnect now, whatever the backoff says (the connection is down). */
  online(): void {
    this.#applyPolicy({ type: 'online' });
  }

  /**
   * The page came back (visible, resumed, back online): timers may not have run for a long time.
   * Refresh a registration that is due and run a retry that is overdue.
   */
  recheck(): void {
    if (this.#refreshAt !== undefined && Date.now() >= this.#refreshAt) this.#registerNow();
    const attempt = this.#attempt;
    if (!attempt || attempt.at > Date.now()) return;
    this.#cancelAttempt();
    this.#runAttempt(attempt.kind);
  }

  /** A new connection is open: REGISTER on it (when the policy allows). */
  connected(): void {
    this.#registeredOnFlow = false;
    if (this.#host.config.register) this.#applyPolicy({ type: 'connected' });
  }

  /** The connection was lost after `upFor` ms (0: it never opened). */
  connectionLost(upFor: number): void {
    this.#clearRefresh();
    const registered = this.#registeredOnFlow;
    this.#registeredOnFlow = false;
    this.#applyPolicy({ type: 'connection-lost', registered, upFor, offline: this.#offline });
    if (!this.#host.config.register || this.#policy.stopped) return;
    // A healthy connection is replaced at once: "reconnecting". Otherwise the phone waits first:
    // failed, with the time of the retry.
    const retryAt = this.#attempt?.at;
    const cause: LocalCause = 'connection-error';
    if (retryAt === undefined || this.#policy.failures === 0) {
      // A wait of a second or more gets its countdown and "Retry now"; a blink does not.
      const shown = retryAt !== undefined && retryAt - Date.now() >= 1000 ? { retryAt } : {};
      if (this.#snapshot.state === 'registered') {
        this.#transition('transport-lost', { cause, ...shown });
      }
    } else if (this.#snapshot.state === 'registered') {
      this.#transition('fail', { cause, retryAt });
    } else if (this.#snapshot.state === 'registering') {
      this.#transition('transport-error', { cause, retryAt });
    }
  }

  /**
   * Every SIP message on the wire. REGISTER traffic as it really is: JsSIP reports only the first
   * success (not refreshes, nor a registration on a new connection) and retries a 423 by itself
   * without a word. For a phone that does not register, the first answer on a connection proves
   * the connection healthy.
   */
  observe(message: WireMessage, text: string): void {
    if (message.method === 'REGISTER') {
      this.#observeRegister(message, text);
    } else if (
      !this.#host.config.register &&
      message.direction === 'in' &&
      message.status !== undefined &&
      !this.#registeredOnFlow
    ) {
      this.#registeredOnFlow = true;
      this.#applyPolicy({ type: 'registered' });
    }
  }

  #bindUa(): void {
    const ua = this.#host.ua;
    ua.on('registrationFailed', ({ response, cause }) => {
      if (this.#host.stopped()) return;
      if (response) {
        const status = response.status_code;
        this.#registrationRejected(status, sanitizeRemoteText(response.reason_phrase), {
          retryAfter: parseRetryAfter(response.getHeader('Retry-After')),
        });
      } else if (cause === 'Request Timeout') {
        this.#applyPolicy({ type: 'timeout' }, { cause: 'request-timeout' });
      }
      // A connection error is the connection's business: connectionLost() reports it.
    });
    ua.on('unregistered', () => {
      // JsSIP also emits this after a failed refresh; only an un-REGISTER we asked for counts.
      if (this.#unregistering) this.#transition('unregistered', {});
    });
    // JsSIP's own refresh timer: the phone refreshes (it may be earlier, see refreshDelayMs).
    ua.on('registrationExpiring', () => this.#registerNow());
  }

  /**
   * JsSIP's registrator, with its `register()` governed: JsSIP answers a 423 by registering again
   * at once, every time — ~600 REGISTERs a second against a server that keeps answering 423. JsSIP
   * calls the governed method; the phone's own REGISTERs use the original, never suppressed.
   */
  #governRegistrator(): RegistratorInternals {
    const registrator = uaInternals(this.#host.ua)._registrator;
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
    const { config, socket } = this.#host;
    if (!this.#host.running() || !config.register || this.#policy.stopped) return;
    if (socket.state !== 'open') return;
    this.#cancelAttempt('register');
    if (this.#snapshot.state !== 'registered') this.#transition('register', {});
    if (!config.credentials) {
      this.#registrator.register();
      return;
    }
    // Short-lived credentials: fresh ones for every REGISTER.
    void this.renewCredentials().then((ok) => {
      if (!this.#host.running() || socket.state !== 'open') return;
      if (ok) this.#registrator.register();
      else this.#applyPolicy({ type: 'timeout' }, { cause: 'credentials-unavailable' });
    });
  }

  /** Fetches credentials from the provider and puts them in use; one fetch at a time. */
  renewCredentials(): Promise<boolean> {
    const provider = this.#host.config.credentials;
    if (!provider) return Promise.resolve(true);
    this.#credentialsFetch ??= fetchCredentials(provider)
      .then((credentials) => {
        if (!this.#host.running()) return false;
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
    const jssip = uaInternals(this.#host.ua).configuration;
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
      this.#credentialsTimer = setTimeout(() => void this.renewCredentials(), renewIn);
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
      this.#host.config.credentials &&
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
    const { config } = this.#host;
    const timing = {
      baseDelay: config.retryBaseDelay / 1000,
      maxDelay: config.retryMaxDelay / 1000,
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

  #scheduleAttempt(kind: AttemptKind, at: number): void {
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
    this.#patch({ retryAt: at });
  }

  #runAttempt(kind: AttemptKind): void {
    if (!this.#host.running()) return;
    this.#patch({ retryAt: undefined });
    if (kind === 'connect') this.#host.socket.reopen();
    else this.#registerNow();
  }

  #cancelAttempt(kind?: AttemptKind): void {
    if (!this.#attempt || (kind && this.#attempt.kind !== kind)) return;
    clearTimeout(this.#attempt.timer);
    this.#attempt = undefined;
  }

  /** A 2xx to our REGISTER arrived: registered on this connection until `expires` runs out. */
  #registered(status: number, reason: string, text: string): void {
    const { config, ua, keepAlive } = this.#host;
    const granted =
      grantedExpires(text, uaInternals(ua).configuration.instance_id) ?? config.registerExpires;
    this.#registeredOnFlow = true;
    this.#retriedWithFreshCredentials = false;
    // The registrar's Flow-Timer: keep-alives often enough that it keeps the flow.
    const flowTimer = flowTimerSeconds(text);
    keepAlive.setInterval(
      flowTimer === undefined
        ? config.keepAliveInterval
        : Math.min(config.keepAliveInterval, flowTimer * 1000),
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

  #observeRegister(message: WireMessage, text: string): void {
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
    if (status < 200 || sent.unregister || this.#host.stopped()) return;
    // A retransmitted final response is not a new outcome (JsSIP's transaction absorbs it too).
    if (sent.answered) return;
    sent.answered = true;
    const reason = sanitizeRemoteText(message.reason);
    if (status < 300) {
      // JsSIP handles the response right after this: read its verdict once it has.
      queueMicrotask(() => {
        if (this.#registrator.registered && this.#host.running()) {
          this.#registered(status, reason, text);
        }
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
    const current = this.#snapshot;
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
    this.#snapshot = next;
    this.#host.changed(next, true);
  }

  /** Updates the snapshot's retry time without a state change. */
  #patch(patch: { retryAt: number | undefined }): void {
    const current = this.#snapshot;
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
    this.#snapshot = next;
    this.#host.changed(next, false);
  }
}
