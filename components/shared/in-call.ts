/**
 * What `<sip-phone>` needs once a call is up, and not before: a chunk of its own in the CDN file
 * (components/shared/lazy.ts `loadInCall`), prefetched when the user starts dialling or a call
 * starts.
 */
export { QualityMonitor } from '../../src/quality.js';
