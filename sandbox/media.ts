// Real media for the test numbers: a werift RTCPeerConnection (ICE + DTLS-SRTP) answering the
// caller's offer, with echo, tone generation and RFC 4733 DTMF decoding.
import { RTCPeerConnection, RTCRtpCodecParameters, RtpHeader, RtpPacket } from 'werift';
import type { RTCRtpTransceiver } from 'werift';
import * as sdpTransform from 'sdp-transform';
import { ToneGenerator, transcode, type G711 } from './g711.js';

export type MediaMode = 'echo' | 'tone' | 'silence';
export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/**
 * A bad network on demand (for call-quality tests): the share of packets the sandbox drops on
 * their way to the caller, and a delay added to every packet it sends. Changed live through the
 * HTTP API; deterministic (every n-th packet), so tests can rely on the loss rate.
 */
export interface Impairment {
  /** Packets dropped, in % (0–100). */
  lossPct: number;
  /** Extra delay on every packet sent, in ms. */
  delayMs: number;
}

export interface DecodedDigit {
  digit: string;
  durationMs: number;
}

export interface MediaSessionOptions {
  /** The address werift gathers ICE candidates on (and the only one put in the SDP). */
  mediaAddress: string;
  /** The sandbox's current impairment, read at every packet. */
  impairment?: Impairment;
  /** Answer without telephone-event, like a legacy peer: DTMF must then come as SIP INFO. */
  noTelephoneEvent?: boolean;
  /** Called once per decoded RFC 4733 digit. */
  onDigit?: (digit: DecodedDigit) => void;
  /** Called when ICE/DTLS fails or the transport closes on its own. */
  onFailed?: (reason: string) => void;
}

const DTMF_CHARS = '0123456789*#ABCD';
const FRAME_MS = 20;
const SAMPLES_PER_FRAME = 160;
const GATHER_TIMEOUT_MS = 5000;

/** werift configuration that keeps ICE on one known address (see sandbox-notes.md). */
export function peerConfig(mediaAddress: string, telephoneEvent = true) {
  const g711 = [
    new RTCRtpCodecParameters({ mimeType: 'audio/PCMU', clockRate: 8000, payloadType: 0 }),
    new RTCRtpCodecParameters({ mimeType: 'audio/PCMA', clockRate: 8000, payloadType: 8 }),
  ];
  const events = new RTCRtpCodecParameters({
    mimeType: 'audio/telephone-event',
    clockRate: 8000,
    payloadType: 101,
  });
  return {
    codecs: { audio: telephoneEvent ? [...g711, events] : g711 },
    iceServers: [],
    iceAdditionalHostAddresses: [mediaAddress],
    iceInterfaceAddresses: { udp4: mediaAddress },
    iceUseIpv6: false,
  };
}

/** Codecs offered in an SDP's audio sections, as `name/rate[/channels]`. */
export function offerCodecs(sdp: string): string[] {
  const out: string[] = [];
  try {
    const parsed = sdpTransform.parse(sdp);
    for (const m of parsed.media ?? []) {
      if (m.type !== 'audio') continue;
      for (const r of m.rtp ?? []) {
        const ch = r.encoding !== undefined && r.encoding !== null ? `/${r.encoding}` : '';
        out.push(`${r.codec}/${r.rate ?? ''}${ch}`);
      }
    }
  } catch {
    return out;
  }
  return out;
}

/** Keep only the candidates on `address` (werift also lists the machine's other interfaces). */
export function keepCandidates(sdp: string, address: string): string {
  const parsed = sdpTransform.parse(sdp);
  for (const m of parsed.media) {
    if (m.candidates) m.candidates = m.candidates.filter((c) => c.ip === address);
  }
  return sdpTransform.write(parsed);
}

function audioDirection(parsed: sdpTransform.SessionDescription): Direction {
  const audio = parsed.media.find((m) => m.type === 'audio');
  const dir = audio?.direction ?? parsed.direction ?? 'sendrecv';
  return dir;
}

/** The audio direction an SDP offer asks for (audio section, else session level, else sendrecv). */
export function offerDirection(sdp: string): Direction {
  try {
    return audioDirection(sdpTransform.parse(sdp));
  } catch {
    return 'sendrecv';
  }
}

function reverse(dir: Direction): Direction {
  if (dir === 'sendonly') return 'recvonly';
  if (dir === 'recvonly') return 'sendonly';
  return dir;
}

export class MediaSession {
  packetsIn = 0;
  packetsOut = 0;
  localSdp = '';

