/**
 * What the elements fetch only when it is used. Each `import()` here is a chunk of its own in the
 * CDN file (`dist/chunks/`, beside `dist/sip-phone.js`), so a page that never uses it never fetches
 * it; one file, so the boundaries are easy to see.
 */
import type { Language } from '../../src/i18n/languages.js';
import { languagePack, registerLanguagePack, type LanguagePack } from '../../src/i18n/registry.js';

let core: ReturnType<typeof importCore> | undefined;
/**
 * The core's chunk, and at the same time the chunks it imports (JsSIP, the diagnostics recorder):
 * the browser asks for a module's imports only once it has parsed it and the main thread is free to
 * say so, which behind an element's first render put JsSIP, the biggest file, a round trip and
 * ~100 ms (cold) after the core. A failure here is the core's to say.
 */
const importCore = () => {
  void Promise.all([import('jssip'), import('../../src/diagnostics.js')]).catch(() => undefined);
  return import('../../src/phone.js');
};

/**
 * The phone core and JsSIP: fetched once, at once when the elements load (see PhoneController),
 * in parallel with the first paint, which does not wait for it. The outcome catalogue comes with
 * it: the core describes every change with it.
 */
export const loadCore = () =>
  (core ??= Promise.all([importCore(), loadOutcomes()]).then(([module]) => module));

/** Said when a chunk the phone needs cannot be fetched (offline, or a CDN that lost a file). */
export const CODE_LOAD_FAILED =
  "The phone's code could not be loaded. Check the network connection and reload the page.";

/** A chunk fetched once (again after a failed fetch), and what it holds once it is here. */
export function chunk<T>(importer: () => Promise<T>): {
  load: () => Promise<T>;
  loaded: () => T | undefined;
} {
  let module: T | undefined;
  let loading: Promise<T> | undefined;
  return {
    load: () =>
      (loading ??= importer().then(
        (loaded) => (module = loaded),
        (error: unknown) => {
          loading = undefined;
          throw error;
        },
      )),
    loaded: () => module,
  };
}

/**
 * The outcome catalogue (what every SIP status and local cause means, in English; other languages
 * come with their words): fetched with the core, or by the call history.
 */
const outcomes = chunk(() => import('../../src/outcomes.js'));
export const loadOutcomes = outcomes.load;
/** The outcome catalogue, once it is here. */
export const loadedOutcomes = outcomes.loaded;

/**
 * What a call needs once it is up (the call-quality monitor): prefetched once the phone has
 * registered, or when the user starts dialling or a call starts, whichever comes first, so that a
 * call never waits for it.
 */
const inCall = chunk(() => import('./in-call.js'));
export const loadInCall = inCall.load;
/** The in-call code, once it is here. */
export const loadedInCall = inCall.loaded;
/** Starts fetching the in-call code (a failed fetch is tried again by the next call). */
export const prefetchInCall = (): void => void inCall.load().catch(() => undefined);

/** The call history's IndexedDB code: fetched by the first write or the first list shown. */
export const loadHistory = () => import('../../src/history.js');

/** The pre-call self-test: fetched when it runs. */
export const loadSelfTest = () => import('../../src/self-test.js');

/** The diagnostics file (and its text format): fetched on the first save. */
export const loadDiagnosticsDownload = () => import('./diagnostics-download.js');

/** Every language but English, one chunk each (with no imports of its own). */
const LANGUAGE_CHUNKS: Record<Exclude<Language, 'en'>, () => Promise<LanguagePack>> = {
  de: () => import('../../src/i18n/de.js').then((module) => module.de),
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
