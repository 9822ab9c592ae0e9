/**
 * The page's and the network's signals a phone must act on, wired to handlers in one place:
 * `online`/`offline`, a `navigator.connection` change (another network), the page becoming visible
 * or resuming from freezing (timers may not have run for a long time), and the page going away
 * (`pagehide`; `pageshow` again when it comes back from the back/forward cache).
 */
export interface PageLifecycleHandlers {
  online(): void;
  offline(): void;
  /** Another network: Wi-Fi to cellular, a VPN coming up. */
  networkChange(): void;
  /** Visible again, or resumed: re-check what timers may have missed. */
  wake(): void;
  /** The page goes away; `persisted`: it is kept in the back/forward cache. */
  pageHide(persisted: boolean): void;
  /** The page is shown again from the back/forward cache. */
  pageShow(): void;
}

/** Starts listening; returns the function that stops. Without a window (Node), does nothing. */
export function watchPageLifecycle(handlers: PageLifecycleHandlers): () => void {
  if (typeof window === 'undefined') return () => {};
  const onOnline = () => handlers.online();
  const onOffline = () => handlers.offline();
  const connection = (navigator as { connection?: EventTarget }).connection;
  const onNetworkChange = () => handlers.networkChange();
  const onVisibility = () => {
    if (document.visibilityState === 'visible') handlers.wake();
  };
  const onResume = () => handlers.wake();
  const onPageHide = (event: PageTransitionEvent) => {
    handlers.pageHide(event.persisted);
    if (event.persisted)
      window.addEventListener('pageshow', () => handlers.pageShow(), { once: true });
  };
  window.addEventListener('online', onOnline);
  window.addEventListener('offline', onOffline);
  connection?.addEventListener('change', onNetworkChange);
  window.addEventListener('pagehide', onPageHide);
  document.addEventListener('visibilitychange', onVisibility);
  document.addEventListener('resume', onResume);
  return () => {
    window.removeEventListener('online', onOnline);
    window.removeEventListener('offline', onOffline);
    connection?.removeEventListener('change', onNetworkChange);
    window.removeEventListener('pagehide', onPageHide);
    document.removeEventListener('visibilitychange', onVisibility);
    document.removeEventListener('resume', onResume);
  };
}
