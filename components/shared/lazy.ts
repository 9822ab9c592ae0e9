/**
 * What the elements fetch only when it is used. Each `import()` here is a chunk of its own in the
 * CDN file (`dist/chunks/`, beside `dist/sip-phone.js`), so a page that never uses it never fetches
 * it; one file, so the boundaries are easy to see.
 */

/** The phone core and JsSIP: fetched as soon as an element has a configuration. */
export const loadCore = () => import('../../src/phone.js');

/** The pre-call self-test: fetched when it runs. */
export const loadSelfTest = () => import('../../src/self-test.js');

/** The diagnostics file (and its text format): fetched on the first save. */
export const loadDiagnosticsDownload = () => import('./diagnostics-download.js');
