/**
 * The call-state banner, shared by every element that shows a call: one model function that turns a
 * call snapshot into words (all from the outcome catalogue), and one template for the live region
 * (in ./banner-view.ts, re-exported here).
 */
// Direct module imports, not src/index.js: the kiosk button loads this module on its own, and must
// not pull in JsSIP through it.
import { outcomeOf } from './outcome-text.js';
import { uiStrings, type UiStrings } from '../../src/i18n/ui.js';
import type { CallSnapshot } from '../../src/call.js';
import { isEstablishedCallState } from '../../src/call-machine.js';
import { idleBanner, type BannerModel } from './banner-view.js';

// The look has no words and is part of the kiosk button's first paint; this module is not.
export { bannerStyles, bannerTemplate, idleBanner, type BannerModel } from './banner-view.js';

const en = uiStrings('en');

/** "Name (number)", the number, or a neutral word: who the call is with. Plain text. */
export const whoOf = (snapshot: CallSnapshot, t: UiStrings = en): string =>
  snapshot.remote.displayName
    ? `${snapshot.remote.displayName} (${snapshot.remote.user})`
    : snapshot.remote.user || t.theOtherSide;

/**
 * The banner without a call while the phone has lost its connection: not "Ready", since a call
 * would fail. The countdown stays on the registration line (an atomic live region that changed
 * every second would be read out every second).
 */
export function disconnectedBanner(lang = 'en'): BannerModel {
  const t = uiStrings(lang);
  return { ...idleBanner(t.offline, t.offlineText), severity: 'warning' };
}

/** Words for a call snapshot, in `lang`; `undefined` means no call yet. */
export function bannerModel(snapshot: CallSnapshot | undefined, lang = 'en'): BannerModel {
  const t = uiStrings(lang);
  if (!snapshot) {
    return idleBanner(t.ready, t.readyText);
  }
  const { state, status } = snapshot;
  const outcome = outcomeOf(snapshot, 'call', lang);
  const base = { state, ...(status !== undefined ? { status } : {}) };
  const who = whoOf(snapshot, t);
  if (snapshot.reconnecting && isEstablishedCallState(state)) {
    // The audio path broke and the phone is restoring it (ICE restart): say so, the call goes on.
    return {
      ...base,
      severity: 'warning',
      title: t.reconnecting,
      text: t.inCallWith(who),
      role: 'status',
    };
  }
  switch (state) {
    case 'idle':
    case 'calling':
      return {
        ...base,
        severity: 'progress',
        title: t.calling,
        text: outcome?.explanation ?? t.callingWho(who),
        role: 'status',
      };
    case 'ringing':
    case 'early-media':
      return {
        ...base,
        severity: 'progress',
        title: outcome?.title ?? (state === 'ringing' ? t.ringing : t.callInProgress),
        text: outcome?.explanation ?? '',
        role: 'status',
      };
    case 'incoming':
      return {
        ...base,
        severity: 'progress',
        title: t.incomingCall,
        text: t.incomingFrom(who),
        role: 'alert',
      };
    case 'connected':
      return {
        ...base,
        severity: 'success',
        title: t.connected,
        text: t.inCallWith(who),
        role: 'status',
      };
    case 'held':
      return { ...base, severity: 'info', title: t.onHold, text: t.heldWho(who), role: 'status' };
    case 'ended':
    case 'failed':
      return {
        ...base,
        severity: outcome?.severity ?? (state === 'ended' ? 'info' : 'error'),
        title: outcome?.title ?? (state === 'ended' ? t.callEnded : t.callFailed),
        text: outcome?.explanation ?? '',
        ...(outcome?.action ? { action: outcome.action } : {}),
        role: state === 'failed' ? 'alert' : 'status',
      };
  }
}

/** The banner's text as one line (what the live region announces). */
export const bannerText = (model: BannerModel): string =>
  [model.title, model.text, model.action].filter(Boolean).join(' ');
