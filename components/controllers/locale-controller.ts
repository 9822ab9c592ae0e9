/**
 * LocaleController: the element's language, from `lang` on the element or its nearest ancestor,
 * else the page's `<html lang>`; follows changes to either. `strings` is the UI catalogue for it.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
// Not src/index.js: this is part of the kiosk button's first paint, which must not load JsSIP.
import { matchLanguage, uiStrings, type UiStrings } from '../../src/i18n/index.js';

export class LocaleController implements ReactiveController {
  lang = 'en';
  strings: UiStrings = uiStrings('en');

  readonly #host: ReactiveControllerHost & HTMLElement;
  #observer: MutationObserver | undefined;

  constructor(host: ReactiveControllerHost & HTMLElement) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {
    this.#read();
    this.#observer = new MutationObserver(() => this.#read());
    this.#observer.observe(this.#host, { attributes: true, attributeFilter: ['lang'] });
    this.#observer.observe(document.documentElement, {
      attributes: true,
      attributeFilter: ['lang'],
    });
  }

  hostDisconnected(): void {
    this.#observer?.disconnect();
    this.#observer = undefined;
  }

  #read(): void {
    const tag = this.#host.closest('[lang]')?.getAttribute('lang') || document.documentElement.lang;
    const lang = matchLanguage(tag);
    if (lang === this.lang) return;
    this.lang = lang;
    this.strings = uiStrings(lang);
    this.#host.requestUpdate();
  }
}