  private mode: MediaMode = 'silence';
  private sending = true;
  private closed = false;
  private transceiver?: RTCRtpTransceiver;
  private sendCodec: G711 = 'PCMU';
  private sendPt = 0;
  private readonly audioPts = new Map<number, G711>();
  private dtmfPt = -1;
  private dtmfClock = 8000;
  private readonly seenDtmf = new Set<number>();
  private remoteUfrag = '';
  /** Our DTLS setup role when we made the offer (actpass then); undefined when we answered. */
  private localSetup: 'active' | 'passive' | undefined;

  // Outgoing RTP state (own sequence numbers and timestamps).
  private seq = Math.floor(Math.random() * 0xffff);
  private ts = Math.floor(Math.random() * 0xffffffff);
  private echoOffset: number | undefined;
  private markNext = true;

  private tone?: ToneGenerator;
  private toneTimer: NodeJS.Timeout | undefined;
  private toneStart = 0;
  private toneFrames = 0;

  private constructor(
    private readonly pc: RTCPeerConnection,
    private readonly opts: MediaSessionOptions,
  ) {}

  private get impairment(): Impairment | undefined {
    return this.opts.impairment;
  }

  /** Create a peer connection answering `offerSdp`. Throws when the offer is unusable. */
  static async answer(offerSdp: string, opts: MediaSessionOptions): Promise<MediaSession> {
    const pc = new RTCPeerConnection(peerConfig(opts.mediaAddress, !opts.noTelephoneEvent));
    const session = new MediaSession(pc, opts);
    try {
      await session.negotiate(offerSdp);
    } catch (err) {
      await session.close();
      throw err;
    }
    return session;
  }

  /**
   * Create a peer connection with an audio offer (PCMU, PCMA, telephone-event/8000; ICE
   * gathered on the media address), for a call the sandbox places. Apply the callee's answer
   * with {@link acceptAnswer}.
   */
  static async offer(opts: MediaSessionOptions): Promise<MediaSession> {
    const pc = new RTCPeerConnection(peerConfig(opts.mediaAddress, !opts.noTelephoneEvent));
    const session = new MediaSession(pc, opts);
    try {
      session.subscribe();
      session.transceiver = pc.addTransceiver('audio', { direction: 'sendrecv' });
      await pc.setLocalDescription(await pc.createOffer());
      await session.waitGathered();
      const local = pc.localDescription?.sdp;
      if (local === undefined) throw new Error('no local description');
      session.localSdp = keepCandidates(local, opts.mediaAddress);
    } catch (err) {
      await session.close();
      throw err;
    }
    return session;
  }

  /** Events: subscribe before setRemoteDescription (werift fires onTrack during that call). */
  private subscribe(): void {
    this.pc.onTrack.subscribe((track) => {
      track.onReceiveRtp.subscribe((rtp) => this.onRtp(rtp));
    });
    this.pc.connectionStateChange.subscribe((state) => {
      if (this.closed) return;
      if (state === 'failed' || state === 'closed') this.opts.onFailed?.(`media ${state}`);
    });
  }

  private async negotiate(offerSdp: string): Promise<void> {
    const offer = sdpTransform.parse(offerSdp);
    const audio = offer.media.find((m) => m.type === 'audio');
    if (!audio) throw new Error('no audio in the offer');
    this.remoteUfrag = audio.iceUfrag ?? offer.iceUfrag ?? '';

    this.subscribe();
    await this.pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
    const transceiver = this.pc.getTransceivers().find((t) => t.kind === 'audio');
    if (!transceiver) throw new Error('no audio transceiver');
    transceiver.setDirection('sendrecv');
    this.transceiver = transceiver;
    const answer = await this.pc.createAnswer();
    await this.pc.setLocalDescription(answer);
    await this.waitGathered();
    const local = this.pc.localDescription?.sdp;
    if (local === undefined) throw new Error('no local description');
    this.localSdp = keepCandidates(local, this.opts.mediaAddress);

    // Payload types come from the negotiated SDP (werift answers with the offer's numbers).
    const parsed = sdpTransform.parse(this.localSdp);
    this.learnPayloadTypes(parsed.media.find((x) => x.type === 'audio'));
    this.sending = ['sendrecv', 'recvonly'].includes(audioDirection(offer));
  }

