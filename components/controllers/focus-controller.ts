/**
 * FocusController: keeps keyboard focus in a useful place when the control that had it goes away
 * or something needs an answer (an incoming call's Answer, a transfer prompt). A move is asked for
 * before a render and made right after it, and only while focus is inside the element: the phone
 * never takes focus from the rest of the page.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export class FocusController implements ReactiveController {
  readonly #host: ReactiveControllerHost & HTMLElement & { renderRoot: ParentNode };
  #selector: string | undefined;

  constructor(host: ReactiveControllerHost & HTMLElement & { renderRoot: ParentNode }) {
    this.#host = host;
    host.addController(this);
  }

  /** After the next render, focus the element's `selector` (if focus is within the element now). */
  moveTo(selector: string): void {
    if (this.#host.matches(':focus-within')) this.#selector = selector;
  }

  hostUpdated(): void {
    const selector = this.#selector;
    this.#selector = undefined;
    if (selector) this.#host.renderRoot.querySelector<HTMLElement>(selector)?.focus();
  }
}
