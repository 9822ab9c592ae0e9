// A werift peer acting as the browser: makes a genuine WebRTC offer (PCMU, PCMA and
// telephone-event on PT 126, as Chromium offers) or answers one (a call the sandbox places),
// sends PCMU frames and RFC 4733 digits the way Chromium does, and records what comes back.
import { RTCPeerConnection, RTCRtpCodecParameters, RtpHeader, RtpPacket } from 'werift';
import type { RTCRtpTransceiver } from 'werift';
import { peerConfig } from '../../../sandbox/media.js';
import { withTimeout } from './sip-client.js';

export const CALLER_TE_PT = 126;
const DTMF_EVENTS = '0123456789*#ABCD';

export interface ReceivedPacket {
  pt: number;
  seq: number;
  timestamp: number;
  payload: Buffer;
  at: number;
}

export class WeriftCaller {
  readonly received: ReceivedPacket[] = [];
  private seq = 1000;
  private ts = 160_000;
  private transceiver: RTCRtpTransceiver | undefined;
  private connected: Promise<unknown> | undefined;
  /** The telephone-event payload type in use (the offer's, when answering). */
  tePt = CALLER_TE_PT;

  private constructor(readonly pc: RTCPeerConnection) {
    pc.onTrack.subscribe((track) => {
      track.onReceiveRtp.subscribe((rtp) => {
        this.received.push({
          pt: rtp.header.payloadType,
          seq: rtp.header.sequenceNumber,
          timestamp: rtp.header.timestamp,
          payload: Buffer.from(rtp.payload),
          at: Date.now(),
        });
      });
    });
  }

  private static config() {
    const config = peerConfig('127.0.0.1');
    config.codecs.audio = [
      new RTCRtpCodecParameters({ mimeType: 'audio/PCMU', clockRate: 8000, payloadType: 0 }),
      new RTCRtpCodecParameters({ mimeType: 'audio/PCMA', clockRate: 8000, payloadType: 8 }),
      new RTCRtpCodecParameters({
        mimeType: 'audio/telephone-event',
        clockRate: 8000,
        payloadType: CALLER_TE_PT,
      }),
    ];
    return config;
  }

