/**
 * PhoneController: the only bridge between an element and the core `Phone`. It creates the phone
 * from the element's configuration, starts it while the element is connected, stops it when the
 * element leaves the DOM, tracks every line, decides which call the element shows (`shownCall`), and
 * asks the element to re-render on every registration or call change.
 *
 * With `tabs` set to `shared` (and where the browser has Web Locks and BroadcastChannel), it makes
 * a `SharedPhone` instead: one tab of the browser holds the account's phone, and this element
 * either is that tab (`role` `leader`: `phone` is the real one) or mirrors it (`follower`: `phone`
 * is undefined, the lines are `RemoteCall`s and every action goes to the leader tab).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type {
  CallSnapshot,
  DiagnosticsReport,
  Phone,
  PhoneConfig,
  PhoneEvents,
  RegistrationSnapshot,
  ResolvedPhoneConfig,
  TransferRequest,
} from '../../src/index.js';
import type { SharedPhone, TabRole } from '../../src/tab-phone.js';
import { isRemoteCall, type PhoneCall } from '../../src/tab-call.js';
import { canShareAcrossTabs } from '../../src/tab-leader.js';
import { PhoneStateError, isConfigError } from '../../src/errors.js';
import { isEstablishedCallState, isFinalCallState } from '../../src/call-machine.js';
import { validateDtmf } from '../../src/dtmf.js';
import { CODE_LOAD_FAILED, loadCore, prefetchInCall } from '../shared/lazy.js';

// The core arrives once (a chunk of its own in the CDN file); after that a new configuration makes
// its phone at once, as before.
let core: Awaited<ReturnType<typeof loadCore>> | undefined;

// Fetched at once, when the elements load, not when a phone is made or configured: the phone must
// register as soon as it can (a page or framework may make its <sip-phone> later), and the page
// paints meanwhile. A failed fetch is said when a phone needs the core. This is the one place `core`
// is set: it is the first handler on the shared promise, so it runs first.
loadCore().then(
  (loaded) => (core = loaded),
  () => undefined,
);

/** Whether tabs with the same account share one phone (`shared`) or each have their own. */
export type TabsMode = 'shared' | 'separate';

export interface PhoneControllerCallbacks {
  onRegistrationChange?(snapshot: RegistrationSnapshot): void;
  onCallChange?(snapshot: CallSnapshot, call: PhoneCall): void;
  onCall?(call: PhoneCall): void;
  /** The shown call's end reason stopped showing and nothing else is live: back to idle. */
  onIdle?(last: PhoneCall): void;
  /** This tab took the shared phone over, or now follows the tab that holds it. */
  onRole?(role: TabRole): void;
  /** An action sent to the tab that holds the phone was refused there. */
  onRemoteRefused?(error: unknown): void;
  /** The far end asks to transfer a call; answer with `accept()` or `decline()`. */
  onTransferRequest?(request: TransferRequest): void;
  /** A transfer request was refused at once (malformed, forbidden, or transfers are off). */
  onTransferRefused?(refusal: PhoneEvents['transfer-refused']): void;
  /** A new phone was made (a new configuration): listen to it; the returned functions stop that. */
  onPhone?(phone: Phone): Array<() => void>;
}

export class PhoneController implements ReactiveController {
  /**
   * The phone, once a complete and valid configuration is set; with shared tabs, only while this
   * tab holds it.
   */
  get phone(): Phone | undefined {
    return this.#shared ? this.#shared.phone : this.#phone;
  }
  /** Why the configuration was refused, when it was. */
  configError: Error | undefined;
  /** The configuration is valid and its phone waits for the core's chunk. */
  loading = false;
  registration: RegistrationSnapshot = { state: 'unregistered' };
  /** Calls not over yet, oldest first (mirrored ones while this tab follows another). */
  lines: PhoneCall[] = [];
  /** How long an ended call's reason stays on show, in ms (0: until the next call). */
  endReasonTimeout = 5000;

  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #callbacks: PhoneControllerCallbacks;
  #configKey = '';
  #phone: Phone | undefined;
  #shared: SharedPhone | undefined;
  #unsubscribe: Array<() => void> = [];
  readonly #callListeners = new Map<PhoneCall, () => void>();
  #lastEnded: PhoneCall | undefined;
  #lastEndedTimer: ReturnType<typeof setTimeout> | undefined;
  #connected = false;
  #loading: Promise<void> = Promise.resolve();

