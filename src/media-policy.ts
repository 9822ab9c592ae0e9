/**
 * SDP and codec policy: the phone offers G.711 (PCMU, PCMA) and telephone-event/8000 only.
 * Preferred path: `RTCRtpTransceiver.setCodecPreferences` before the offer is created.
 * Fallback (browsers without it): rewrite the SDP with sdp-transform, never with regular expressions.
 */
import sdpTransform from 'sdp-transform';
import type { AudioCodec } from './config.js';

export interface CodecLike {
  mimeType: string;
  clockRate: number;
  channels?: number;
  sdpFmtpLine?: string;
}

const TELEPHONE_EVENT = 'telephone-event';

/** Orders and filters codec capabilities: the given G.711 codecs, then telephone-event/8000. */
export function preferredCodecs<T extends CodecLike>(
  capabilities: readonly T[],
  order: readonly AudioCodec[],
): T[] {
  const byName = (name: string) =>
    capabilities.filter(
      (c) => c.mimeType.toLowerCase() === `audio/${name.toLowerCase()}` && c.clockRate === 8000,
    );
  return [...order.flatMap((name) => byName(name)), ...byName(TELEPHONE_EVENT)];
}

/**
 * Applies the codec policy to every audio transceiver of `pc`. Returns false when the browser has
 * no `setCodecPreferences` (or refuses the list), so the caller knows to rewrite the SDP instead.
 */
export function applyCodecPreferences(
  pc: RTCPeerConnection,
  order: readonly AudioCodec[],
): boolean {
  const transceivers = pc
    .getTransceivers()
    .filter((t) => (t.receiver.track?.kind ?? 'audio') === 'audio');
  if (
    typeof RTCRtpTransceiver === 'undefined' ||
    !('setCodecPreferences' in RTCRtpTransceiver.prototype)
  ) {
    return false;
  }
  const capabilities = RTCRtpReceiver.getCapabilities?.('audio')?.codecs ?? [];
  const codecs = preferredCodecs(capabilities, order);
  if (!codecs.some((c) => c.mimeType.toLowerCase() !== `audio/${TELEPHONE_EVENT}`)) return false;
  try {
    for (const transceiver of transceivers) transceiver.setCodecPreferences(codecs);
    return transceivers.length > 0;
  } catch {
    return false;
  }
}

/** Encoding names (`PCMU/8000`, `telephone-event/8000`…) offered on the first audio m-line. */
export function audioCodecsInSdp(sdp: string): string[] {
  const media = sdpTransform.parse(sdp).media.find((m) => m.type === 'audio');
  if (!media) return [];
  const payloads = String(media.payloads ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map(Number);
  return payloads.map((pt) => {
    const rtp = media.rtp.find((r) => r.payload === pt);
    if (rtp) return `${rtp.codec}/${rtp.rate ?? ''}`;
    // Static payload types may come without an rtpmap line.
    return pt === 0 ? 'PCMU/8000' : pt === 8 ? 'PCMA/8000' : `PT${pt}`;
  });
}

/** True when the SDP negotiates telephone-event (RFC 4733) on its audio stream. */
export const sdpHasTelephoneEvent = (sdp: string): boolean =>
  audioCodecsInSdp(sdp).some((name) => name.toLowerCase().startsWith(`${TELEPHONE_EVENT}/`));

/** True when the audio m-line offers nothing but the allowed codecs and telephone-event/8000. */
export function sdpFollowsPolicy(sdp: string, order: readonly AudioCodec[]): boolean {
  const allowed = new Set(
    [...order.map((c) => `${c}/8000`), `${TELEPHONE_EVENT}/8000`].map((s) => s.toLowerCase()),
  );
  const offered = audioCodecsInSdp(sdp);
  return offered.length > 0 && offered.every((c) => allowed.has(c.toLowerCase()));
}

/**
 * Rewrites an SDP so its audio m-lines carry only the allowed codecs (in the given order) and
 * telephone-event/8000, dropping the rtpmap/fmtp/rtcp-fb lines of everything else.
 */
export function restrictAudioCodecs(sdp: string, order: readonly AudioCodec[]): string {
  const session = sdpTransform.parse(sdp);
  for (const media of session.media) {
    if (media.type !== 'audio') continue;
    const nameOf = (pt: number): string => {
      const rtp = media.rtp.find((r) => r.payload === pt);
      if (rtp) return `${rtp.codec}/${rtp.rate ?? ''}`.toLowerCase();
      return pt === 0 ? 'pcmu/8000' : pt === 8 ? 'pcma/8000' : '';
    };
    const payloads = String(media.payloads ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
    const ranked = [...order.map((c) => `${c}/8000`.toLowerCase()), `${TELEPHONE_EVENT}/8000`];
    const kept = ranked.flatMap((name) => payloads.filter((pt) => nameOf(pt) === name));
    if (!kept.length) continue; // Nothing acceptable: leave it, the far end will answer 488.
    const keep = new Set(kept);
    media.payloads = kept.join(' ');
    media.rtp = media.rtp.filter((r) => keep.has(r.payload));
    if (media.fmtp) media.fmtp = media.fmtp.filter((f) => keep.has(f.payload));
    if (media.rtcpFb)
      media.rtcpFb = media.rtcpFb.filter((f) => f.payload === '*' || keep.has(Number(f.payload)));
  }
  return sdpTransform.write(session);
}
