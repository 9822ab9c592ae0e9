/**
 * The languages the elements speak, and the few words they show before anything else has loaded
 * (the kiosk button's label, the keypad's name, `<sip-phone>`'s idle card). This module is part of the kiosk button's first
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
  // <sip-phone>'s idle card, painted before the phone's code is here.
  /** The registration line of a phone with no server or URI. */
  notConfigured: string;
  /** The registration line of a configured phone while its code is on its way. */
  connecting: string;
  /** The idle banner. */
  ready: string;
  readyText: string;
  /** The number field's label, and the Call button. */
  numberLabel: string;
  call: string;
  /** Why `call()` is refused before the phone is ready. */
  notRegisteredYet: string;
  notConfiguredYet: string;
}

export const FIRST_PAINT: Record<Language, FirstPaintStrings> = {
  en: {
    callButton: 'Call',
    dialPad: 'Dial pad',
    notConfigured: 'Not configured: set server and uri.',
    connecting: 'Connecting…',
    ready: 'Ready',
    readyText: 'Enter a number and press Call.',
    numberLabel: 'Number or SIP address',
    call: 'Call',
    notRegisteredYet: 'The phone is not registered yet; wait a moment or check the settings.',
    notConfiguredYet: 'The phone is not configured yet.',
  },
  de: {
    callButton: 'Anrufen',
    dialPad: 'Wähltastatur',
    notConfigured: 'Nicht eingerichtet: Server und URI fehlen.',
    connecting: 'Verbindung wird hergestellt…',
    ready: 'Bereit',
    readyText: 'Nummer eingeben und auf Anrufen drücken.',
    numberLabel: 'Nummer oder SIP-Adresse',
    call: 'Anrufen',
    notRegisteredYet:
      'Das Telefon ist noch nicht angemeldet; bitte kurz warten oder die Einstellungen prüfen.',
    notConfiguredYet: 'Das Telefon ist noch nicht eingerichtet.',
  },
};

/** The first-paint words for a language tag (English when the language has no catalogue). */
export const firstPaintStrings = (lang: string | null | undefined): FirstPaintStrings =>
  FIRST_PAINT[matchLanguage(lang)];
