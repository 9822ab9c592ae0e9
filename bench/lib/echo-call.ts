// One call to the sandbox's `echo` number as a load generator sees it: a werift caller
// (test/sandbox/helpers/werift-caller.ts: Chromium-like offer, ICE + DTLS-SRTP on loopback) on its
// own SIP-over-WebSocket connection (test/sandbox/helpers/sip-client.ts, digest auth), sending
// numbered 20 ms PCMU frames on a fixed schedule and matching each echo to the frame it carries.
import { performance } from 'node:perf_hooks';
import { RtpHeader, RtpPacket } from 'werift';
import type { RTCRtpSender } from 'werift';
import { SipTestClient, tagFrom } from '../../test/sandbox/helpers/sip-client.js';
import { WeriftCaller } from '../../test/sandbox/helpers/werift-caller.js';

export const FRAME_MS = 20;
const PCMU_PT = 0;
const FRAME_BYTES = 160;
/** Frames a late sender catches up with at once; older ones are skipped (counted as late). */
const MAX_BURST = 5;
const SETUP_TIMEOUT_MS = 15_000;
const HANGUP_TIMEOUT_MS = 3_000;
/** Send times kept per call; an echo is matched by the frame counter in its first 4 bytes. */
const SEND_RING = 4096;

export interface Account {
  user: string;
  password: string;
}

/** What one call counted during one measuring window. */
export interface EchoCounts {
  sent: number;
  echoed: number;
  /** Echoes that match no frame sent in this window (none are expected). */
  foreign: number;
  /** Frames skipped because the sender's timer ran more than MAX_BURST frames late. */
  late: number;
  /** Echo round trips, ms (frame handed to werift → its echo delivered back). */
  rtts: number[];
  /** How late each send timer fired, ms (the load generator's own event-loop lag). */
  timerLag: number[];
}

export class EchoCall {
  readonly counts: EchoCounts = emptyCounts();
  /** performance.now() of the last echo received. */
  lastEchoAt = 0;
  /** INVITE sent → 200 OK → ACK → DTLS connected, ms. */
  setupMs = 0;
  callId = '';

  private measuring = false;
  private counter = 0;
  private readonly sendAt = new Float64Array(SEND_RING);
  private readonly sendCounter = new Uint32Array(SEND_RING).fill(0xffffffff);
  private seq = Math.floor(Math.random() * 0xffff);
  private ts = Math.floor(Math.random() * 0xffffffff);
  private sender: RTCRtpSender | undefined;
  private readonly filler = Buffer.alloc(FRAME_BYTES - 4, 0xff); // μ-law silence
  private uri = '';
  private fromTag = '';
  private toTag: string | undefined;

  private constructor(
    readonly caller: WeriftCaller,
    readonly sip: SipTestClient,
    readonly user: string,
  ) {
    // Subscribed before the answer is applied: werift fires onTrack during that.
    caller.pc.onTrack.subscribe((track) => {
      track.onReceiveRtp.subscribe((rtp) => this.onEcho(rtp));
    });
  }

  /** Call `echo` and wait until media can flow; throws (after cleaning up) on any failure. */
  static async connect(wsUrl: string, domain: string, account: Account): Promise<EchoCall> {
    const started = performance.now();
    const { caller, sdp } = await WeriftCaller.create();
    let sip: SipTestClient | undefined;
    try {
      sip = await SipTestClient.connect(wsUrl, domain);
      const call = new EchoCall(caller, sip, account.user);
      const inv = await sip.invite({ number: 'echo', ...account, sdp });
      call.callId = inv.callId;
      call.uri = inv.uri;
      call.fromTag = inv.fromTag;
      const ok = await sip.response(inv.callId, 'INVITE', (s) => s >= 200, SETUP_TIMEOUT_MS);
      if (ok.status !== 200) throw new Error(`echo answered ${ok.status} ${ok.reason}`);
      call.toTag = tagFrom(ok.get('To'));
      sip.send(call.inDialog('ACK', 2));
      await caller.accept(ok.body, SETUP_TIMEOUT_MS);
      const transceiver = caller.pc.getTransceivers().find((t) => t.kind === 'audio');
      const codec = transceiver?.codecs.find((c) => c.payloadType === PCMU_PT);
      if (!transceiver || !codec) throw new Error('PCMU was not negotiated');
      transceiver.sender.codec = codec;
      call.sender = transceiver.sender;
      call.setupMs = performance.now() - started;
      // The helper keeps every packet it receives; this class counts its own.
      caller.received.length = 0;
      return call;
    } catch (err) {
      sip?.close();
      await caller.close().catch(() => undefined);
      throw err;
    }
  }

