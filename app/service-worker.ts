/**
 * The dialer as an installed, offline-capable app (issue 17, part 6): it registers the service
 * worker the `app` build makes (Workbox, through vite-plugin-pwa: vite.config.ts), says when the
 * browser has no network (./network-status.ts), and offers a new version when one is deployed —
 * never loading it by itself, and never in the middle of a call.
 *
 * Plain DOM, text set as text. The prompt is a live region in the page from the first paint
 * (index.html); only its words change.
 */
import { Workbox } from 'workbox-window';
import {
  nextUpdateState,
  updatePromptView,
  type UpdateInput,
  type UpdateState,
} from './update-prompt.js';

/** The Trusted Types policy that may name the service worker (the pages' CSP allows it). */
const POLICY_NAME = 'sip-phone-sw';
/** The worker the `app` build writes beside index.html. */
const WORKER = 'sw.js';

interface TrustedTypesLike {
  createPolicy(
    name: string,
    rules: { createScriptURL(input: string): string },
  ): { createScriptURL(input: string): unknown };
}

/**
 * The worker's URL as the browser wants it: a TrustedScriptURL where Trusted Types are enforced
 * (the built pages' CSP), from a policy that lets exactly this one URL through.
 */
function workerUrl(): string {
  const url = new URL(WORKER, document.baseURI).href;
  const trustedTypes = (window as { trustedTypes?: TrustedTypesLike }).trustedTypes;
  if (!trustedTypes) return url;
  const policy = trustedTypes.createPolicy(POLICY_NAME, {
    createScriptURL: (input) => {
      if (input !== url) throw new TypeError(`Only ${url} may be a service worker here.`);
      return input;
    },
  });
  // Workbox takes a TrustedScriptURL where a string goes, and passes it to register().
  return policy.createScriptURL(url) as string;
}

export interface UpdatePrompt {
  /** Where its words go (inside a live region that holds the button too). */
  text: HTMLElement;
  /** "Reload", hidden until a new version waits. */
  button: HTMLButtonElement;
  /** True while a call is not over: a reload then would hang it up. */
  inCall(): boolean;
  /** Calls back once, when no call is left. */
  whenIdle(done: () => void): void;
}

/**
 * Registers the service worker (built pages only: `npm start` has none) and shows `prompt` when a
 * new version waits. Its Reload activates the new version and reloads this page — only this one,
 * and only on the user's word; during a call it waits for the call to end. Another tab that
 * activates the new version does not reload this one.
 */
export function registerServiceWorker(prompt: UpdatePrompt): void {
  if (!('serviceWorker' in navigator)) return;
  const workbox = new Workbox(workerUrl(), { scope: './' });
  let state: UpdateState = 'none';
  const step = (input: UpdateInput) => {
    const next = nextUpdateState(state, input, prompt.inCall());
    state = next.state;
    const view = updatePromptView(state);
    prompt.text.textContent = view.text;
    prompt.button.hidden = !view.button;
    if (state === 'after-call' && input === 'press') prompt.whenIdle(() => step('idle'));
    if (next.reload) {
      // Once the waiting version controls this page, load it (the worker claims its pages).
      workbox.addEventListener('controlling', () => window.location.reload());
      workbox.messageSkipWaiting();
    }
  };
  workbox.addEventListener('waiting', () => step('waiting'));
  prompt.button.addEventListener('click', () => step('press'));
  workbox.register().catch((error: unknown) => {
    // The dialer works without it, only not offline.
    console.warn('sip-phone: the service worker could not be registered', error);
  });
}
