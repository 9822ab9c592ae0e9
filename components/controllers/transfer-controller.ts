/**
 * TransferController: transfers the far end asks for (an incoming REFER). It offers each request to
 * the page (`sip-transfer-request`: cancelable, or accepted unasked), holds the one waiting for the
 * user's answer (`prompt`, with the `ask` policy), and says what became of it (`notice`: declined,
 * expired, or refused at once), on the call it was about.
 */
import type { ReactiveControllerHost } from 'lit';
import type { PhoneEvents, TransferRequest } from '../../src/index.js';
import type { UiStrings } from '../../src/i18n/ui.js';
import { SipTransferRequestEvent } from '../events.js';
import { transferTarget } from '../shared/phone-controls.js';

export interface TransferControllerOptions {
  /** The UI strings in the element's language. */
  strings(): UiStrings;
  /** Transfers wait for the user's answer (the phone's `transfers` policy is `ask`). */
  asks(): boolean;
  /** A request now waits in the prompt (the element may move focus to it). */
  onPrompt?(request: TransferRequest): void;
}

// No lifecycle of its own (nothing to start or stop with the host), so not added to the host.
export class TransferController {
  /** The request waiting for the user's answer. */
  prompt: TransferRequest | undefined;
  /** What became of a request, shown while the call it was about is on show. */
  notice: { call: string; text: string } | undefined;

  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #options: TransferControllerOptions;

  constructor(host: ReactiveControllerHost & HTMLElement, options: TransferControllerOptions) {
    this.#host = host;
    this.#options = options;
  }

  /**
   * The far end asks to transfer a call: the embedder may decline or accept first
   * (`sip-transfer-request`); with the `ask` policy the user answers in the prompt.
   */
  request(request: TransferRequest): void {
    const target = transferTarget(request);
    void request.settled.then((outcome) => {
      if (this.prompt === request) this.#set({ prompt: undefined });
      if (outcome === 'accepted') return;
      const t = this.#options.strings();
      this.#set({
        notice: {
          call: request.call.id,
          text: outcome === 'expired' ? t.transferExpired(target) : t.transferDeclined(target),
        },
      });
    });
    const event = new SipTransferRequestEvent({
      id: request.call.id,
      target,
      from: { ...request.from },
      attended: request.attended,
      accept: () => request.accept(),
    });
    if (!this.#host.dispatchEvent(event)) request.decline();
    if (request.state !== 'pending' || !this.#options.asks()) return;
    this.#set({ prompt: request });
    this.#options.onPrompt?.(request);
  }

  /** A request was refused at once (malformed, forbidden, or transfers are off). */
  refused(refusal: PhoneEvents['transfer-refused']): void {
    const text = this.#options.strings().transferRefused[refusal.code];
    this.#set({ notice: { call: refusal.call.id, text } });
  }

  /** The prompt's Accept. */
  readonly accept = (): void => {
    this.prompt?.accept();
  };

  /** The prompt's Decline. */
  readonly decline = (): void => {
    this.prompt?.decline();
  };

  /** Escape in the prompt declines. */
  readonly keydown = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    this.prompt?.decline();
  };

  #set(change: Partial<Pick<TransferController, 'prompt' | 'notice'>>): void {
    if ('prompt' in change && change.prompt !== this.prompt) {
      this.prompt = change.prompt;
      this.#host.requestUpdate();
    }
    if ('notice' in change) {
      this.notice = change.notice;
      this.#host.requestUpdate();
    }
  }
}
