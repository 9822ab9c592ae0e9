/**
 * `Call` wraps one JsSIP RTCSession: it drives the call's snapshot (call-snapshot.ts, over the pure
 * state machine of call-machine.ts) from JsSIP's events and from the responses seen on the wire.
 * Its parts sit beside it, the way JsSIP splits RTCSession: the media policy and the microphone
 * (call-media.ts), DTMF (dtmf-sender.ts), the re-INVITEs of hold and target refresh (reoffer.ts),
 * restoring a broken audio path (ice-recovery.ts), transfers (transfer.ts), and reading how the
 * call ended (call-end.ts).
 */
import type {
  IncomingEvent,
  OutgoingEvent,
  RTCSession,
  RTCSessionEventMap,
} from 'jssip/lib/RTCSession';
import { Emitter } from './emitter.js';
import {
  isEstablishedCallState,
  isFinalCallState,
  type CallInput,
  type CallState,
} from './call-machine.js';
import {
  nextCallSnapshot,
  type CallDirection,
  type CallSnapshot,
  type CallSnapshotPatch,
  type RemoteParty,
} from './call-snapshot.js';
import { callEndOnEnded, callEndOnFailed, type CallEnd, type CallEndContext } from './call-end.js';
import type { LocalCause } from './outcomes.js';
import type { ResolvedPhoneConfig } from './config.js';
import { applyMediaPolicy, replaceMicrophone } from './call-media.js';
import { DtmfSender, type DtmfTransport } from './dtmf-sender.js';
import { deferRtpTimeoutHangup, IceRecovery } from './ice-recovery.js';
import { refreshTarget, renegotiateHold, sendIceRestart, type ReofferingCall } from './reoffer.js';
import { sessionInternals } from './jssip-internals.js';
import { PhoneStateError } from './errors.js';
import { sanitizeRemoteText } from './text.js';
import { microphoneCause, microphoneConstraints } from './devices.js';
import type { WireMessage } from './transport.js';
import { MediaWatchdog } from './media-watchdog.js';
import type { ReferToTarget } from './transfer-policy.js';
import {
  receiveTransfers,
  sendRefer,
  type ReplaceRequestDetail,
  type TransferRefusal,
  type TransferRequestDetail,
} from './transfer.js';

/** Why a REFER is refused, and the final response it gets. */
export type { TransferRefusal };
export type { CallDirection, CallSnapshot, RemoteParty } from './call-snapshot.js';
export type { TransferState } from './transfer.js';

// How long typed digits wait for the media transport before going out as SIP INFO instead.
const DTMF_TRANSPORT_WAIT_MS = 5000;

/** A SIP response to this call's INVITE, as seen on the wire. */
export interface SipResponseInfo {
  status: number;
  /** Reason phrase, sanitised. */
  reason: string;
  hasSdp: boolean;
  at: number;
}

export interface CallEvents extends Record<string, unknown> {
  change: CallSnapshot;
  /**
   * The microphone in use went away (unplugged, or taken by the system): the call switched to
   * the default microphone (`recovered: true`) or has none now (`recovered: false`).
   */
  'microphone-lost': { recovered: boolean };
  response: SipResponseInfo;
  'remote-stream': MediaStream;
  /**
   * The far end asks us to call someone else (REFER), and its Refer-To passed the checks (it was
   * answered 202). The phone decides: `accept` or `reject`.
   */
  'transfer-request': TransferRequestDetail;
  /** A REFER was refused with a final response before anything was done (bad or forbidden). */
  'transfer-refused': TransferRefusal & { target?: string };
  /** Someone's INVITE with Replaces names this call (an attended transfer). */
  'replace-request': ReplaceRequestDetail;
  /** A DTMF digit handed to the transport (`rfc4733` or `info`). */
  dtmf: { tone: string; transport: DtmfTransport };
}

