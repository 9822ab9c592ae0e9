/**
 * The languages other than English whose words are here. A module of its own with no imports, so
 * that the kiosk button's first paint (./languages.ts) stays free of it.
 */
import type { OutcomeTranslation } from '../outcomes.js';
import type { Language } from './languages.js';
import type { PartialUiStrings } from './ui.js';

/**
 * A language other than English, whole: its UI strings and its outcome texts, registered together
 * so that a page never shows one in German and the other in English. Each is a chunk of its own in
 * the CDN file (./<lang>.ts), with no imports, fetched by pages in that language.
 */
export interface LanguagePack {
  lang: Exclude<Language, 'en'>;
  /** The first-paint words are added from ./languages.ts. */
  ui: PartialUiStrings;
  outcomes: OutcomeTranslation;
}

const PACKS = new Map<string, LanguagePack>();

/** Makes a language's words available to `uiStrings` and the outcome catalogue. */
export function registerLanguagePack(pack: LanguagePack): void {
  PACKS.set(pack.lang, pack);
}

/** The registered words for a BCP 47 tag (`de-AT` → German); undefined for English. */
export const languagePack = (tag: string | null | undefined): LanguagePack | undefined =>
  PACKS.get((tag ?? '').toLowerCase().split('-')[0] ?? '');
