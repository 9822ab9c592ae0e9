/**
 * LocaleController: the element's language, from `lang` on the element or its nearest ancestor,
 * else the page's `<html lang>`; follows changes to either. Its words are `uiStrings(lang)` (the
 * full catalogue, ../../src/i18n/ui.ts, which the elements' bodies import) or, for a first paint,
 * `firstPaintStrings(lang)`.
 * A language other than English is a chunk of its own: the controller fetches it when the element
 * first speaks it, and `ready` holds the element's update until it is there (at most
 * `LANGUAGE_WAIT_MS`, then English until it arrives), so a German page never flashes English.
 */
// Not src/index.js: an element with this controller must not load JsSIP by it; not ./ui.ts
// either: the catalogue is not part of a first paint.
import type { Language } from '../../src/i18n/languages.js';
import { loadLanguage } from '../shared/lazy.js';
import { LangController } from './lang-controller.js';

/** How long an element waits for its language's words before it renders in English meanwhile. */
export const LANGUAGE_WAIT_MS = 1000;

export class LocaleController extends LangController {
  #ready: Promise<void> | undefined;

  /** Settles when the words of `lang` are there (or the wait is over); undefined when they are. */
  get ready(): Promise<void> | undefined {
    return this.#ready;
  }

  protected override languageChanged(lang: Language): void {
    const loading = loadLanguage(lang);
    if (!loading) {
      this.#ready = undefined;
      return;
    }
    // The words arriving after the wait still reach the screen.
    void loading.then(() => this.host.requestUpdate());
    const ready = Promise.race([
      loading,
      new Promise<void>((resolve) => setTimeout(resolve, LANGUAGE_WAIT_MS)),
    ]).then(() => {
      if (this.#ready === ready) this.#ready = undefined;
    });
    this.#ready = ready;
  }
}

/**
 * For an element's `scheduleUpdate()`: runs the update once the element's words are there. Lit
 * documents overriding `scheduleUpdate` to await something before an update.
 */
export function afterWords(
  locale: LocaleController,
  update: () => void | Promise<unknown>,
): void | Promise<unknown> {
  const ready = locale.ready;
  return ready ? ready.then(update) : update();
}