  private async gathered(): Promise<string> {
    const deadline = Date.now() + 5000;
    while (this.pc.iceGatheringState !== 'complete' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const sdp = this.pc.localDescription?.sdp;
    if (sdp === undefined) throw new Error('no local description');
    return sdp;
  }

  /** Create the caller and its offer (ICE gathered, loopback only). */
  static async create(): Promise<{ caller: WeriftCaller; sdp: string }> {
    const pc = new RTCPeerConnection(WeriftCaller.config());
    const caller = new WeriftCaller(pc);
    caller.transceiver = pc.addTransceiver('audio', { direction: 'sendrecv' });
    await pc.setLocalDescription(await pc.createOffer());
    return { caller, sdp: await caller.gathered() };
  }

  /** Answer an offer (a call the sandbox places); ICE + DTLS start right away. */
  static async answer(offerSdp: string): Promise<{ caller: WeriftCaller; sdp: string }> {
    const pc = new RTCPeerConnection(WeriftCaller.config());
    const caller = new WeriftCaller(pc);
    caller.connected = pc.connectionStateChange.watch((s) => s === 'connected');
    await pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
    const transceiver = pc.getTransceivers().find((t) => t.kind === 'audio');
    if (!transceiver) throw new Error('no audio transceiver');
    transceiver.setDirection('sendrecv');
    caller.transceiver = transceiver;
    await pc.setLocalDescription(await pc.createAnswer());
    const sdp = await caller.gathered();
    // werift answers with the offer's payload numbers.
    caller.tePt = Number(/^a=rtpmap:(\d+) telephone-event\/8000/m.exec(sdp)?.[1] ?? CALLER_TE_PT);
    return { caller, sdp };
  }

  /** Apply the answer (from a 183 or a 200) and wait for ICE + DTLS. */
  async accept(answerSdp: string, timeoutMs = 5000): Promise<void> {
    if (!this.connected) {
      this.connected = this.pc.connectionStateChange.watch((s) => s === 'connected');
      await this.pc.setRemoteDescription({ type: 'answer', sdp: answerSdp });
    }
    await withTimeout(this.connected, timeoutMs, 'DTLS connected');
  }

  /** Wait for ICE + DTLS (after {@link answer}: once the offerer has the answer). */
  async waitConnected(timeoutMs = 5000): Promise<void> {
    if (!this.connected) throw new Error('no description applied yet');
    await withTimeout(this.connected, timeoutMs, 'DTLS connected');
  }

  private sendPacket(pt: number, payload: Buffer, marker: boolean, timestamp: number): void {
    const transceiver = this.transceiver;
    if (!transceiver) throw new Error('no transceiver yet');
    const sender = transceiver.sender;
    const audioCodec = sender.codec;
    // werift's sendRtp writes the sender codec's payload type: switch it for this one packet.
    const codec = transceiver.codecs.find((c) => c.payloadType === pt);
    if (codec) sender.codec = codec;
    const header = new RtpHeader({ payloadType: pt, sequenceNumber: this.seq, timestamp, marker });
    this.seq = (this.seq + 1) & 0xffff;
    const sending = sender.sendRtp(new RtpPacket(header, payload));
    sender.codec = audioCodec;
    sending.catch(() => undefined);
  }

  /** Send `count` 20 ms PCMU frames, one every 20 ms; returns the payloads sent. */
  async sendAudio(count: number): Promise<Buffer[]> {
    const sent: Buffer[] = [];
    for (let i = 0; i < count; i++) {
      // A recognisable payload: frame number in the first bytes, a ramp after it.
      const payload = Buffer.alloc(160);
      for (let j = 0; j < 160; j++) payload[j] = (j * 3 + i) & 0xff;
      payload.writeUInt32BE((this.seq << 8) ^ i, 0);
      this.sendPacket(0, payload, i === 0, this.ts);
      sent.push(payload);
      this.ts = (this.ts + 160) >>> 0;
      await new Promise((r) => setTimeout(r, 20));
    }
    return sent;
  }

  /**
   * One RFC 4733 digit as Chromium sends it: packets every 20 ms sharing one timestamp, marker
   * on the first, growing durations, then the end packet three times.
   */
  async sendDigit(digit: string, durationMs: number): Promise<void> {
    const event = DTMF_EVENTS.indexOf(digit.toUpperCase());
    if (event < 0) throw new Error(`not a DTMF digit: ${digit}`);
    const total = Math.round((durationMs * 8000) / 1000);
    const ts = this.ts;
    const packet = (duration: number, end: boolean) => {
      const p = Buffer.alloc(4);
      p[0] = event;
      p[1] = (end ? 0x80 : 0) | 10;
      p.writeUInt16BE(duration, 2);
      return p;
    };
    let first = true;
    for (let d = 160; d < total; d += 160) {
      this.sendPacket(this.tePt, packet(d, false), first, ts);
      first = false;
      await new Promise((r) => setTimeout(r, 20));
    }
    for (let i = 0; i < 3; i++) {
      this.sendPacket(this.tePt, packet(total, true), first, ts);
      first = false;
      await new Promise((r) => setTimeout(r, 5));
    }
    this.ts = (ts + total) >>> 0;
  }

  async close(): Promise<void> {
    await this.pc.close();
  }
}

/** Zero crossings per second of a G.711 μ-law payload sequence (≈ 2 × tone frequency). */
export function ulawZeroCrossingRate(payloads: Buffer[]): number {
  let crossings = 0;
  let samples = 0;
  let prev = 0;
  for (const p of payloads) {
    for (const b of p) {
      // μ-law: bit 7 set means a positive sample.
      const sign = (b & 0x80) !== 0 ? 1 : -1;
      if (prev !== 0 && sign !== prev) crossings++;
      prev = sign;
      samples++;
    }
  }
  return samples === 0 ? 0 : (crossings * 8000) / samples;
}
