/** German: a chunk of its own in the CDN file, fetched only by pages in German. */
import type { LanguagePack } from './registry.js';
import { outcomesDe } from './outcomes-de.js';
import { uiDe } from './ui-de.js';

export const de: LanguagePack = { lang: 'de', ui: uiDe, outcomes: outcomesDe };
