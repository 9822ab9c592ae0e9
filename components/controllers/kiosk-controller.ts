/**
 * KioskController: the bridge between `<sip-call-button>` and the core for unattended,
 * one-destination calling. It loads the core (and so JsSIP) only when first needed, keeps one call
 * at a time to the fixed target, refuses incoming calls and transfers, enforces a cooldown and an
 * optional maximum call length, holds a screen wake lock during a call, and returns to idle.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
// Types only: the core module itself is imported on demand (see `load()`).
import type {
  Call,
  CallSnapshot,
  Phone,
  PhoneConfig,
  RegistrationSnapshot,
} from '../../src/index.js';

// The kiosk's first paint imports no core module, not even call-machine.ts (a chunk of its own):
// its `isEstablishedCallState`, restated.
const isAnswered = (state: string | undefined): boolean =>
  state === 'connected' || state === 'held';

export interface KioskOptions {
  config: PhoneConfig;
  /** The one destination; fixed at the first load. */
  target: string;
  cooldownMs: number;
  maxDurationMs: number;
  endReasonTimeoutMs: number;
}

export interface KioskCallbacks {
  onCallChange?(snapshot: CallSnapshot): void;
  onIdle?(last: CallSnapshot): void;
  onRegistrationChange?(snapshot: RegistrationSnapshot): void;
  onRemoteStream?(stream: MediaStream): void;
}

interface WakeLockSentinelLike {
  release(): Promise<void>;
}

export class KioskController implements ReactiveController {
  /** The call in progress, or the one that just ended (while its reason is shown). */
  call: Call | undefined;
  registration: RegistrationSnapshot = { state: 'unregistered' };
  /** When the cooldown after the last call ends (ms since epoch); 0 when none. */
  cooldownUntil = 0;
  /** True once the core has been loaded (JsSIP is in the page). */
  loaded = false;
  /** True while a screen wake lock is held. */
  wakeLocked = false;
  /** Why the kiosk cannot call, when it cannot (configuration, load failure). */
  error: string | undefined;

  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #callbacks: KioskCallbacks;
  #options: KioskOptions | undefined;
  #phone: Phone | undefined;
  #loading: Promise<Phone | undefined> | undefined;
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #wakeLock: WakeLockSentinelLike | undefined;
  #connected = false;

  constructor(host: ReactiveControllerHost & HTMLElement, callbacks: KioskCallbacks = {}) {
    this.#host = host;
    this.#callbacks = callbacks;
    host.addController(this);
  }

  /** The target in use: fixed once the phone is loaded. */
  get target(): string | undefined {
    return this.#options?.target;
  }

