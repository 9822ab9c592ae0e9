/**
 * A call as an element sees it when tabs share one phone: a `Call` this tab holds, or a
 * `RemoteCall` mirrored from the tab that holds it (tab-remote.ts). A module of its own, without
 * the core: the elements' code tells the two apart without loading it.
 */
import type { Call } from './call.js';
import type { RemoteCall } from './tab-remote.js';

export type PhoneCall = Call | RemoteCall;

/** True for a call held by another tab (its audio plays there). */
export const isRemoteCall = (call: PhoneCall | undefined): call is RemoteCall =>
  call !== undefined && 'inAnotherTab' in call;

/** The call when this tab holds it; undefined for a call in another tab. */
export const localCall = (call: PhoneCall | undefined): Call | undefined =>
  isRemoteCall(call) ? undefined : call;
