/**
 * A call's local media as the phone wants it: only the configured codecs in every offer and answer
 * (media-policy.ts), an offer that does not wait long for STUN/TURN servers, and a microphone that
 * can be swapped mid-call without renegotiating.
 */
import type { IceCandidateEvent, RTCSession } from 'jssip/lib/RTCSession';
import type { ResolvedPhoneConfig } from './config.js';
import { microphoneConstraints } from './devices.js';
import { sessionInternals } from './jssip-internals.js';
import { applyCodecPreferences, restrictAudioCodecs, sdpFollowsPolicy } from './media-policy.js';

export interface MediaPolicyOptions {
  /** The call's peer connection, once created. */
  peerConnection(): RTCPeerConnection | undefined;
  /** The codecs, and the longest wait for a server-reflexive or relay candidate, in ms. */
  config: Pick<ResolvedPhoneConfig, 'codecs' | 'iceGatheringTimeout'>;
}

/**
 * Applies the codec policy and the ICE gathering cutoff to `session`'s offers and answers. Returns
 * the function that stops the cutoff's timer (the call is over).
 */
export function applyMediaPolicy(session: RTCSession, options: MediaPolicyOptions): () => void {
  let codecPreferencesApplied = false;
  session.on('connecting', () => {
    const pc = options.peerConnection();
    if (pc) codecPreferencesApplied = applyCodecPreferences(pc, options.config.codecs);
  });
  session.on('sdp', (event) => {
    // Fallback for browsers without setCodecPreferences: rewrite what is sent.
    if (
      event.originator === 'local' &&
      !codecPreferencesApplied &&
      !sdpFollowsPolicy(event.sdp, options.config.codecs)
    ) {
      event.sdp = restrictAudioCodecs(event.sdp, options.config.codecs);
    }
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  let sent = false;
  session.on('icecandidate', ({ candidate, ready }: IceCandidateEvent) => {
    if (sent) return;
    const send = () => {
      if (sent) return;
      sent = true;
      clearTimeout(timer);
      ready();
    };
    // A server-reflexive or relay candidate is all the far end needs: send now.
    if (candidate?.type === 'srflx' || candidate?.type === 'relay') {
      send();
      return;
    }
    // Otherwise never wait longer than the cutoff for a STUN/TURN server that may not answer.
    if (timer === undefined) timer = setTimeout(send, options.config.iceGatheringTimeout);
  });
  return () => clearTimeout(timer);
}

/**
 * Moves `sender` to another microphone: a new track replaces the old one (`replaceTrack`, no
 * renegotiation), muted if the old one was, and the old one stops. Resolves with the new track;
 * rejects, the old one still in place, when the new microphone cannot be opened.
 */
export async function replaceMicrophone(
  session: RTCSession,
  sender: RTCRtpSender,
  deviceId: string,
): Promise<MediaStreamTrack> {
  const stream = await navigator.mediaDevices.getUserMedia(microphoneConstraints(deviceId));
  const track = stream.getAudioTracks()[0]!;
  const old = sender.track;
  await sender.replaceTrack(track);
  // JsSIP mutes and holds by toggling the tracks of its local stream: keep it in step.
  const local = sessionInternals(session)._localMediaStream;
  if (local) {
    if (old) local.removeTrack(old);
    local.addTrack(track);
  }
  track.enabled = old?.enabled ?? true;
  old?.stop();
  return track;
}