  /** Sets the options; after the first load the target can no longer change. */
  configure(options: KioskOptions): void {
    if (this.#phone && this.#options && options.target !== this.#options.target) {
      console.warn('<sip-call-button>: the target is fixed once the phone has loaded; ignored.');
      options = { ...options, target: this.#options.target };
    }
    this.#options = options;
  }

  /**
   * Loads the core and starts the phone (connect + register). Called on the first hover, focus or
   * touch, and at the latest on click. Resolves with the phone, or undefined when it cannot start.
   */
  load(): Promise<Phone | undefined> {
    this.#loading ??= this.#load();
    return this.#loading;
  }

  /** Places the call to the target; false when the kiosk cannot call now. */
  async dial(): Promise<boolean> {
    if (this.call && !isOver(this.call.snapshot)) return false;
    if (Date.now() < this.cooldownUntil) return false;
    const phone = await this.load();
    const options = this.#options;
    if (!phone || !options) return false;
    if (!phone.config.register) {
      // Calling only: no registration to wait for, but short-lived credentials must be fresh.
      await phone.ensureCredentials();
    } else if (this.registration.state !== 'registered') {
      await this.#waitForRegistration(phone, REGISTRATION_WAIT_MS);
    }
    try {
      const call = phone.call(options.target);
      this.#follow(call);
      return true;
    } catch (error) {
      this.error = (error as Error).message;
      this.#host.requestUpdate();
      return false;
    }
  }

  hangup(): void {
    if (this.call && !isOver(this.call.snapshot)) this.call.hangup();
  }

  /**
   * Prepares the next call (microphone, peer connection with gathered candidates) when one can be
   * placed now: not during a call nor its cooldown — the button coming back under the pointer
   * after a call is no intent to call again.
   */
  async prewarm(): Promise<void> {
    if (this.call && !isOver(this.call.snapshot)) return;
    if (Date.now() < this.cooldownUntil) return;
    const phone = await this.load();
    await phone?.prewarm().catch(() => undefined);
  }

  hostConnected(): void {
    this.#connected = true;
    document.addEventListener('visibilitychange', this.#handleVisibility);
    if (this.loaded) this.#phone?.start();
  }

  hostDisconnected(): void {
    this.#connected = false;
    document.removeEventListener('visibilitychange', this.#handleVisibility);
    queueMicrotask(() => {
      if (this.#connected) return;
      for (const timer of this.#timers) clearTimeout(timer);
      this.#timers.clear();
      void this.#releaseWakeLock();
      void this.#phone?.stop();
    });
  }

  async #load(): Promise<Phone | undefined> {
    const options = this.#options;
    if (!options) return undefined;
    try {
      const core = await import('../../src/phone.js');
      // The embedder fixed the target: it may be in another domain, but it must be a valid address.
      const config: PhoneConfig = {
        ...options.config,
        maxLines: 1,
        // Nobody may redirect a kiosk's call (REFER) or take it over (Replaces).
        transfers: 'refuse',
        allowOtherDomains: true,
      };
      const phone = new core.Phone(config);
      phone.parseTarget(options.target);
      phone.on('registration-change', (snapshot) => {
        this.registration = snapshot;
        this.#host.requestUpdate();
        this.#callbacks.onRegistrationChange?.(snapshot);
      });
      phone.on('call', (call) => {
        // A kiosk only calls out: it never rings. (The call starts ringing right after this event.)
        if (call.direction !== 'incoming') return;
        const off = call.on('change', ({ state }) => {
          off();
          if (state === 'incoming') call.reject(603);
        });
      });
      this.#phone = phone;
      this.loaded = true;
      this.error = undefined;
      if (this.#connected) phone.start();
      this.#host.requestUpdate();
      return phone;
    } catch (error) {
      this.error = (error as Error).message;
      this.#loading = undefined;
      this.#host.requestUpdate();
      return undefined;
    }
  }

  #follow(call: Call): void {
    const options = this.#options!;
    this.call = call;
    call.on('remote-stream', (stream) => this.#callbacks.onRemoteStream?.(stream));
    let limit: ReturnType<typeof setTimeout> | undefined;
    const off = call.on('change', (snapshot) => {
      this.#host.requestUpdate();
      this.#callbacks.onCallChange?.(snapshot);
      if (snapshot.state === 'connected' && options.maxDurationMs > 0 && !limit) {
        limit = this.#after(options.maxDurationMs, () => call.endFor('time-limit'));
      }
      if (isAnswered(snapshot.state)) void this.#holdWakeLock();
      if (!isOver(snapshot)) return;
      off();
      if (limit) this.#clear(limit);
      void this.#releaseWakeLock();
      this.cooldownUntil = Date.now() + options.cooldownMs;
      this.#after(options.cooldownMs, () => this.#host.requestUpdate());
      this.#after(Math.max(options.endReasonTimeoutMs, 0), () => {
        if (this.call !== call) return;
        this.call = undefined;
        this.#host.requestUpdate();
        this.#callbacks.onIdle?.(snapshot);
      });
    });
    this.#callbacks.onCallChange?.(call.snapshot);
  }

  async #waitForRegistration(phone: Phone, timeoutMs: number): Promise<void> {
    if (phone.registration.state === 'registered') return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      const off = phone.on('registration-change', (snapshot) => {
        if (snapshot.state === 'registered' || snapshot.state === 'failed') done();
      });
      function done() {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
  }

  /** Keep the screen on while someone talks at the kiosk (where the browser offers it). */
  async #holdWakeLock(): Promise<void> {
    if (this.#wakeLock || document.visibilityState !== 'visible') return;
    const wakeLock = (
      navigator as { wakeLock?: { request(type: 'screen'): Promise<WakeLockSentinelLike> } }
    ).wakeLock;
    if (!wakeLock) return;
    try {
      this.#wakeLock = await wakeLock.request('screen');
      this.wakeLocked = true;
      this.#host.requestUpdate();
    } catch {
      // Refused (e.g. battery saver): the call goes on without it.
    }
  }

  async #releaseWakeLock(): Promise<void> {
    const lock = this.#wakeLock;
    this.#wakeLock = undefined;
    this.wakeLocked = false;
    await lock?.release().catch(() => undefined);
  }

  /** The browser drops a wake lock when the page hides: take it again on return. */
  #handleVisibility = (): void => {
    const state = this.call?.snapshot.state;
    if (document.visibilityState === 'visible' && isAnswered(state)) {
      this.#wakeLock = undefined;
      void this.#holdWakeLock();
    }
  };

  #after(ms: number, run: () => void): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      run();
    }, ms);
    this.#timers.add(timer);
    return timer;
  }

  #clear(timer: ReturnType<typeof setTimeout>): void {
    clearTimeout(timer);
    this.#timers.delete(timer);
  }
}

const REGISTRATION_WAIT_MS = 10_000;
const isOver = (snapshot: CallSnapshot): boolean =>
  snapshot.state === 'ended' || snapshot.state === 'failed';
