/**
 * The dialer's "No network" line (issue 17, part 6): a live region in the page from the first paint
 * (index.html) whose words say that the browser has no network and the phone cannot reach its
 * server — at load (the dialer opened offline, from its service worker's cache) and whenever the
 * network drops while the page is open; empty again once either comes back. `<sip-phone>` says
 * the rest itself: its banner that it is not connected, its registration line when it reconnects.
 * A phone still registered (a server on this machine, as `npm start`'s sandbox) is not told it
 * is offline.
 */
import type { SipPhone } from '../components/index.js';

export const OFFLINE_TEXT = 'No network — calls will work again when you are back online';

export function watchNetwork(region: HTMLElement, phone: SipPhone): void {
  const show = () => {
    const offline = !navigator.onLine && phone.registrationState !== 'registered';
    const text = offline ? OFFLINE_TEXT : '';
    if (region.textContent !== text) region.textContent = text;
  };
  window.addEventListener('online', show);
  window.addEventListener('offline', show);
  phone.addEventListener('sip-registration-change', show);
  show();
}
