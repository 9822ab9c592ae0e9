/**
 * LangController: the element's language, from `lang` on the element or its nearest ancestor,
 * else the page's `<html lang>`; follows changes to either and re-renders the host. It knows the
 * language only, not the UI catalogues: the kiosk button's first paint uses it with the few words
 * of src/i18n/languages.ts. LocaleController adds the full catalogue.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
// Not src/index.js nor src/i18n/index.js: this is part of the kiosk button's first paint.
import { matchLanguage, type Language } from '../../src/i18n/languages.js';

export class LangController implements ReactiveController {
  lang: Language = 'en';

  protected readonly host: ReactiveControllerHost & HTMLElement;
  #observer: MutationObserver | undefined;

  constructor(host: ReactiveControllerHost & HTMLElement) {
    this.host = host;
    host.addController(this);
  }

  hostConnected(): void {
    this.#read();
    this.#observer = new MutationObserver(() => this.#read());
    this.#observer.observe(this.host, { attributes: true, attributeFilter: ['lang'] });
    this.#observer.observe(document.documentElement, {
      attributes: true,
      attributeFilter: ['lang'],
    });
  }

  hostDisconnected(): void {
    this.#observer?.disconnect();
    this.#observer = undefined;
  }

  /** Called when the language changes, before the host is asked to update. */
  protected languageChanged(_lang: Language): void {}

  #read(): void {
    const tag = this.host.closest('[lang]')?.getAttribute('lang') || document.documentElement.lang;
    const lang = matchLanguage(tag);
    if (lang === this.lang) return;
    this.lang = lang;
    this.languageChanged(lang);
    this.host.requestUpdate();
  }
}
