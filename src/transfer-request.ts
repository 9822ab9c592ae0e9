/**
 * A transfer the far end asked for (REFER) that waits for a yes or no: from the user (the phone's
 * `ask` policy), from an embedder's handler, or from the clock (no answer in time is a no).
 */
import type { Call, RemoteParty } from './call.js';
import { isEstablishedCallState } from './call-machine.js';

export type TransferRequestState = 'pending' | 'accepted' | 'declined' | 'expired';

export class TransferRequest {
  /** The call the request came on. */
  readonly call: Call;
  /** Who asks: the remote party of that call (sanitised, render as text). */
  readonly from: RemoteParty;
  /** Where to: the checked target URI. */
  readonly target: string;
  /** The target's user (number or name), for display. */
  readonly targetUser: string;
  /** An attended transfer: the new call replaces one the target already has (Replaces). */
  readonly attended: boolean;
  /** When the request is declined if nobody answered (epoch ms). */
  readonly expiresAt: number;
  /** Resolves with the outcome once there is one. */
  readonly settled: Promise<Exclude<TransferRequestState, 'pending'>>;

  #state: TransferRequestState = 'pending';
  readonly #onAccept: () => void;
  readonly #onDecline: () => void;
  #resolve!: (state: Exclude<TransferRequestState, 'pending'>) => void;
  readonly #timer: ReturnType<typeof setTimeout>;
  readonly #offCall: () => void;

  /** @internal Created by the phone. */
  constructor(options: {
    call: Call;
    target: string;
    targetUser: string;
    attended: boolean;
    timeout: number;
    accept: () => void;
    decline: () => void;
  }) {
    this.call = options.call;
    this.from = options.call.remote;
    this.target = options.target;
    this.targetUser = options.targetUser;
    this.attended = options.attended;
    this.expiresAt = Date.now() + options.timeout;
    this.#onAccept = options.accept;
    this.#onDecline = options.decline;
    this.settled = new Promise((resolve) => (this.#resolve = resolve));
    this.#timer = setTimeout(() => this.#settle('expired'), options.timeout);
    // A call that ends (or stops being connected) takes its transfer request with it.
    this.#offCall = options.call.on('change', ({ state }) => {
      if (!isEstablishedCallState(state)) this.#settle('declined');
    });
  }

  get state(): TransferRequestState {
    return this.#state;
  }

  /** Follows the transfer: the phone calls the target. Ignored once settled. */
  accept(): void {
    this.#settle('accepted');
  }

  /** Declines: the far end is told 603 Decline and the call goes on. Ignored once settled. */
  decline(): void {
    this.#settle('declined');
  }

  #settle(state: Exclude<TransferRequestState, 'pending'>): void {
    if (this.#state !== 'pending') return;
    this.#state = state;
    clearTimeout(this.#timer);
    this.#offCall();
    if (state === 'accepted') this.#onAccept();
    else this.#onDecline();
    this.#resolve(state);
  }
}
