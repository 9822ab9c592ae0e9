/**
 * What the elements fetch only when it is used. Each `import()` here is a chunk of its own in the
 * CDN file (`dist/chunks/`, beside `dist/sip-phone.js`), so a page that never uses it never fetches
 * it; one file, so the boundaries are easy to see.
 */
import type { Language } from '../../src/i18n/languages.js';
import { languagePack, registerLanguagePack, type LanguagePack } from '../../src/i18n/registry.js';

let core: ReturnType<typeof importCore> | undefined;
const importCore = () => import('../../src/phone.js');

/**
 * The phone core and JsSIP: fetched once, at once when the elements load (see PhoneController),
 * in parallel with the first paint, which does not wait for it.
 */
export const loadCore = () => (core ??= importCore());

/** The pre-call self-test: fetched when it runs. */
export const loadSelfTest = () => import('../../src/self-test.js');

/** The diagnostics file (and its text format): fetched on the first save. */
export const loadDiagnosticsDownload = () => import('./diagnostics-download.js');

/** Every language but English, one chunk each (with no imports of its own). */
const LANGUAGE_CHUNKS: Record<Exclude<Language, 'en'>, () => Promise<LanguagePack>> = {
  de: () => import('../../src/i18n/de.js').then((chunk) => chunk.de),
};

const languages = new Map<Language, Promise<void>>();

/**
 * The words of one language (UI strings and outcome texts): fetched by the first element on the page
 * that speaks it; undefined when they are already there (English always is). A failed fetch leaves
 * English in place and is tried again next time.
 */
export function loadLanguage(lang: Language): Promise<void> | undefined {
  if (lang === 'en' || languagePack(lang)) return undefined;
  let loading = languages.get(lang);
  if (!loading) {
    loading = LANGUAGE_CHUNKS[lang]().then(registerLanguagePack, () => {
      languages.delete(lang);
    });
    languages.set(lang, loading);
  }
  return loading;
}
