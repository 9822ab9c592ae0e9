/**
 * PhoneController: the only bridge between an element and the core `Phone`. It creates the phone
 * from the element's configuration, starts it while the element is connected, stops it when the
 * element leaves the DOM, and asks the element to re-render on every registration or call change.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import {
  Phone,
  isConfigError,
  type Call,
  type CallSnapshot,
  type PhoneConfig,
  type RegistrationSnapshot,
} from '../../src/index.js';

export interface PhoneControllerCallbacks {
  onRegistrationChange?(snapshot: RegistrationSnapshot): void;
  onCallChange?(snapshot: CallSnapshot, call: Call): void;
  onCall?(call: Call): void;
}

export class PhoneController implements ReactiveController {
  /** The phone, once a complete and valid configuration is set. */
  phone: Phone | undefined;
  /** Why the configuration was refused, when it was. */
  configError: Error | undefined;
  registration: RegistrationSnapshot = { state: 'unregistered' };
  /** The current (or last) call. */
  call: Call | undefined;
  callSnapshot: CallSnapshot | undefined;

  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #callbacks: PhoneControllerCallbacks;
  #configKey = '';
  #unsubscribe: Array<() => void> = [];
  #offCall: (() => void) | undefined;
  #connected = false;

  constructor(
    host: ReactiveControllerHost & HTMLElement,
    callbacks: PhoneControllerCallbacks = {},
  ) {
    this.#host = host;
    this.#callbacks = callbacks;
    host.addController(this);
  }

  /**
   * Sets the configuration; a changed configuration replaces the phone (and so re-registers).
   * `undefined` means "not configured yet".
   */
  configure(config: PhoneConfig | undefined): void {
    const key = config ? JSON.stringify(config) : '';
    if (key === this.#configKey) return;
    this.#configKey = key;
    this.#dispose();
    this.configError = undefined;
    if (!config) {
      this.#setRegistration({ state: 'unregistered' });
      return;
    }
    try {
      this.phone = new Phone(config);
    } catch (error) {
      if (!isConfigError(error)) throw error;
      this.configError = error;
      this.#setRegistration({ state: 'failed', reason: error.message });
      return;
    }
    const phone = this.phone;
    this.#unsubscribe.push(
      phone.on('registration-change', (snapshot) => this.#setRegistration(snapshot)),
      phone.on('call', (call) => this.#adopt(call)),
    );
    if (this.#connected) phone.start();
  }

  hostConnected(): void {
    this.#connected = true;
    this.phone?.start();
  }

  hostDisconnected(): void {
    this.#connected = false;
    // An element moved within the page is disconnected and reconnected in one task: keep the phone.
    queueMicrotask(() => {
      if (!this.#connected) void this.phone?.stop();
    });
  }

  #adopt(call: Call): void {
    // Only the newest call drives the view; drop the listener of the previous one.
    this.#offCall?.();
    this.call = call;
    this.callSnapshot = call.snapshot;
    this.#callbacks.onCall?.(call);
    this.#offCall = call.on('change', (snapshot) => {
      this.callSnapshot = snapshot;
      this.#host.requestUpdate();
      this.#callbacks.onCallChange?.(snapshot, call);
    });
    this.#host.requestUpdate();
  }

  #setRegistration(snapshot: RegistrationSnapshot): void {
    const previous = this.registration;
    this.registration = snapshot;
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
    for (const off of this.#unsubscribe) off();
    this.#unsubscribe = [];
    this.#offCall?.();
    this.#offCall = undefined;
    const phone = this.phone;
    this.phone = undefined;
    this.call = undefined;
    this.callSnapshot = undefined;
    void phone?.stop();
  }
}
