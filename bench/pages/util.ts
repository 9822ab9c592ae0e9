// Small helpers shared by the benchmark pages.

/** Resolves true as soon as `condition()` holds (checked every 5 ms), false after the timeout. */
export function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  return new Promise((resolve) => {
    const check = () => {
      if (condition()) resolve(true);
      else if (performance.now() >= deadline) resolve(false);
      else setTimeout(check, 5);
    };
    check();
  });
}

/** The epoch time now, with the sub-millisecond precision of performance.now(). */
export const epochNow = (): number => performance.timeOrigin + performance.now();

/** Resolves true once the page has no open peer connection and no open call. */
export function noOpenPeerConnection(): boolean {
  return window.__bench.media().peerConnectionsOpen === 0;
}
