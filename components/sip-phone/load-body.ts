/**
 * What `<sip-phone>` does (its controllers, methods and card in every state) is a chunk of its own:
 * the element paints its idle card without it, and fetches it at once, beside the core. Not in
 * ../shared/lazy.ts: only this element imports it, and the kiosk build must not see the chunk.
 */
import { chunk, loadCore } from '../shared/lazy.js';

const phoneBody = chunk(() => import('./sip-phone-body.js'));
export const loadPhoneBody = phoneBody.load;
/** The body's module, once it is here. */
export const loadedPhoneBody = phoneBody.loaded;

/** Starts fetching the phone's code and the core with JsSIP, in parallel (failures are said later). */
export function prefetchPhone(): void {
  void loadCore().catch(() => undefined);
  void loadPhoneBody().catch(() => undefined);
}
