/**
 * AutoAnswerController: answers an incoming call by itself when the element's `auto-answer`
 * settings and the call allow it (the decision is the core's pure `autoAnswerDecision`). When a
 * call starts ringing it decides, fires the cancelable `sip-auto-answer`, and counts down; the
 * element shows `pending` in its banner and plays the warning tone meanwhile. The user can still
 * answer or reject; a call that stops ringing, or another call that became live meanwhile (unless
 * `auto-answer-busy`), stops the countdown.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Call, CallSnapshot, Phone } from '../../src/index.js';
import {
  AUTO_ANSWER_OFF,
  autoAnswerDecision,
  resolveAutoAnswer,
  type AutoAnswerSettings,
} from '../../src/auto-answer.js';
import { isConfigError } from '../../src/errors.js';
import { SipAutoAnswerEvent } from '../events.js';

/** The element's auto-answer attributes. */
export interface AutoAnswerSource {
  autoAnswer: string;
  autoAnswerFrom: string;
  autoAnswerBusy: boolean;
}

export interface AutoAnswerControllerOptions {
  phone(): Phone | undefined;
  /** Every call not over yet. */
  lines(): readonly Call[];
  /** Answers this call as the Answer button does (a call you talk on goes on hold). */
  answer(call: Call): void;
}

/** A countdown under way: which call, and the seconds the banner says. */
export interface PendingAutoAnswer {
  id: string;
  seconds: number;
}

export class AutoAnswerController implements ReactiveController {
  readonly #host: ReactiveControllerHost & HTMLElement & AutoAnswerSource;
  readonly #options: AutoAnswerControllerOptions;
  #pending: { call: Call; seconds: number; timer: ReturnType<typeof setTimeout> } | undefined;
  /** The last refused settings, so that a console warning is given once per value. */
  #warned = '';

  constructor(
    host: ReactiveControllerHost & HTMLElement & AutoAnswerSource,
    options: AutoAnswerControllerOptions,
  ) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  /** The countdown under way, if any. */
  get pending(): PendingAutoAnswer | undefined {
    const pending = this.#pending;
    return pending && { id: pending.call.id, seconds: pending.seconds };
  }

  /** A call changed: a call that starts ringing may be answered by itself; others stop the wait. */
  callChanged(snapshot: CallSnapshot): void {
    const pending = this.#pending;
    if (pending?.call.id === snapshot.id && snapshot.state !== 'incoming') this.#stop();
    if (snapshot.state === 'incoming' && snapshot.previous === 'idle' && !this.#pending) {
      this.#consider(snapshot);
    }
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.#stop();
  }

  /** The element's settings, checked; refused ones turn auto-answer off (with a warning). */
  #settings(): AutoAnswerSettings {
    const host = this.#host;
    try {
      return resolveAutoAnswer({
        autoAnswer: host.autoAnswer,
        from: host.autoAnswerFrom,
        busy: host.autoAnswerBusy,
      });
    } catch (error) {
      if (!isConfigError(error)) throw error;
      const key = `${host.autoAnswer}\n${host.autoAnswerFrom}`;
      if (key !== this.#warned) {
        this.#warned = key;
        console.warn(`<sip-phone>: auto-answer is off: ${error.message}`);
      }
      return AUTO_ANSWER_OFF;
    }
  }

  #consider(snapshot: CallSnapshot): void {
    const phone = this.#options.phone();
    const lines = this.#options.lines();
    const call = lines.find((c) => c.id === snapshot.id);
    if (!phone || !call) return;
    const settings = this.#settings();
    const decision = autoAnswerDecision({
      settings,
      request: phone.answerRequestOf(call),
      caller: snapshot.remote.uri,
      domain: phone.domain,
      otherCalls: lines.filter((c) => c !== call).length,
    });
    if (!decision.answer) return;
    const event = new SipAutoAnswerEvent({
      id: call.id,
      after: decision.afterSeconds,
      requested: decision.requested,
      caller: { ...snapshot.remote },
    });
    // Vetoed, or the page's listener ended the call, or another countdown began meanwhile.
    if (!this.#host.dispatchEvent(event) || call.state !== 'incoming' || this.#pending) return;
    const timer = setTimeout(() => this.#fire(call, settings), decision.afterMs);
    this.#pending = { call, seconds: decision.afterSeconds, timer };
    this.#host.requestUpdate();
  }

  #fire(call: Call, settings: AutoAnswerSettings): void {
    if (this.#pending?.call !== call) return;
    // A call placed or answered during the countdown: this one rings on, unless busy is allowed.
    const others = this.#options.lines().filter((c) => c !== call);
    if (call.state !== 'incoming' || (others.length && !settings.busy)) {
      this.#stop();
      return;
    }
    // The countdown stays "pending" (the banner and the warning tone go on) until the call leaves
    // `incoming`: answering takes the microphone and the answer's ICE candidates first.
    try {
      this.#options.answer(call);
    } catch {
      // Answered already (by the user: JsSIP answers once) or gone: nothing left to do here.
      this.#stop();
    }
  }

  #stop(): void {
    if (!this.#pending) return;
    clearTimeout(this.#pending.timer);
    this.#pending = undefined;
    this.#host.requestUpdate();
  }
}
