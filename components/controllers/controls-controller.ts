/**
 * ControlsController: what the controls of the phone's card do (its `PhoneHandlers`), and the keys.
 * Call asks the page first (`sip-call-request`, cancelable), then calls the typed number; Answer,
 * Reject, Hang up, Transfer and "Retry now" act through the element's own methods; Mute, Hold and
 * the lines' buttons on the session's calls; keys typed anywhere in the element work as its keypad
 * (a DialKeysController: DTMF during a call, digits between calls). Why an action was refused is
 * shown under the number field (`error`), and focus goes back to the field when it is the number
 * that needs fixing.
 */
import type { ReactiveControllerHost } from 'lit';
import { isSipPhoneError } from '../../src/errors.js';
import type { CallState } from '../../src/call-machine.js';
import type { UiStrings } from '../../src/i18n/ui.js';
import { SipCallRequestEvent, type SipDialpadPressEvent } from '../events.js';
import type { PhoneHandlers } from '../shared/phone-view.js';
import { prefetchInCall } from '../shared/lazy.js';
import { DialKeysController } from './dial-keys-controller.js';
import type { PhoneController } from './phone-controller.js';

type Handler = (event: Event) => void;

/** The element: its number, and the methods its controls call. */
export interface ControlsHost extends ReactiveControllerHost, HTMLElement {
  number: string;
  readonly callState: CallState;
  readonly renderRoot: ParentNode;
  call(target: string): void;
  answer(): void;
  reject(): void;
  hangup(): void;
  transfer(target?: string): Promise<boolean>;
  sendDtmf(digits: string): void;
  retryNow(): boolean;
}

export interface ControlsControllerOptions {
  /** The phone session: its lines, and the calls Mute, Hold and the lines' buttons act on. */
  session: PhoneController;
  /** The UI strings in the element's language. */
  strings(): UiStrings;
  /** A key was pressed (keypad or keyboard): its tone. */
  onTone(key: string): void;
  /** The transfer prompt's Accept, Decline and Escape (a TransferController's). */
  transferPrompt: PhoneHandlers['transferPrompt'];
  /** "Enable sound", while the browser blocks audio. */
  enableSound: Handler;
  /** The pointer or focus reached Call. */
  callIntent: Handler;
}

// Its keys are a controller of the host; the rest has no lifecycle, so this one is not added.
export class ControlsController implements PhoneHandlers {
  readonly transferPrompt: PhoneHandlers['transferPrompt'];
  readonly enableSound: Handler;
  readonly callIntent: Handler;

  readonly #host: ControlsHost;
  readonly #options: ControlsControllerOptions;
  readonly #keys: DialKeysController;
  #error = '';

  constructor(host: ControlsHost, options: ControlsControllerOptions) {
    this.#host = host;
    this.#options = options;
    this.transferPrompt = options.transferPrompt;
    this.enableSound = options.enableSound;
    this.callIntent = options.callIntent;
    this.#keys = new DialKeysController(host, {
      callState: () => host.callState,
      field: () => this.field,
      onTone: (key) => options.onTone(key),
      onDtmf: (key) => {
        try {
          host.sendDtmf(key);
        } catch (error) {
          this.refused(error, options.strings().digitNotSent);
        }
      },
      onDigit: (key) => {
        host.number += key;
        this.error = '';
      },
    });
  }

  /** Why the last call attempt or action was refused (shown under the number field). */
  get error(): string {
    return this.#error;
  }

  set error(error: string) {
    if (error === this.#error) return;
    this.#error = error;
    this.#host.requestUpdate();
  }

  /** The number field, once rendered. */
  get field(): HTMLInputElement | null {
    return this.#host.renderRoot.querySelector('input');
  }

  /** Shows why an action was refused: the error's own words, else `fallback`. */
  refused(error: unknown, fallback: string): void {
    this.error = isSipPhoneError(error) ? error.message : fallback;
  }

  readonly retryNow = (): void => {
    this.#host.retryNow();
  };

  /** A line's button: `data-call` names the call, `data-action` what to do with it. */
  readonly line = (event: Event): void => {
    const { dataset } = event.currentTarget as HTMLButtonElement;
    this.#options.session.lineAction(dataset.call, dataset.action);
  };

  /** Typing in the number field. */
  readonly input = (event: InputEvent): void => {
    this.#host.number = (event.target as HTMLInputElement).value;
    this.error = '';
    prefetchInCall(); // the user starts dialling: the call will not wait for its code
  };

  /** Call (the form's submit): the page may veto it; a refused number gets focus back. */
  readonly submit = (event: SubmitEvent): void => {
    event.preventDefault();
    const host = this.#host;
    if (!host.dispatchEvent(new SipCallRequestEvent({ target: host.number }))) return;
    try {
      host.call(host.number);
    } catch {
      // The reason is already shown under the number field.
      this.field?.focus();
    }
  };

  /** A key of the keypad. */
  readonly press = (event: SipDialpadPressEvent): void => {
    this.#keys.press(event.detail.key);
    prefetchInCall();
  };

  readonly mute = (): void => {
    this.#options.session.toggleMute();
  };

  readonly hold = (): void => {
    this.#options.session.toggleHold();
  };

  /** Transfer: attended to the other line, else blind to the typed number (asked for if none). */
  readonly transfer = (): void => {
    const { lines, shownCall } = this.#options.session;
    const target = lines.some((c) => c !== shownCall) ? undefined : this.#host.number.trim();
    if (target === '') {
      this.error = this.#options.strings().typeTransferTarget;
      this.field?.focus();
      return;
    }
    this.#host.transfer(target).catch(() => undefined);
  };

  readonly answer = (): void => {
    try {
      this.#host.answer();
    } catch (error) {
      this.refused(error, this.#options.strings().callNotAnswered);
    }
  };

  readonly reject = (): void => {
    this.#host.reject();
  };

  readonly hangup = (): void => {
    this.#host.hangup();
  };
}
