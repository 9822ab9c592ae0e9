/**
 * The npm package's entry (`sip-phone`): importing it defines every element. It exports what the
 * CDN file's entry (./cdn.ts) does — the elements, their events, the core's types — and the helpers
 * that put calls into words, which the CDN file leaves out of its first paint.
 */
export * from './cdn.js';
export { historyOutcome } from './sip-call-history/history-outcome.js';
export { bannerModel, bannerText } from './shared/banner.js';
export type { BannerModel } from './shared/banner.js';
