/**
 * What the elements fetch only when it is used. Each `import()` here is a chunk of its own in the
 * CDN file (`dist/chunks/`, beside `dist/sip-phone.js`), so a page that never uses it never fetches
 * it; one file, so the boundaries are easy to see.
 */

let core: ReturnType<typeof importCore> | undefined;
const importCore = () => import('../../src/phone.js');

/**
 * The phone core and JsSIP: fetched once, at once when the elements load (see PhoneController),
 * in parallel with the first paint, which does not wait for it.
 */
export const loadCore = () => (core ??= importCore());

/** The pre-call self-test: fetched when it runs. */
export const loadSelfTest = () => import('../../src/self-test.js');

/** The diagnostics file (and its text format): fetched on the first save. */
export const loadDiagnosticsDownload = () => import('./diagnostics-download.js');