  constructor(
    host: ReactiveControllerHost & HTMLElement,
    callbacks: PhoneControllerCallbacks = {},
  ) {
    this.#host = host;
    this.#callbacks = callbacks;
    host.addController(this);
  }

  /**
   * The call the element shows: one that rings for us, else the one we talk on, else the newest
   * live line, else the call that just ended (while its reason is on show).
   */
  get shownCall(): PhoneCall | undefined {
    const lines = this.lines;
    return (
      this.ringing ??
      this.active ??
      (this.#lastEnded && !lines.some((c) => c.state !== 'held') ? this.#lastEnded : undefined) ??
      lines.at(-1) ??
      this.#lastEnded
    );
  }

  /** The newest call that rings for us (incoming, not answered yet). */
  get ringing(): PhoneCall | undefined {
    return this.lines.findLast((c) => c.state === 'incoming');
  }

  /** The call we talk on (connected, not held). */
  get active(): PhoneCall | undefined {
    return this.lines.find((c) => c.state === 'connected');
  }

  /** The newest call on hold. */
  get held(): PhoneCall | undefined {
    return this.lines.findLast((c) => c.state === 'held');
  }

  /**
   * `alone` (tabs separate, or no Web Locks here), `leader` (this tab holds the shared phone) or
   * `follower` (another tab does).
   */
  get role(): 'alone' | TabRole {
    return this.#shared ? this.#shared.role : 'alone';
  }

  /** The validated configuration, once there is one (also while this tab follows). */
  get account(): ResolvedPhoneConfig | undefined {
    return this.#shared?.config ?? this.#phone?.config;
  }

  /** The calls this tab holds (a follower holds none). */
  get localLines(): PhoneCall[] {
    return this.lines.filter((c) => !isRemoteCall(c));
  }

  /** Answers a ringing call (in the tab that holds it); a call you talk on goes on hold. */
  answer(call: PhoneCall): void {
    if (this.#shared) this.#shared.answer(call);
    else if (this.#phone && !isRemoteCall(call)) this.#phone.answer(call);
  }

  /** Switches to a held call. */
  resume(call: PhoneCall): Promise<boolean> {
    if (this.#shared) return this.#shared.resume(call);
    return this.#phone && !isRemoteCall(call) ? this.#phone.resume(call) : Promise.resolve(false);
  }

  /** "Retry now" (asked of the leader tab while this one follows). */
  retryNow(): boolean {
    return (this.#shared ?? this.#phone)?.retryNow() ?? false;
  }

  /** Mutes the shown call, or unmutes it. */
  toggleMute(): void {
    const call = this.shownCall;
    if (call) call.setMuted(!call.snapshot.muted);
  }

  /** Puts the shown call on hold, or resumes it (any other call goes on hold). */
  toggleHold(): void {
    const call = this.shownCall;
    if (call?.state === 'connected') void call.hold();
    else if (call?.state === 'held') void this.resume(call);
  }

  /** A line's button (lines list): `resume` or `answer` that call, else hang it up. */
  lineAction(id: string | undefined, action: string | undefined): void {
    const call = this.lines.find((c) => c.id === id);
    if (!call) return;
    if (action === 'resume') void this.resume(call);
    else if (action === 'answer') this.answer(call);
    else call.hangup();
  }

  /**
   * Transfers the shown call, established: blind to `target`, else attended to the other
   * established line. Rejects with `PhoneStateError` when there is no such call; throws what the
   * phone throws for a refused target, and `PhoneStateError` for a call held by another tab.
   */
  transfer(target?: string): Promise<boolean> {
    const { lines, shownCall: call } = this;
    const shared = this.#shared;
    const phone = this.#phone;
    if ((!phone && !shared) || !call || !isEstablishedCallState(call.state)) {
      return Promise.reject(new PhoneStateError('not-connected', 'There is no call to transfer.'));
    }
    const other = lines.find((c) => c !== call && isEstablishedCallState(c.state));
    // Thrown, not rejected: the element shows why under the number field.
    if (isRemoteCall(call)) {
      throw new PhoneStateError('in-another-tab', 'The call is in another tab: transfer it there.');
    }
    if (shared) return shared.transfer(call, target ?? other ?? '');
    if (isRemoteCall(other)) {
      return Promise.reject(new PhoneStateError('not-connected', 'There is no call to transfer.'));
    }
    return phone!.transfer(call, target ?? other ?? '');
  }

  /** Sends DTMF on the shown call. Throws `DtmfError` on bad input, `PhoneStateError` without a call. */
  sendDtmf(digits: string): void {
    const call = this.shownCall;
    validateDtmf(digits);
    if (!call || !isEstablishedCallState(call.state)) {
      throw new PhoneStateError('not-connected', 'DTMF can only be sent during a connected call.');
    }
    call.sendDtmf(digits);
  }

  /** The phone's diagnostics report; rejects with `PhoneStateError` before it is configured. */
  diagnostics(): Promise<DiagnosticsReport> {
    const backend = this.#shared ?? this.#phone;
    if (!backend) {
      return Promise.reject(
        new PhoneStateError(
          'not-configured',
          'The phone has no (valid) server and SIP address yet: nothing to report.',
        ),
      );
    }
    return backend.diagnostics();
  }

  /**
   * Sets the configuration; a changed configuration replaces the phone (and so re-registers).
   * `undefined` means "not configured yet". `tabs`: share the phone with the browser's other tabs
   * that have the same account, or not.
   */
  configure(config: PhoneConfig | undefined, tabs: TabsMode = 'separate'): void {
    const share = tabs === 'shared' && canShareAcrossTabs();
    const key = config
      ? `${share ? 'shared' : 'separate'} ${JSON.stringify(config, functionsByIdentity)}`
      : '';
    if (key === this.#configKey) return;
    this.#configKey = key;
    this.#dispose();
    this.loading = false;
    this.configError = undefined;
    if (!config) {
      this.#setRegistration({ state: 'unregistered' });
      return;
    }
    if (core) {
      this.#makePhone(core, config, share);
      return;
    }
    // The first phone waits for the core (fetched since the elements loaded), which also
    // checks the configuration; until then, `call()` says the phone is not registered yet.
    this.loading = true;
    this.#loading = loadCore().then(
      (loaded) => {
        if (this.#configKey !== key) return;
        this.loading = false;
        this.#makePhone(loaded, config, share);
      },
      (error: unknown) => {
        if (this.#configKey !== key) return;
        console.warn('<sip-phone>: the phone core did not load:', error);
        this.loading = false;
        this.configError = new Error(CODE_LOAD_FAILED);
        this.#setRegistration({ state: 'failed', reason: CODE_LOAD_FAILED });
      },
    );
  }

  /**
   * Calls `target` (here, or through the tab that holds the shared phone). Throws `PhoneStateError`
   * with the words to show when the phone cannot call now: not configured (or why the
   * configuration was refused), or not registered yet; throws what the phone throws for a bad
   * target. A refusal in the leader tab comes later, to `onRemoteRefused`.
   */
  placeCall(target: string, words: { notConfiguredYet: string; notRegisteredYet: string }): void {
    const { configError, registration } = this;
    const backend = this.#shared ?? this.#phone;
    if (!backend && !this.loading) {
      throw new PhoneStateError('not-configured', configError?.message ?? words.notConfiguredYet);
    }
    if (!backend || (registration.state !== 'registered' && backend.config.register)) {
      throw new PhoneStateError('not-registered', words.notRegisteredYet);
    }
    const placed = backend.call(target);
    if (placed instanceof Promise) {
      placed.catch((error: unknown) => this.#callbacks.onRemoteRefused?.(error));
    }
  }

  /** Settles once the phone of the current configuration exists (or could not be made). */
  get loaded(): Promise<Phone | undefined> {
    return this.#loading.then(() => this.phone);
  }

  /** Makes the phone, or says why its configuration is refused (`Phone` checks it first). */
  #makePhone(loaded: CoreModule, config: PhoneConfig, share: boolean): void {
    const { Phone: PhoneClass, SharedPhone: SharedPhoneClass } = loaded;
    try {
      if (share) this.#adoptShared(new SharedPhoneClass(() => new PhoneClass(config)));
      else this.#adoptPhone(new PhoneClass(config));
    } catch (error) {
      if (!isConfigError(error)) throw error;
      this.configError = error;
      this.#setRegistration({ state: 'failed', reason: error.message });
    }
  }

  #adoptShared(shared: SharedPhone): void {
    this.#shared = shared;
    this.#unsubscribe.push(
      shared.on('registration-change', (snapshot) => this.#setRegistration(snapshot)),
      shared.on('call', (call) => this.#adopt(call)),
      shared.on('transfer-request', (request) => this.#callbacks.onTransferRequest?.(request)),
      shared.on('transfer-refused', (refusal) => this.#callbacks.onTransferRefused?.(refusal)),
      shared.on('role', (role) => {
        // Leading, this tab holds the phone: its lamps and voicemail are this tab's to show.
        const phone = shared.phone;
        if (role === 'leader' && phone)
          this.#unsubscribe.push(...(this.#callbacks.onPhone?.(phone) ?? []));
        this.#host.requestUpdate();
        this.#callbacks.onRole?.(role);
      }),
    );
    if (this.#connected) shared.start();
    this.#host.requestUpdate();
  }

  #adoptPhone(phone: Phone): void {
    this.#phone = phone;
    this.#unsubscribe.push(
      phone.on('registration-change', (snapshot) => this.#setRegistration(snapshot)),
      phone.on('call', (call) => this.#adopt(call)),
      phone.on('transfer-request', (request) => this.#callbacks.onTransferRequest?.(request)),
      phone.on('transfer-refused', (refusal) => this.#callbacks.onTransferRefused?.(refusal)),
      ...(this.#callbacks.onPhone?.(phone) ?? []),
    );
    if (this.#connected) phone.start();
    this.#host.requestUpdate();
  }

  hostConnected(): void {
    this.#connected = true;
    (this.#shared ?? this.#phone)?.start();
  }

  hostDisconnected(): void {
    this.#connected = false;
    // An element moved within the page is disconnected and reconnected in one task: keep the phone.
    queueMicrotask(() => {
      if (!this.#connected) void (this.#shared ?? this.#phone)?.stop();
    });
  }

  #adopt(call: PhoneCall): void {
    this.lines = [...this.lines, call];
    this.#callbacks.onCall?.(call);
    const off = call.on('change', (snapshot) => {
      if (isFinalCallState(snapshot.state)) {
        off();
        this.#callListeners.delete(call);
        this.lines = this.lines.filter((c) => c !== call);
        this.#showEnded(call);
      }
      this.#host.requestUpdate();
      this.#callbacks.onCallChange?.(snapshot, call);
    });
    this.#callListeners.set(call, off);
    this.#host.requestUpdate();
  }

  #showEnded(call: PhoneCall): void {
    clearTimeout(this.#lastEndedTimer);
    this.#lastEnded = call;
    if (this.endReasonTimeout <= 0) return;
    this.#lastEndedTimer = setTimeout(() => {
      if (this.#lastEnded !== call) return;
      this.#lastEnded = undefined;
      this.#host.requestUpdate();
      if (!this.lines.length) this.#callbacks.onIdle?.(call);
    }, this.endReasonTimeout);
  }

  #setRegistration(snapshot: RegistrationSnapshot): void {
    const previous = this.registration;
    this.registration = snapshot;
    // Registered: the phone can take or make a call now, so its in-call code comes next (after the
    // REGISTER, not before; a page that calls by `call()` has no dialling to start it).
    if (snapshot.state === 'registered') prefetchInCall();
    this.#host.requestUpdate();
    if (
      previous.state !== snapshot.state ||
      previous.status !== snapshot.status ||
      previous.reason !== snapshot.reason
    ) {
      this.#callbacks.onRegistrationChange?.(snapshot);
    }
  }

  #dispose(): void {
    for (const off of [...this.#unsubscribe, ...this.#callListeners.values()]) off();
    this.#unsubscribe = [];
    this.#callListeners.clear();
    clearTimeout(this.#lastEndedTimer);
    const backend = this.#shared ?? this.#phone;
    this.#phone = undefined;
    this.#shared = undefined;
    this.lines = [];
    this.#lastEnded = undefined;
    void backend?.stop();
  }
}

type CoreModule = Awaited<ReturnType<typeof loadCore>>;

// Functions in the configuration (the credentials callback) are told apart by identity: another
// function is another configuration, the same one is not.
const functionIds = new WeakMap<object, number>();
let nextFunctionId = 1;
function functionsByIdentity(_key: string, value: unknown): unknown {
  if (typeof value !== 'function') return value;
  let id = functionIds.get(value);
  if (id === undefined) functionIds.set(value, (id = nextFunctionId++));
  return `function#${id}`;
}