  /**
   * Apply the callee's answer to our offer (from its 200 OK) and start ICE + DTLS.
   * Throws when the answer is unusable (no audio, neither PCMU nor PCMA).
   */
  async acceptAnswer(answerSdp: string): Promise<void> {
    const answer = sdpTransform.parse(answerSdp);
    const audio = answer.media.find((m) => m.type === 'audio');
    if (!audio || audio.port === 0) throw new Error('no audio in the answer');
    this.remoteUfrag = audio.iceUfrag ?? answer.iceUfrag ?? '';
    // Our DTLS role once the answer fixed it (we offered actpass): used in later answers.
    const setup = audio.setup ?? answer.setup;
    this.localSetup = setup === 'passive' ? 'active' : 'passive';
    this.learnPayloadTypes(audio);
    await this.pc.setRemoteDescription({ type: 'answer', sdp: answerSdp });
    const codec = this.transceiver?.codecs.find((c) => c.payloadType === this.sendPt);
    if (codec && this.transceiver) this.transceiver.sender.codec = codec;
    this.sending = ['sendrecv', 'recvonly'].includes(audioDirection(answer));
  }

  /** Read audio / telephone-event payload types from the negotiated audio section. */
  private learnPayloadTypes(m: sdpTransform.MediaDescription | undefined): void {
    this.audioPts.clear();
    this.dtmfPt = -1;
    for (const r of m?.rtp ?? []) {
      const name = r.codec.toUpperCase();
      if (name === 'PCMU' || name === 'PCMA') this.audioPts.set(r.payload, name);
      else if (name === 'TELEPHONE-EVENT') {
        this.dtmfPt = r.payload;
        this.dtmfClock = r.rate ?? 8000;
      }
    }
    // The first audio codec in the m= line's order is the one we send.
    const order = String(m?.payloads ?? '')
      .split(/\s+/)
      .map(Number)
      .filter((pt) => this.audioPts.has(pt));
    const first = order[0] ?? [...this.audioPts.keys()][0];
    if (first === undefined) throw new Error('neither PCMU nor PCMA negotiated');
    this.sendPt = first;
    this.sendCodec = this.audioPts.get(first)!;
    // werift's sender uses the first negotiated codec; make sure that is the audio codec.
    const codec = this.transceiver?.codecs.find((c) => c.payloadType === this.sendPt);
    if (codec && this.transceiver) this.transceiver.sender.codec = codec;
  }

