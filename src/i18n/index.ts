/**
 * Languages: UI strings and outcome texts. Importing this module registers every translation: the
 * core's entry (`sip-phone/core`) speaks every language at once. The elements import ./ui.ts and
 * fetch the page's language only (components/shared/lazy.ts `loadLanguage`).
 */
import { registerLanguagePack } from './registry.js';
import { de } from './de.js';

registerLanguagePack(de);

export { en, uiStrings, matchLanguage, SUPPORTED_LANGUAGES } from './ui.js';
export { uiDe as de } from './ui-de.js';
export type { UiStrings, PartialUiStrings } from './ui.js';
