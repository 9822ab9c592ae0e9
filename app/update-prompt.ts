/**
 * The dialer's update prompt as a pure table (issue 17, part 6): what it shows, and when the page
 * reloads. A new version waiting shows "A new version is ready" and Reload; Reload loads it at once
 * between calls, and during a call says it will load when the call ends — and loads it then. The
 * page never reloads without the press.
 */
export const UPDATE_TEXT = 'A new version is ready';
export const UPDATE_AFTER_CALL_TEXT =
  'A new version is ready. It loads when your call ends; the call goes on meanwhile.';

export type UpdateState = 'none' | 'ready' | 'after-call' | 'reloading';
/** A new version waits; the person pressed Reload; no call is left. */
export type UpdateInput = 'waiting' | 'press' | 'idle';

/** The next state, and whether to load the new version now. */
export function nextUpdateState(
  state: UpdateState,
  input: UpdateInput,
  inCall: boolean,
): { state: UpdateState; reload: boolean } {
  if (state === 'none' && input === 'waiting') return { state: 'ready', reload: false };
  if (state === 'ready' && input === 'press') {
    return inCall ? { state: 'after-call', reload: false } : { state: 'reloading', reload: true };
  }
  if (state === 'after-call' && input === 'idle' && !inCall) {
    return { state: 'reloading', reload: true };
  }
  return { state, reload: false };
}

/** What the prompt shows in `state`: its words, and whether Reload is there. */
export function updatePromptView(state: UpdateState): { text: string; button: boolean } {
  switch (state) {
    case 'ready':
      return { text: UPDATE_TEXT, button: true };
    case 'after-call':
      return { text: UPDATE_AFTER_CALL_TEXT, button: false };
    default:
      return { text: '', button: false };
  }
}
