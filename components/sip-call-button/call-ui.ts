/**
 * What `<sip-call-button>` needs from its first call on, and not before: the banner and the UI
 * strings in English, the loaders of the outcome catalogue and of the page's language, and the tone
 * player. The button imports
 * this module on demand, with the phone core (first hover, focus, touch or press), so that its first
 * paint stays small.
 */
export { bannerModel } from '../shared/banner.js';
export { uiStrings } from '../../src/i18n/ui.js';
export { loadLanguage, loadOutcomes } from '../shared/lazy.js';
export { TonePlayer, toneFor } from '../../src/tones.js';
