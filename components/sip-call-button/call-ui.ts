/**
 * What `<sip-call-button>` needs from its first call on, and not before: the banner's words (the
 * outcome catalogue, in every language), the UI strings, and the tone player. The button imports
 * this module on demand, with the phone core (first hover, focus, touch or press), so that its first
 * paint stays small.
 */
export { bannerModel } from '../shared/banner.js';
export { uiStrings } from '../../src/i18n/index.js';
export { TonePlayer, toneFor } from '../../src/tones.js';
