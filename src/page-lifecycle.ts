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
  const connection = (navigator as { connection?: EventTarget }).connection;
  const listeners: Array<[EventTarget | undefined, string, (event: Event) => void]> = [
    [window, 'online', () => handlers.online()],
    [window, 'offline', () => handlers.offline()],
    [connection, 'change', () => handlers.networkChange()],
    [
      window,
      'pagehide',
      (event) => {
        const { persisted } = event as PageTransitionEvent;
        handlers.pageHide(persisted);
        if (persisted)
          window.addEventListener('pageshow', () => handlers.pageShow(), { once: true });
      },
    ],
    [
      document,
      'visibilitychange',
      () => {
        if (document.visibilityState === 'visible') handlers.wake();
      },
    ],
    [document, 'resume', () => handlers.wake()],
  ];
  for (const [target, type, listener] of listeners) target?.addEventListener(type, listener);
  return () => {
    for (const [target, type, listener] of listeners) target?.removeEventListener(type, listener);
  };
}