  private inDialog(method: string, cseq: number) {
    return {
      method,
      uri: this.uri,
      fromUser: this.user,
      fromTag: this.fromTag,
      callId: this.callId,
      cseq,
      ...(this.toTag !== undefined ? { toTag: this.toTag } : {}),
    };
  }

  /** Zero the counters and count echoes from now on. */
  startCounting(): void {
    Object.assign(this.counts, emptyCounts());
    this.lastEchoAt = 0;
    this.measuring = true;
    this.caller.received.length = 0;
  }

  stopCounting(): void {
    this.measuring = false;
    this.caller.received.length = 0;
  }

  /**
   * Send `frames` frames, one every 20 ms from `startAt` (a performance.now() time), on an
   * absolute schedule: a late timer catches up with at most MAX_BURST frames at once, and older
   * frames are skipped and counted as late. Resolves after the last frame.
   */
  sendFrames(startAt: number, frames: number): Promise<void> {
    return new Promise((resolve) => {
      let done = 0;
      const tick = () => {
        const now = performance.now();
        this.counts.timerLag.push(Math.max(0, now - (startAt + done * FRAME_MS)));
        const due = Math.min(frames, Math.floor((now - startAt) / FRAME_MS) + 1);
        if (due - done > MAX_BURST) {
          this.counts.late += due - MAX_BURST - done;
          done = due - MAX_BURST;
        }
        while (done < due) {
          this.sendFrame();
          done++;
        }
        if (done >= frames) resolve();
        else setTimeout(tick, Math.max(0, startAt + done * FRAME_MS - performance.now()));
      };
      setTimeout(tick, Math.max(0, startAt - performance.now()));
    });
  }

  private sendFrame(): void {
    const sender = this.sender;
    if (!sender) return;
    const counter = this.counter;
    this.counter = (this.counter + 1) >>> 0;
    const payload = Buffer.allocUnsafe(FRAME_BYTES);
    payload.writeUInt32BE(counter, 0);
    this.filler.copy(payload, 4);
    const slot = counter % SEND_RING;
    this.sendAt[slot] = performance.now();
    this.sendCounter[slot] = counter;
    const header = new RtpHeader({
      payloadType: PCMU_PT,
      sequenceNumber: this.seq,
      timestamp: this.ts,
      marker: this.counts.sent === 0,
    });
    this.seq = (this.seq + 1) & 0xffff;
    this.ts = (this.ts + FRAME_BYTES) >>> 0;
    this.counts.sent++;
    sender.sendRtp(new RtpPacket(header, payload)).catch(() => undefined);
  }

  private onEcho(rtp: RtpPacket): void {
    if (!this.measuring || rtp.header.payloadType !== PCMU_PT) return;
    const now = performance.now();
    this.lastEchoAt = now;
    const counter = rtp.payload.length >= 4 ? rtp.payload.readUInt32BE(0) : -1;
    const slot = counter >= 0 ? counter % SEND_RING : 0;
    if (counter < 0 || this.sendCounter[slot] !== counter) {
      this.counts.foreign++;
      return;
    }
    // Each frame counts once, even if it were echoed twice.
    this.sendCounter[slot] = 0xffffffff;
    this.counts.echoed++;
    this.counts.rtts.push(now - this.sendAt[slot]!);
  }

  /** BYE (its answer awaited briefly), then close the peer connection and the WebSocket. */
  async hangUp(): Promise<void> {
    this.stopCounting();
    try {
      if (this.sip.isOpen) {
        const answered = this.sip.response(this.callId, 'BYE', (s) => s >= 200, HANGUP_TIMEOUT_MS);
        this.sip.send(this.inDialog('BYE', 3));
        await answered.catch(() => undefined);
      }
    } finally {
      this.sip.close();
      await this.caller.close().catch(() => undefined);
    }
  }
}

function emptyCounts(): EchoCounts {
  return { sent: 0, echoed: 0, foreign: 0, late: 0, rtts: [], timerLag: [] };
}