export class Call extends Emitter<CallEvents> {
  readonly id: string;
  readonly direction: CallDirection;
  readonly remote: RemoteParty;
  /** The microphone this call uses (`''`: the system default). Set by the phone. */
  microphoneId = '';
  /** Audio from the other side; attach it to an `<audio>` element. */
  readonly remoteStream = new MediaStream();
  /** Every response to the INVITE, in arrival order (100, 180, 183, final…). */
  readonly responses: SipResponseInfo[] = [];

  readonly #session: RTCSession;
  readonly #config: ResolvedPhoneConfig;
  #snapshot: CallSnapshot;
  #callId: string | undefined;
  #pc: RTCPeerConnection | undefined;
  #hangupRequested = false;
  #rejectStatus: number | undefined;
  #microphoneError: unknown;
  /** Stops the ICE gathering cutoff's timer (call-media.ts). */
  #stopIceCutoff: () => void = () => {};
  readonly #dtmf: DtmfSender;
  /** Why we are about to hang up, when it is not a plain hang-up (e.g. after a transfer). */
  #localEndCause: LocalCause | undefined;
  /** The connection dropped while this call was being set up. */
  #connectionLost = false;
  /** Ends the call because its audio cannot be restored (ice-recovery.ts). */
  readonly #hangUpForLostAudio: () => void;
  /** A target refresh after a reconnection is under way: a dialog error now means the drop. */
  #refreshingTarget = false;
  #mediaWatchdog: MediaWatchdog | undefined;
  /** Restores the audio path with ICE restarts when ICE breaks (ice-recovery.ts). */
  readonly #ice = new IceRecovery({
    peerConnection: () => this.#pc,
    established: () => isEstablishedCallState(this.state),
    isOver: () => isFinalCallState(this.state),
    canReoffer: () => this.#mayReoffer() && sessionInternals(this.#session).isReadyToReOffer(),
    sendRestart: () => sendIceRestart(this.#session, this.#pc),
    onInterrupted: (interrupted) => {
      if (!interrupted) this.#mediaWatchdog?.reset();
      if (interrupted !== Boolean(this.#snapshot.reconnecting)) {
        this.#update(undefined, { reconnecting: interrupted ? true : undefined });
      }
    },
    giveUp: () => this.#giveUpMedia(),
  });
  readonly #hooks: CallHooks;
  /** This call as the re-INVITEs of reoffer.ts see it. */
  readonly #reoffering: ReofferingCall;