  private async waitGathered(): Promise<void> {
    if (this.pc.iceGatheringState === 'complete') return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, GATHER_TIMEOUT_MS);
      const sub = this.pc.iceGatheringStateChange.subscribe((s) => {
        if (s === 'complete') done();
      });
      function done() {
        clearTimeout(timer);
        sub.unSubscribe();
        resolve();
      }
    });
  }

  get codec(): G711 {
    return this.sendCodec;
  }

  setMode(mode: MediaMode, toneHz = 440): void {
    if (this.closed) return;
    this.mode = mode;
    this.stopTone();
    if (mode === 'tone') {
      this.tone = new ToneGenerator(toneHz);
      this.toneStart = performance.now();
      this.toneFrames = 0;
      this.toneTimer = setInterval(() => this.toneTick(), FRAME_MS);
    } else if (mode === 'echo') {
      this.echoOffset = undefined;
    }
  }

  /**
   * Answer a re-offer (hold / resume) from the same peer: same transport, direction mirrored,
   * codecs limited to those the re-offer still lists. Returns undefined when the offer restarts
   * ICE or has no audio (not supported: the caller answers 488).
   */
  answerReoffer(offerSdp: string): string | undefined {
    const offer = sdpTransform.parse(offerSdp);
    const audio = offer.media.find((m) => m.type === 'audio');
    if (!audio || audio.port === 0) return undefined;
    const ufrag = audio.iceUfrag ?? offer.iceUfrag ?? '';
    if (ufrag !== this.remoteUfrag) return undefined;
    const ours = reverse(audioDirection(offer));
    this.sending = ours === 'sendrecv' || ours === 'sendonly';
    const local = sdpTransform.parse(this.localSdp);
    if (local.origin) local.origin.sessionVersion = Number(local.origin.sessionVersion) + 1;
    const m = local.media.find((x) => x.type === 'audio');
    if (m) {
      m.direction = ours;
      if (this.localSetup) m.setup = this.localSetup;
      const offered = new Set(audio.rtp.map((r) => r.payload));
      const keep = m.rtp.filter((r) => offered.has(r.payload));
      if (keep.some((r) => this.audioPts.has(r.payload))) {
        const pts = new Set(keep.map((r) => r.payload));
        m.rtp = keep;
        m.fmtp = m.fmtp.filter((f) => pts.has(f.payload));
        if (m.rtcpFb) m.rtcpFb = m.rtcpFb.filter((f) => pts.has(Number(f.payload)));
        m.payloads = keep.map((r) => r.payload).join(' ');
      }
    }
    this.localSdp = sdpTransform.write(local);
    this.markNext = true;
    return this.localSdp;
  }

  private get connected(): boolean {
    return this.transceiver?.sender.dtlsTransport?.state === 'connected';
  }

  private send(payload: Buffer, timestamp: number): void {
    const transceiver = this.transceiver;
    if (!transceiver || !this.connected || this.closed) return;
    const header = new RtpHeader({
      payloadType: this.sendPt,
      sequenceNumber: this.seq,
      timestamp: timestamp >>> 0,
      marker: this.markNext,
    });
    this.markNext = false;
    this.seq = (this.seq + 1) & 0xffff;
    this.ts = timestamp >>> 0;
    const impairment = this.impairment;
    if (impairment && impairment.lossPct > 0) {
      // Drop lossPct of every 100 packets, spread out, counted in sequence numbers.
      const slot = header.sequenceNumber % 100;
      if (
        Math.floor(((slot + 1) * impairment.lossPct) / 100) >
        Math.floor((slot * impairment.lossPct) / 100)
      ) {
        return;
      }
    }
    this.packetsOut++;
    const packet = new RtpPacket(header, payload);
    if (impairment && impairment.delayMs > 0) {
      setTimeout(() => {
        if (!this.closed) transceiver.sender.sendRtp(packet).catch(() => undefined);
      }, impairment.delayMs);
    } else {
      transceiver.sender.sendRtp(packet).catch(() => undefined);
    }
  }

  private onRtp(rtp: RtpPacket): void {
    if (this.closed) return;
    this.packetsIn++;
    const pt = rtp.header.payloadType;
    if (pt === this.dtmfPt) {
      this.onTelephoneEvent(rtp);
      return;
    }
    const codec = this.audioPts.get(pt);
    if (codec === undefined || this.mode !== 'echo' || !this.sending) return;
    // Timestamps follow the caller's clock, shifted to continue our own; sequence numbers are
    // ours and contiguous (telephone-event packets are never echoed).
    if (this.echoOffset === undefined) {
      this.echoOffset = (this.ts + SAMPLES_PER_FRAME - rtp.header.timestamp) >>> 0;
      this.markNext = true;
    }
    const ts = (rtp.header.timestamp + this.echoOffset) >>> 0;
    this.send(transcode(codec, this.sendCodec, rtp.payload), ts);
  }

  private onTelephoneEvent(rtp: RtpPacket): void {
    const p = rtp.payload;
    if (p.length < 4) return;
    const end = (p[1]! & 0x80) !== 0;
    if (!end) return;
    // One digit per RTP timestamp, counted on the first end packet (it is sent three times).
    const key = rtp.header.timestamp;
    if (this.seenDtmf.has(key)) return;
    this.seenDtmf.add(key);
    if (this.seenDtmf.size > 64) {
      const oldest = this.seenDtmf.values().next().value;
      if (oldest !== undefined) this.seenDtmf.delete(oldest);
    }
    const event = p[0]!;
    const duration = p.readUInt16BE(2);
    const digit = DTMF_CHARS[event] ?? `event-${event}`;
    this.opts.onDigit?.({ digit, durationMs: Math.round((duration * 1000) / this.dtmfClock) });
  }

  private toneTick(): void {
    const tone = this.tone;
    if (!tone || this.closed) return;
    const due = Math.floor((performance.now() - this.toneStart) / FRAME_MS) + 1;
    // Catch up after a late timer, but never burst more than 5 frames.
    if (due - this.toneFrames > 5) this.toneFrames = due - 5;
    while (this.toneFrames < due) {
      this.toneFrames++;
      const frame = tone.nextFrame(this.sendCodec, SAMPLES_PER_FRAME);
      const ts = (this.ts + SAMPLES_PER_FRAME) >>> 0;
      if (this.sending && this.connected) this.send(frame, ts);
      else this.ts = ts;
    }
  }

  private stopTone(): void {
    if (this.toneTimer !== undefined) clearInterval(this.toneTimer);
    this.toneTimer = undefined;
    this.tone = undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopTone();
    try {
      await this.pc.close();
    } catch {
      // Already closed or never connected: nothing left to release.
    }
  }
}
