/**
 * The re-INVITEs of an answered call — hold and resume, the target refresh after a reconnection,
 * the ICE restart — sent through JsSIP's `_sendReinvite` (jssip-internals.ts). Hold and the target
 * refresh share the RFC 3261 §14.1 glare retry ({@link reofferWithGlareRetry}): when both sides
 * re-INVITE at once the far end answers 491, and the offer goes again after a random delay.
 */
import type { RTCSession } from 'jssip/lib/RTCSession';
import type { CallDirection } from './call-snapshot.js';
import { sessionInternals } from './jssip-internals.js';
import { waitUntil } from './ice-recovery.js';
import { sanitizeRemoteText } from './text.js';

/** Offers sent again after a 491: at most three in all. */
export const GLARE_RETRIES = 2;
/** How long a hold or resume waits for another offer in flight to finish before it fails. */
export const HOLD_READY_WAIT_MS = 5000;
/** How long a target refresh waits for its turn (another offer in flight), and for its answer. */
export const TARGET_REFRESH_WAIT_MS = 32_000;

/** The far end's answer to one re-INVITE: taken, or refused (with its status, when it sent one). */
export interface ReofferAnswer {
  ok: boolean;
  status?: number;
  /** Reason phrase, sanitised. */
  reason?: string;
}

/** The call whose session re-INVITEs. */
export interface ReofferingCall {
  readonly session: RTCSession;
  readonly direction: CallDirection;
  /** The call is over: stop at once. */
  isOver(): boolean;
}

/** One offer of a glare-retried re-INVITE. */
export interface GlareRetryAttempt {
  /** Waits until the offer may go out; false when it may not (the re-INVITE gives up). */
  ready(): Promise<boolean>;
  /** Sends the re-INVITE: its answer, or undefined when none came in time. */
  send(): Promise<ReofferAnswer | undefined>;
}

/**
 * RFC 3261 §14.1: after a 491, the side that generated the Call-ID (the caller) waits 2.1–4 s,
 * the other 0–2 s, in 10 ms units — so the two retries do not collide again.
 */
export function glareDelayMs(direction: CallDirection, random: () => number = Math.random): number {
  const [min, max] = direction === 'outgoing' ? [2100, 4000] : [0, 2000];
  return min + Math.floor(random() * ((max - min) / 10 + 1)) * 10;
}

/**
 * Sends a re-INVITE and, while the far end answers 491, again after the glare delay (at most
 * {@link GLARE_RETRIES} times; `pause` waits it out). Resolves with the last answer — `{ ok: false }`
 * without a status when the offer could not go out or got no answer — or undefined when the call
 * ended meanwhile.
 */
export async function reofferWithGlareRetry(
  call: ReofferingCall,
  attempt: GlareRetryAttempt,
  pause: (ms: number) => Promise<void> = delay,
): Promise<ReofferAnswer | undefined> {
  let answer: ReofferAnswer = { ok: false };
  for (let tries = 0; tries <= GLARE_RETRIES; tries++) {
    if (tries > 0) {
      await pause(glareDelayMs(call.direction));
      if (call.isOver()) return undefined;
    }
    if (!(await attempt.ready())) return call.isOver() ? undefined : { ok: false };
    const sent = await attempt.send();
    if (call.isOver()) return undefined;
    answer = sent ?? { ok: false };
    if (!sent || answer.ok || answer.status !== 491) return answer;
  }
  return answer;
}

/** One re-INVITE with a fresh offer, and the far end's answer. */
export function sendReinvite(session: RTCSession, offer?: RTCOfferOptions): Promise<ReofferAnswer> {
  return new Promise((resolve) => {
    sessionInternals(session)._sendReinvite({
      ...(offer ? { rtcOfferConstraints: offer } : {}),
      eventHandlers: {
        succeeded: () => resolve({ ok: true }),
        failed: (response) =>
          resolve(
            response
              ? {
                  ok: false,
                  status: response.status_code,
                  reason: sanitizeRemoteText(response.reason_phrase),
                }
              : { ok: false },
          ),
      },
    });
  });
}

/**
 * Puts the call on hold (sendonly) or takes it off (sendrecv), retrying on glare. JsSIP's own
 * hold() hangs up on any failure, 491 included: here a refused offer is rolled back locally and
 * the call goes on as it was. Resolves with the answer, or undefined when the call ended meanwhile.
 */
export function renegotiateHold(
  call: ReofferingCall,
  hold: boolean,
): Promise<ReofferAnswer | undefined> {
  const session = sessionInternals(call.session);
  const setLocalHold = (held: boolean) => {
    session._localHold = held;
    session._setLocalMediaStatus();
  };
  return reofferWithGlareRetry(call, {
    ready: () => waitUntil(() => session.isReadyToReOffer(), HOLD_READY_WAIT_MS),
    send: async () => {
      setLocalHold(hold);
      const answer = await sendReinvite(call.session);
      if (!answer.ok && !call.isOver()) setLocalHold(!hold);
      return answer;
    },
  });
}

/** What a target refresh needs beyond the session. */
export interface TargetRefresh {
  /** The phone may signal and no hold or resume of ours is in flight. */
  mayOffer(): boolean;
  /** The refresh re-INVITE is out (`true`) or settled (`false`): a dialog error then means the drop. */
  inFlight(sending: boolean): void;
}

/**
 * A target refresh (RFC 5626 §4.5): a re-INVITE with the same media, hold kept, that carries the
 * phone's Contact over its new connection. It waits for its turn (a hold, an ICE restart or the far
 * end's own re-INVITE first: one offer at a time) and for its answer, each at most
 * {@link TARGET_REFRESH_WAIT_MS}, and retries on glare. Resolves true when the far end took it.
 */
export async function refreshTarget(
  call: ReofferingCall,
  refresh: TargetRefresh,
): Promise<boolean> {
  const session = sessionInternals(call.session);
  const answer = await reofferWithGlareRetry(call, {
    ready: async () =>
      (await waitUntil(
        () => call.isOver() || (refresh.mayOffer() && session.isReadyToReOffer()),
        TARGET_REFRESH_WAIT_MS,
      )) && !call.isOver(),
    send: async () => {
      refresh.inFlight(true);
      let answer: ReofferAnswer | undefined;
      void sendReinvite(call.session).then((settled) => (answer = settled));
      // JsSIP ends the session itself on 408/481 (its dialog error) without calling `failed`.
      await waitUntil(() => answer !== undefined || call.isOver(), TARGET_REFRESH_WAIT_MS);
      refresh.inFlight(false);
      // Only a status refuses the refresh: JsSIP fails without one after a 2xx whose SDP it could
      // not apply, and that 2xx moved the target all the same.
      return answer && { ...answer, ok: answer.status === undefined };
    },
  });
  return answer?.ok === true;
}

/**
 * An ICE-restart re-INVITE. A refusal (488 from a peer that cannot restart ICE) is rolled back,
 * as the old ICE session may still heal by itself. Resolves whether the far end took it.
 */
export async function sendIceRestart(
  session: RTCSession,
  pc: RTCPeerConnection | undefined,
): Promise<boolean> {
  const { ok } = await sendReinvite(session, { iceRestart: true });
  if (!ok && pc?.signalingState === 'have-local-offer') {
    await pc.setLocalDescription({ type: 'rollback' }).catch(() => undefined);
  }
  return ok;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