  /** @internal Created by {@link Phone}; not part of the public API. */
  constructor(
    session: RTCSession,
    direction: CallDirection,
    config: ResolvedPhoneConfig,
    remote: RemoteParty,
    hooks: CallHooks = DEFAULT_HOOKS,
  ) {
    super();
    this.#session = session;
    this.#hooks = hooks;
    this.#reoffering = { session, direction, isOver: () => isFinalCallState(this.state) };
    this.#config = config;
    this.#dtmf = new DtmfSender({
      session,
      peerConnection: () => this.#pc,
      config,
      established: () => isEstablishedCallState(this.state),
      isOver: () => isFinalCallState(this.state),
      sent: (tone, transport) => this.emit('dtmf', { tone, transport }),
      waitMs: DTMF_TRANSPORT_WAIT_MS,
    });
    this.direction = direction;
    this.remote = remote;
    this.id = session.id;
    this.#snapshot = {
      id: this.id,
      direction,
      state: 'idle',
      remote,
      muted: false,
      remoteHold: false,
      startedAt: Date.now(),
    };
    sessions.set(this, session);
    drivers.set(this, {
      start: () => this.#update(this.direction === 'outgoing' ? 'dial' : 'incoming', {}),
      handleWireMessage: (message) => this.#handleWireMessage(message),
      setCallId: (callId) => (this.#callId = callId),
      bindPeerConnection: (pc) => this.#bindPeerConnection(pc),
      noteConnectionLost: () => (this.#connectionLost = true),
      refreshTarget: () => this.#refreshTarget(),
      recoverMedia: (networkChanged) => this.#ice.recover(networkChanged),
      refer: (uri, replaces) => this.#refer(uri, replaces),
    });
    this.#hangUpForLostAudio = deferRtpTimeoutHangup(session, this.#ice);
    receiveTransfers(session, {
      screen: (target) => this.#hooks.screenTransfer(target),
      refused: (refusal, target) =>
        this.emit('transfer-refused', { ...refusal, ...(target ? { target } : {}) }),
      request: (request) => this.emit('transfer-request', request),
      replace: (request) =>
        this.emit('replace-request', {
          ...request,
          accept: () => {
            // JsSIP ends this call once the replacing one is confirmed.
            this.#localEndCause = 'replaced';
            request.accept();
          },
        }),
    });
    this.#bindSession();
    if (session.connection) this.#bindPeerConnection(session.connection);
  }

  /**
   * @internal Handlers that must be in place before `ua.call()` returns: JsSIP fires
   * `peerconnection` synchronously inside it.
   */
  static earlyHandlers(
    onPeerConnection: (pc: RTCPeerConnection) => void,
  ): Partial<RTCSessionEventMap> {
    return { peerconnection: ({ peerconnection }) => onPeerConnection(peerconnection) };
  }

  get state(): CallState {
    return this.#snapshot.state;
  }

  get snapshot(): CallSnapshot {
    return this.#snapshot;
  }

  /** The SIP Call-ID, once known. */
  get callId(): string | undefined {
    return this.#callId;
  }

  /** The browser's peer connection, once created (for stats and tests). */
  get peerConnection(): RTCPeerConnection | undefined {
    return this.#pc;
  }

  /** Hangs up: CANCEL before answer, BYE after, or a rejection for an unanswered incoming call. */
  hangup(): void {
    if (isFinalCallState(this.state) || this.#session.isEnded()) return;
    if (this.state === 'incoming') {
      this.reject();
      return;
    }
    this.#hangupRequested = true;
    this.#session.terminate();
  }

  /** Answers an incoming call. */
  answer(): void {
    if (this.state !== 'incoming') {
      throw new PhoneStateError('not-ringing', 'There is no incoming call to answer.');
    }
    this.#session.answer({
      mediaConstraints: microphoneConstraints(this.microphoneId),
      pcConfig: this.#pcConfig(),
    });
  }

  /** Declines an incoming call with 486 Busy Here (default) or 603 Decline. */
  reject(status: 486 | 603 | 480 = 486): void {
    if (this.state !== 'incoming') {
      throw new PhoneStateError('not-ringing', 'There is no incoming call to reject.');
    }
    this.#rejectStatus = status;
    this.#session.terminate({ status_code: status });
  }

  /**
   * Puts the call on hold with a sendonly re-INVITE. Resolves true once the far end agreed. On a
   * 491 (both sides re-INVITing at once) it retries after the RFC 3261 §14.1 delay; on any other
   * failure the call goes on un-held and `snapshot.holdError` says why. (JsSIP's own hold() hangs
   * up on any failure, 491 included, and reports "held" before the answer arrives.)
   */
  hold(): Promise<boolean> {
    return this.#reoffer('hold');
  }

  /** Takes the call off hold (sendrecv re-INVITE), with the same retry and rollback as {@link hold}. */
  unhold(): Promise<boolean> {
    return this.#reoffer('unhold');
  }

  setMuted(muted: boolean): void {
    if (isFinalCallState(this.state)) return;
    if (muted) this.#session.mute({ audio: true });
    else this.#session.unmute({ audio: true });
  }

  /**
   * Moves the call to another microphone without renegotiating: a new track replaces the old one
   * in the RTP sender (`replaceTrack`). The call never drops; if the new microphone cannot be
   * opened the old one stays and the error is thrown.
   */
  async switchMicrophone(deviceId: string): Promise<void> {
    const sender = this.#audioSender();
    if (!sender || isFinalCallState(this.state)) {
      this.microphoneId = deviceId;
      return;
    }
    const track = await replaceMicrophone(this.#session, sender, deviceId);
    this.microphoneId = deviceId;
    this.#watchMicrophone(track);
  }

  /**
   * Asks the far end to call `uri` (REFER); with `replaces`, to take over that call (attended
   * transfer). Resolves true when the far end reports the transfer target answered; this call then
   * hangs up. `Phone.transfer()` validates the target first.
   */
  #refer(uri: string, replaces?: Call): Promise<boolean> {
    if (!isEstablishedCallState(this.state)) {
      throw new PhoneStateError('not-connected', 'Only a connected call can be transferred.');
    }
    const other = replaces ? sessions.get(replaces) : undefined;
    return sendRefer(this.#session, uri, other, (transfer) =>
      this.#update(undefined, { transfer }),
    ).then((ok) => {
      if (ok && !isFinalCallState(this.state)) {
        // Our part is done: leave the call to the two others.
        this.#localEndCause = 'transferred';
        this.#session.terminate();
      }
      return ok;
    });
  }

  #audioSender(): RTCRtpSender | undefined {
    return this.#pc?.getSenders().find((s) => s.track?.kind === 'audio');
  }

  /** When the microphone goes away mid-call, fall back to the default one. */
  #watchMicrophone(track: MediaStreamTrack | null | undefined): void {
    track?.addEventListener(
      'ended',
      () => {
        if (isFinalCallState(this.state) || this.#audioSender()?.track !== track) return;
        this.switchMicrophone('').then(
          () => this.emit('microphone-lost', { recovered: true }),
          () => this.emit('microphone-lost', { recovered: false }),
        );
      },
      { once: true },
    );
  }

  /**
   * Sends DTMF digits: RFC 4733 when telephone-event was negotiated, SIP INFO otherwise.
   * Digits `0-9 * # A-D` and `,` (a two-second pause). Throws {@link DtmfError} on bad input.
   */
  sendDtmf(digits: string, options: { duration?: number; gap?: number } = {}): DtmfTransport {
    return this.#dtmf.send(digits, options);
  }

  /** Every wire message with this call's Call-ID (the phone routes them here). */
  #handleWireMessage(message: WireMessage): void {
    if (message.direction !== 'in' || message.status === undefined || message.method !== 'INVITE')
      return;
    const info: SipResponseInfo = {
      status: message.status,
      reason: sanitizeRemoteText(message.reason),
      hasSdp: message.hasBody,
      at: message.at,
    };
    this.responses.push(info);
    this.emit('response', info);
    if (message.status === 100 && this.state === 'calling') {
      this.#update(undefined, { status: 100, reason: info.reason });
    }
  }

  /** Ends this call for a reason of the phone's or the page's own (a time limit, a replacement). */
  endFor(cause: LocalCause): void {
    if (isFinalCallState(this.state)) return;
    this.#localEndCause = cause;
    this.#session.terminate();
  }

  /**
   * The phone's connection was replaced by a new one (RFC 5626 §4.5): a target refresh, so that the
   * far end's BYE and re-INVITEs reach the phone again (a proxy routes them by the connection the
   * Contact arrived on). A 481 or 408 means the dialog did not survive the drop: the call ends as
   * "lost when the connection dropped" instead of lingering (call-end.ts). Any other refusal
   * leaves the call as it was. Resolves true when the far end took the refresh.
   */
  async #refreshTarget(): Promise<boolean> {
    if (!isEstablishedCallState(this.state)) return false;
    return refreshTarget(this.#reoffering, {
      mayOffer: () => this.#mayReoffer(),
      inFlight: (sending) => (this.#refreshingTarget = sending),
    });
  }

  /** Signalling can go out and no hold or resume of ours is in flight. */
  #mayReoffer(): boolean {
    return this.#hooks.canSignal() && !this.#snapshot.pending;
  }

  #pcConfig(): RTCConfiguration {
    return { iceServers: this.#config.iceServers };
  }

  #bindPeerConnection(pc: RTCPeerConnection): void {
    if (this.#pc === pc) return;
    this.#pc = pc;
    pc.addEventListener('iceconnectionstatechange', () =>
      this.#ice.handleState(pc.iceConnectionState),
    );
    pc.addEventListener('track', (event) => {
      if (!this.remoteStream.getTracks().includes(event.track))
        this.remoteStream.addTrack(event.track);
      this.emit('remote-stream', this.remoteStream);
    });
  }

  #bindSession(): void {
    const session = this.#session;
    // Incoming calls create their peer connection when answered.
    session.on('peerconnection', ({ peerconnection }) => this.#bindPeerConnection(peerconnection));
    this.#stopIceCutoff = applyMediaPolicy(session, {
      peerConnection: () => this.#pc,
      config: this.#config,
    });
    session.on('sending', ({ request }) => {
      this.#callId = request.call_id;
    });
    session.on('getusermediafailed', (error: unknown) => {
      this.#microphoneError = error;
    });
    session.on('progress', (event: IncomingEvent | OutgoingEvent) => {
      if (event.originator !== 'remote') return;
      const response = (event as OutgoingEvent).response;
      const status = response.status_code;
      const reason = sanitizeRemoteText(response.reason_phrase);
      if (response.body) this.#update('early-media', { status, reason });
      else if (status >= 180 && status <= 182) this.#update('ringing', { status, reason });
      else this.#update(undefined, { status, reason });
    });
    session.on('connecting', () => this.#watchMicrophone(this.#audioSender()?.track));
    session.on('accepted', (event: IncomingEvent | OutgoingEvent) => {
      const response =
        event.originator === 'remote' ? (event as OutgoingEvent).response : undefined;
      const status = response?.status_code ?? 200;
      this.#update('answered', {
        status,
        reason: response ? sanitizeRemoteText(response.reason_phrase) : 'OK',
        answeredAt: Date.now(),
      });
      this.#watchMedia();
    });
    // Local hold is negotiated by #reoffer; JsSIP reports the far end's hold here.
    session.on('hold', ({ originator }) => {
      if (originator === 'remote') this.#update(undefined, { remoteHold: true });
    });
    session.on('unhold', ({ originator }) => {
      if (originator === 'remote') this.#update(undefined, { remoteHold: false });
    });
    session.on('muted', () => this.#update(undefined, { muted: true }));
    session.on('unmuted', () => this.#update(undefined, { muted: false }));
    session.on('failed', (event) => {
      const end = callEndOnFailed(event, this.#endContext());
      if (end.cause !== 'microphone-denied') return this.#end(end);
      // JsSIP reports the failure first and the getUserMedia error right after: read it then.
      queueMicrotask(() =>
        this.#end({ input: 'fail', cause: microphoneCause(this.#microphoneError) }),
      );
    });
    session.on('ended', (event) => this.#end(callEndOnEnded(event, this.#endContext())));
  }

  /** Ends the call because its audio cannot be restored: BYE, "Audio connection lost". */
  #giveUpMedia(): void {
    if (isFinalCallState(this.state) || this.#session.isEnded()) return;
    this.#hangUpForLostAudio();
  }

  /** Starts the RTP inactivity watchdog (config `mediaTimeout`) once the call is answered. */
  #watchMedia(): void {
    const pc = this.#pc;
    if (!pc || this.#config.mediaTimeout <= 0 || this.#mediaWatchdog) return;
    this.#mediaWatchdog = new MediaWatchdog({
      pc,
      timeout: this.#config.mediaTimeout,
      active: () =>
        this.state === 'connected' && !this.#snapshot.remoteHold && !this.#snapshot.pending,
      onTimeout: () => this.#giveUpMedia(),
    });
    this.#mediaWatchdog.start();
  }

  async #reoffer(action: 'hold' | 'unhold'): Promise<boolean> {
    const wanted = action === 'hold' ? 'connected' : 'held';
    if (this.state !== wanted || this.#snapshot.pending) return false;
    if (!this.#hooks.canSignal()) {
      // The connection is down: the re-INVITE would wait, and time out into a hang-up.
      this.#update(undefined, { holdError: { action } });
      return false;
    }
    this.#update(undefined, { pending: action, holdError: undefined });
    const answer = await renegotiateHold(this.#reoffering, action === 'hold');
    if (!answer) return false; // The call ended meanwhile.
    if (answer.ok) {
      this.#update(action, { pending: undefined });
      return true;
    }
    const { status, reason } = answer;
    this.#update(undefined, {
      pending: undefined,
      holdError: {
        action,
        ...(status !== undefined ? { status } : {}),
        ...(reason ? { reason } : {}),
      },
    });
    return false;
  }

  #endContext(): CallEndContext {
    return {
      hangupRequested: this.#hangupRequested,
      rejectStatus: this.#rejectStatus,
      connectionLost: this.#connectionLost,
      refreshingTarget: this.#refreshingTarget,
      localEndCause: this.#localEndCause,
      reasonOnWire: (status) => this.responses.findLast((r) => r.status === status)?.reason,
    };
  }

  #end({ input, ...detail }: CallEnd): void {
    this.#stopIceCutoff();
    this.#update(input, { ...detail, endedAt: Date.now() });
  }

  #update(input: CallInput | undefined, patch: CallSnapshotPatch): void {
    const next = nextCallSnapshot(this.#snapshot, input, patch);
    if (!next) return;
    this.#snapshot = next;
    this.emit('change', next);
    if (isFinalCallState(next.state)) this.#releaseMedia();
  }

  #releaseMedia(): void {
    this.#dtmf.clear();
    this.#mediaWatchdog?.stop();
    this.#ice.stop();
    for (const track of this.remoteStream.getTracks()) this.remoteStream.removeTrack(track);
  }
}

