/**
 * DialKeysController: the keyboard as a keypad. Digit keys pressed anywhere in the element (but not
 * while typing in a field) become DTMF during a call (`0-9 * # A-D`) and dial digits between calls
 * (`0-9 * #`), as the keys of the element's keypad do (`press`).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { isEstablishedCallState, isLiveCallState, type CallState } from '../../src/call-machine.js';

const DTMF_KEY = /^[0-9*#A-Da-d]$/;
const DIAL_KEY = /^[0-9*#]$/;

export interface DialKeysOptions {
  /** The state of the call the element shows (`idle` without one). */
  callState(): CallState;
  /** The field where typing is just typing (the number field). */
  field(): Element | null;
  /** Every key pressed: its tone. */
  onTone(key: string): void;
  /** A key during a call (upper-case): send it as DTMF. */
  onDtmf(key: string): void;
  /** A key between calls: add it to the number. */
  onDigit(key: string): void;
}

export class DialKeysController implements ReactiveController {
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #options: DialKeysOptions;

  constructor(host: ReactiveControllerHost & HTMLElement, options: DialKeysOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  /** A key of the keypad (or the keyboard): DTMF during a call, a digit between calls. */
  press(key: string): void {
    this.#options.onTone(key);
    const state = this.#options.callState();
    if (isEstablishedCallState(state)) this.#options.onDtmf(key);
    else if (!isLiveCallState(state)) this.#options.onDigit(key);
  }

  hostConnected(): void {
    this.#host.addEventListener('keydown', this.#handleKeydown);
  }

  hostDisconnected(): void {
    this.#host.removeEventListener('keydown', this.#handleKeydown);
  }

  readonly #handleKeydown = (event: KeyboardEvent): void => {
    if (event.ctrlKey || event.metaKey || event.altKey || !DTMF_KEY.test(event.key)) return;
    const inField = event.composedPath()[0] === this.#options.field();
    const state = this.#options.callState();
    if (inField) return; // Typing a number (to dial, or to transfer to) is just typing.
    if (isEstablishedCallState(state)) {
      event.preventDefault();
      this.press(event.key.toUpperCase());
    } else if (!isLiveCallState(state) && DIAL_KEY.test(event.key)) {
      event.preventDefault();
      this.press(event.key);
    }
  };
}
