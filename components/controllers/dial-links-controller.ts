/**
 * DialLinksController: with `dial-links` on, a click on a `tel:` or `sip:` link anywhere in the page
 * (in other shadow roots too: the click's composed path is read) fills the element's number and
 * puts focus on Call — it never dials; the person presses Call, which asks the page first
 * (`sip-call-request`) as always. Only a plain click counts: the main button, no modifier key, and
 * not taken already (a listener that called `preventDefault()` on the click keeps the link for
 * itself, and so does another phone that took it first). A link whose address is not a number or
 * SIP address the phone could dial is left alone, to the browser. One listener on the document,
 * while the element is connected and the attribute is on.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { isPlainClick, parseCallLink } from '../../src/call-link.js';

/** The element: its setting, its number, its card. */
export interface DialLinksHost extends ReactiveControllerHost, HTMLElement {
  dialLinks: boolean;
  number: string;
  readonly renderRoot: ParentNode;
  /** Settles once the phone's core is here: Call is enabled then, if configured. */
  readonly phoneReady: Promise<unknown>;
}

const LINK_SCHEME = /^\s*(?:tel|sips?):/i;

/** The nearest link on the click's path (through shadow roots), if any. */
function linkOf(event: Event): Element | undefined {
  for (const node of event.composedPath()) {
    if (node instanceof Element && node.localName === 'a' && node.hasAttribute('href')) return node;
  }
  return undefined;
}

export class DialLinksController implements ReactiveController {
  readonly #host: DialLinksHost;
  #listening = false;

  constructor(host: DialLinksHost) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {
    this.#sync();
  }

  hostUpdated(): void {
    this.#sync();
  }

  hostDisconnected(): void {
    this.#listen(false);
  }

  #sync(): void {
    this.#listen(this.#host.isConnected && this.#host.dialLinks);
  }

  #listen(on: boolean): void {
    if (on === this.#listening) return;
    this.#listening = on;
    const document = this.#host.ownerDocument;
    if (on) document.addEventListener('click', this.#handleClick);
    else document.removeEventListener('click', this.#handleClick);
  }

  readonly #handleClick = (event: MouseEvent): void => {
    if (!isPlainClick(event)) return;
    const href = linkOf(event)?.getAttribute('href') ?? '';
    if (!LINK_SCHEME.test(href)) return;
    const link = parseCallLink(href);
    if (!link.ok) return;
    event.preventDefault();
    const host = this.#host;
    host.number = link.number;
    void host.phoneReady
      .catch(() => undefined)
      .then(() => host.updateComplete)
      .then(() => {
        const call = host.renderRoot.querySelector<HTMLButtonElement>('[part~="call-button"]');
        const target =
          call && !call.disabled ? call : host.renderRoot.querySelector<HTMLElement>('input');
        target?.focus();
      });
  };
}