/** Each call's JsSIP session, for the phone's internal use (attended transfer needs the other one). */
const sessions = new WeakMap<Call, RTCSession>();
/** @internal */
export const sessionOf = (call: Call): RTCSession | undefined => sessions.get(call);

/** What only the phone may do with a call, kept off the public class. */
export interface CallDriver {
  /** Starts the state machine: `dial` for outgoing, `incoming` for incoming calls. */
  start(): void;
  /** Every wire message with this call's Call-ID. */
  handleWireMessage(message: WireMessage): void;
  /** The Call-ID of an outgoing call, once its INVITE is sent. */
  setCallId(callId: string): void;
  /** The peer connection (outgoing: from `peerconnection`; incoming: at once). */
  bindPeerConnection(pc: RTCPeerConnection): void;
  /** The connection dropped while this call was set up: it fails as a connection error. */
  noteConnectionLost(): void;
  /** A target refresh after the phone's connection was replaced. */
  refreshTarget(): Promise<boolean>;
  /** The network changed: restore an interrupted audio path at once (all of it, when changed). */
  recoverMedia(networkChanged?: boolean): void;
  /** REFER the far end to `uri` (with `replaces`: attended). */
  refer(uri: string, replaces?: Call): Promise<boolean>;
}

/** What a call asks of the phone. */
export interface CallHooks {
  /**
   * Whether signalling can go out now (the phone's connection is open). A re-INVITE while it is
   * down would wait and could time out, and JsSIP ends the call on a timeout.
   */
  canSignal(): boolean;
  /**
   * The phone's verdict on a REFER whose Refer-To is well formed: a refusal (answered with its
   * final response), or undefined to go on (202, then `transfer-request`).
   */
  screenTransfer(target: ReferToTarget): TransferRefusal | undefined;
}

const DEFAULT_HOOKS: CallHooks = {
  canSignal: () => true,
  screenTransfer: () => ({ code: 'refused', status: 603, reason: 'Decline' }),
};

const drivers = new WeakMap<Call, CallDriver>();
/** @internal The phone's handle on a call it created. */
export const driverOf = (call: Call): CallDriver => drivers.get(call)!;
