/**
 * PrewarmController: prepares a call before Call is pressed. When the pointer or focus reaches
 * Call (`intent`) and the element has `prewarm` on, the phone opens the microphone and gathers ICE
 * candidates, so the INVITE leaves as soon as Call is pressed; but not right after a call ended.
 */
import type { Phone } from '../../src/phone.js';
import type { CallSnapshot } from '../../src/call.js';
import { isFinalCallState } from '../../src/call-machine.js';

/** No pre-warming for this long after a call ended. */
export const PREWARM_QUIET_AFTER_CALL_MS = 1000;

/** The element's `prewarm` setting. */
export interface PrewarmHost {
  prewarm: boolean;
}

// No lifecycle of its own (the phone ends what it prepared), so not added to the host.
export class PrewarmController {
  readonly #host: PrewarmHost;
  readonly #phone: () => Phone | undefined;
  #callEndedAt = 0;

  constructor(host: PrewarmHost, phone: () => Phone | undefined) {
    this.#host = host;
    this.#phone = phone;
  }

  /** A call changed: remember when it ended. */
  callChanged(snapshot: CallSnapshot): void {
    if (isFinalCallState(snapshot.state)) this.#callEndedAt = Date.now();
  }

  /** The pointer or focus reached Call: with `prewarm`, prepare the call before the press. */
  readonly intent = (): void => {
    // Right after a call, Call appears under the pointer that pressed Hang up: that is no intent
    // to call again, and the microphone should close with the call.
    if (!this.#host.prewarm || Date.now() - this.#callEndedAt < PREWARM_QUIET_AFTER_CALL_MS) return;
    this.#phone()
      ?.prewarm()
      .catch(() => undefined);
  };
}
