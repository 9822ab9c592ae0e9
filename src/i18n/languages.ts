/**
 * The languages the elements speak, and the few words they show before anything else has loaded
 * (the kiosk button's label, the keypad's name). This module is part of the kiosk button's first
 * paint, so it stays tiny: the full UI catalogues (./ui.ts) and the outcome texts load later.
 */
/** Every language with a UI catalogue (./ui.ts has one for each, by type). */
export const LANGUAGES = ['en', 'de'] as const;

export type Language = (typeof LANGUAGES)[number];

/** The best catalogue language for a BCP 47 tag (`de-AT` → `de`), English when none fits. */
export function matchLanguage(tag: string | null | undefined): Language {
  const base = (tag ?? '').toLowerCase().split('-')[0] ?? '';
  return (LANGUAGES as readonly string[]).includes(base) ? (base as Language) : 'en';
}

/** The words an element needs for its first paint, in every language (./ui.ts reuses them). */
export interface FirstPaintStrings {
  /** The kiosk button's default label (its accessible name when the slot is empty). */
  callButton: string;
  /** The keypad's accessible name. */
  dialPad: string;
}

export const FIRST_PAINT: Record<Language, FirstPaintStrings> = {
  en: { callButton: 'Call', dialPad: 'Dial pad' },
  de: { callButton: 'Anrufen', dialPad: 'Wähltastatur' },
};

/** The first-paint words for a language tag (English when the language has no catalogue). */
export const firstPaintStrings = (lang: string | null | undefined): FirstPaintStrings =>
  FIRST_PAINT[matchLanguage(lang)];
