/**
 * `Call` wraps one JsSIP RTCSession: it drives the pure call state machine from JsSIP's events and
 * from the responses seen on the wire, applies the media policy (codecs, ICE cutoff) and sends DTMF.
 */
import type {
  DTMFOptions,
  EndEvent,
  IceCandidateEvent,
  IncomingEvent,
  OutgoingEvent,
  RTCSession,
  RTCSessionEventMap,
} from 'jssip/lib/RTCSession';
import { Emitter } from './emitter.js';
import {
  nextCallState,
  isEstablishedCallState,
  isFinalCallState,
  type CallInput,
  type CallState,
} from './call-machine.js';
import { describeOutcome, type LocalCause, type Outcome } from './outcomes.js';
import type { ResolvedPhoneConfig } from './config.js';
import {
  applyCodecPreferences,
  restrictAudioCodecs,
  sdpFollowsPolicy,
  sdpHasTelephoneEvent,
} from './media-policy.js';
import { validateDtmf, validateDtmfTiming } from './dtmf.js';
import { DtmfQueue } from './dtmf-sender.js';
import { IceRecovery, waitUntil } from './ice-recovery.js';
import { sessionInternals, type ReplacingInvite } from './jssip-internals.js';
import { DtmfError, PhoneStateError } from './errors.js';
import { sanitizeRemoteText } from './text.js';
import { microphoneAllowedHere, microphoneConstraints } from './devices.js';
import type { WireMessage } from './transport.js';
import { MediaWatchdog } from './media-watchdog.js';
import type { ReferToTarget } from './transfer-policy.js';
import {
  guardIncomingRefers,
  rewriteReferTo,
  sendRefer,
  type TransferProgress,
  type TransferRefusal,
} from './transfer.js';

/** Why a REFER is refused, and the final response it gets. */
export type { TransferRefusal };

export type CallDirection = 'outgoing' | 'incoming';

// How long typed digits wait for the media transport before going out as SIP INFO instead.
const DTMF_TRANSPORT_WAIT_MS = 5000;

export interface RemoteParty {
  /** Display name, sanitised (no control or bidi characters). Render as text. */
  displayName: string;
  /** The user part (number or name). */
  user: string;
  uri: string;
}

/** A SIP response to this call's INVITE, as seen on the wire. */
export interface SipResponseInfo {
  status: number;
  /** Reason phrase, sanitised. */
  reason: string;
  hasSdp: boolean;
  at: number;
}

/** Progress of a transfer this call asked for (REFER), as reported by the far end (NOTIFY). */
export interface TransferState {
  kind: 'blind' | 'attended';
  /** The transfer target's SIP URI. */
  target: string;
  state: TransferProgress;
  /** The status the far end reported: 202 for the REFER, then the target's 1xx/2xx/final. */
  status?: number;
  reason?: string;
}

/** Everything a view needs to render the call, at one moment. */
export interface CallSnapshot {
  id: string;
  direction: CallDirection;
  state: CallState;
  previous?: CallState;
  /** SIP status code that caused the latest change, when there is one. */
  status?: number;
  /** The reason phrase sent with `status` (sanitised), or the local cause's title. */
  reason?: string;
  /** A local cause when no SIP status applies (microphone-denied, hangup-remote, …). */
  cause?: LocalCause;
  /** What to tell the user about this state. */
  outcome?: Outcome;
  remote: RemoteParty;
  muted: boolean;
  /** The other side put the call on hold (a sendonly/inactive re-INVITE from them). */
  remoteHold: boolean;
  /** A hold or resume re-INVITE is in flight: hold controls should wait. */
  pending?: 'hold' | 'unhold';
  /** A transfer this call asked for, and how far it got. */
  transfer?: TransferState;
  /** The last hold/resume that failed (the call goes on), e.g. `{ status: 488 }`. */
  holdError?: { action: 'hold' | 'unhold'; status?: number; reason?: string };
  /**
   * The audio path was interrupted (ICE `disconnected` or `failed`) and the phone is restoring it
   * (waiting, then an ICE-restart re-INVITE). The call is kept meanwhile; "Reconnecting…".
   */
  reconnecting?: boolean;
  startedAt: number;
  answeredAt?: number;
  endedAt?: number;
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
   * answered 202). The phone decides: `accept` places the new call to `uri` (what the phone
   * validated; with the checked `Replaces` when the transfer is attended), `reject` declines
   * (NOTIFY 603).
   */
  'transfer-request': {
    target: ReferToTarget;
    accept: (uri: string, options: object, initCallback: (session: RTCSession) => void) => void;
    reject: () => void;
  };
  /** A REFER was refused with a final response before anything was done (bad or forbidden). */
  'transfer-refused': TransferRefusal & { target?: string };
  /**
   * Someone's INVITE with Replaces names this call (an attended transfer): `from` and
   * `referredBy` are the URIs it carries (unchecked remote text), for the phone to authorise.
   */
  'replace-request': {
    callId: string;
    from?: string;
    referredBy?: string;
    accept: () => void;
    reject: () => void;
  };
  /** A DTMF digit handed to the transport (`rfc4733` or `info`). */
  dtmf: { tone: string; transport: 'rfc4733' | 'info' };
}

const JSSIP_CAUSE_TO_LOCAL: Record<string, LocalCause> = {
  'Connection Error': 'connection-error',
  'Request Timeout': 'request-timeout',
  'WebRTC Error': 'webrtc-error',
  'Bad Media Description': 'bad-media',
  'Incompatible SDP': 'bad-media',
  'Missing SDP': 'bad-media',
  'RTP Timeout': 'rtp-timeout',
  'No ACK': 'no-ack',
  'Dialog Error': 'dialog-error',
  'No Answer': 'no-answer',
  Expires: 'no-answer',
  'User Denied Media Access': 'microphone-denied',
};

/** Maps a getUserMedia error to the cause a person can act on. */
export function microphoneCause(error: unknown): LocalCause {
  const name = (error as { name?: string } | null)?.name ?? '';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'microphone-missing';
  if (name === 'NotReadableError' || name === 'AbortError') return 'microphone-busy';
  // Inside an iframe without allow="microphone" no prompt appears: only the page owner can fix it.
  if (!microphoneAllowedHere()) return 'microphone-not-allowed-here';
  return 'microphone-denied';
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
  #codecPreferencesApplied = false;
  #hangupRequested = false;
  #rejectStatus: number | undefined;
  #microphoneError: unknown;
  #iceTimer: ReturnType<typeof setTimeout> | undefined;
  #iceReady = false;
  /** RFC 4733 digits waiting for the media transport; SIP INFO when it never comes. */
  readonly #dtmfQueue = new DtmfQueue({
    isOver: () => isFinalCallState(this.state),
    fallback: (tones, duration, gap) => this.#sendInfoDtmf(tones, duration, gap),
    waitMs: DTMF_TRANSPORT_WAIT_MS,
  });
  /** Why we are about to hang up, when it is not a plain hang-up (e.g. after a transfer). */
  #localEndCause: LocalCause | undefined;
  /** The connection dropped while this call was being set up. */
  #connectionLost = false;
  /** The phone is ending the call because its audio cannot be restored. */
  #givingUp = false;
  /** A target refresh after a reconnection is under way: a dialog error now means the drop. */
  #refreshingTarget = false;
  #mediaWatchdog: MediaWatchdog | undefined;
  /** Restores the audio path with ICE restarts when ICE breaks (ice-recovery.ts). */
  readonly #ice = new IceRecovery({
    peerConnection: () => this.#pc,
    established: () => isEstablishedCallState(this.state),
    isOver: () => isFinalCallState(this.state),
    canReoffer: () =>
      this.#hooks.canSignal() &&
      sessionInternals(this.#session).isReadyToReOffer() &&
      !this.#snapshot.pending,
    sendRestart: () => this.#sendIceRestart(),
    onInterrupted: (interrupted) => {
      if (!interrupted) this.#mediaWatchdog?.reset();
      if (interrupted !== Boolean(this.#snapshot.reconnecting)) {
        this.#update(undefined, { reconnecting: interrupted ? true : undefined });
      }
    },
    giveUp: () => this.#giveUpMedia(),
  });
  readonly #hooks: CallHooks;
  /** REFERs that passed the checks, with what the checks made of their Refer-To. */
  readonly #screenedRefers: WeakMap<object, ReferToTarget>;

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
    this.#config = config;
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
    this.#governTerminate();
    this.#screenedRefers = guardIncomingRefers(session, {
      screen: (target) => this.#hooks.screenTransfer(target),
      refused: (refusal, target) =>
        this.emit('transfer-refused', { ...refusal, ...(target ? { target } : {}) }),
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
    const stream = await navigator.mediaDevices.getUserMedia(microphoneConstraints(deviceId));
    const track = stream.getAudioTracks()[0]!;
    const old = sender.track;
    await sender.replaceTrack(track);
    this.microphoneId = deviceId;
    // JsSIP mutes and holds by toggling the tracks of its local stream: keep it in step.
    const local = sessionInternals(this.#session)._localMediaStream;
    if (local) {
      if (old) local.removeTrack(old);
      local.addTrack(track);
    }
    track.enabled = old?.enabled ?? true;
    old?.stop();
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
    const kind = replaces ? 'attended' : 'blind';
    const report = (state: TransferProgress, status?: number, reason?: string) =>
      this.#update(undefined, {
        transfer: {
          kind,
          target: uri,
          state,
          ...(status !== undefined ? { status } : {}),
          ...(reason ? { reason: sanitizeRemoteText(reason) } : {}),
        },
      });
    const other = replaces ? sessions.get(replaces) : undefined;
    return sendRefer(this.#session, uri, other, report).then((ok) => {
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
  sendDtmf(digits: string, options: { duration?: number; gap?: number } = {}): 'rfc4733' | 'info' {
    const tones = validateDtmf(digits);
    const duration = options.duration ?? this.#config.dtmfDuration;
    const gap = options.gap ?? this.#config.dtmfGap;
    validateDtmfTiming(duration, gap);
    if (!isEstablishedCallState(this.state)) {
      throw new PhoneStateError('not-connected', 'DTMF can only be sent during a connected call.');
    }
    const sender = this.#pc?.getSenders().find((s) => s.track?.kind === 'audio' || s.dtmf);
    const remoteSdp = this.#pc?.remoteDescription?.sdp ?? '';
    const mode = this.#config.dtmfMode;
    const rfc4733 = Boolean(sender?.dtmf) && sdpHasTelephoneEvent(remoteSdp);
    if (mode === 'rfc4733' && !rfc4733) {
      throw new DtmfError(
        'no-telephone-event',
        'The other side did not agree to RFC 4733 DTMF; use SIP INFO.',
      );
    }
    if (sender?.dtmf && rfc4733 && mode !== 'info') {
      this.#dtmfQueue.send(sender.dtmf, tones, duration, gap);
      for (const tone of tones) if (tone !== ',') this.emit('dtmf', { tone, transport: 'rfc4733' });
      return 'rfc4733';
    }
    this.#sendInfoDtmf(tones, duration, gap);
    return 'info';
  }

  #sendInfoDtmf(tones: string, duration: number, gap: number): void {
    const transportType = 'INFO' as DTMFOptions['transportType'];
    this.#session.sendDTMF(tones, { transportType, duration, interToneGap: Math.max(gap, 50) });
    for (const tone of tones) if (tone !== ',') this.emit('dtmf', { tone, transport: 'info' });
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
   * The phone's connection was replaced by a new one (RFC 5626 §4.5): a target refresh
   * — a re-INVITE with the same media, hold kept, carrying the phone's Contact over the new
   * connection — so that the far end's BYE and re-INVITEs reach the phone again (a proxy routes
   * them by the connection the Contact arrived on). A 481 or 408 means the dialog did not survive
   * the drop: the call ends as "lost when the connection dropped" instead of lingering. Any other
   * refusal leaves the call as it was. Resolves true when the far end took the refresh.
   */
  async #refreshTarget(): Promise<boolean> {
    if (!isEstablishedCallState(this.state)) return false;
    const session = sessionInternals(this.#session);
    for (let attempt = 0; attempt <= GLARE_RETRIES; attempt++) {
      if (attempt > 0) await delay(glareDelayMs(this.direction));
      // A hold, an ICE restart or the far end's own re-INVITE first: one offer at a time.
      const ready = await waitUntil(
        () =>
          isFinalCallState(this.state) ||
          (this.#hooks.canSignal() && session.isReadyToReOffer() && !this.#snapshot.pending),
        TARGET_REFRESH_WAIT_MS,
      );
      if (!ready || isFinalCallState(this.state)) return false;
      this.#refreshingTarget = true;
      let status: number | undefined;
      let settled = false;
      session._sendReinvite({
        eventHandlers: {
          succeeded: () => (settled = true),
          failed: (response) => {
            settled = true;
            status = response?.status_code;
          },
        },
      });
      // JsSIP ends the session itself on 408/481 (its dialog error) without calling `failed`.
      await waitUntil(() => settled || isFinalCallState(this.state), TARGET_REFRESH_WAIT_MS);
      this.#refreshingTarget = false;
      if (isFinalCallState(this.state) || !settled) return false;
      if (status === undefined) return true;
      if (status !== 491) return false;
    }
    return false;
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
    session.on('connecting', () => {
      if (this.#pc)
        this.#codecPreferencesApplied = applyCodecPreferences(this.#pc, this.#config.codecs);
    });
    session.on('sdp', (event) => {
      // Fallback for browsers without setCodecPreferences: rewrite what is sent.
      if (
        event.originator === 'local' &&
        !this.#codecPreferencesApplied &&
        !sdpFollowsPolicy(event.sdp, this.#config.codecs)
      ) {
        event.sdp = restrictAudioCodecs(event.sdp, this.#config.codecs);
      }
    });
    session.on('icecandidate', (event: IceCandidateEvent) => this.#handleIceCandidate(event));
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
    session.on('refer', ({ request, accept, reject }) => {
      const target = this.#screenedRefers.get(request);
      if (!target) return reject();
      this.emit('transfer-request', {
        target,
        accept: (uri, options, initCallback) => {
          if (!rewriteReferTo(request, uri, target)) return reject();
          (accept as (cb: unknown, o: unknown) => void)(initCallback, options);
        },
        reject: () => reject(),
      });
    });
    session.on('replaces', ({ request, accept, reject }) => {
      const invite = request as unknown as ReplacingInvite;
      const referredBy = invite.getHeader('Referred-By');
      this.emit('replace-request', {
        callId: invite.call_id,
        ...(invite.from?.uri ? { from: invite.from.uri.toString() } : {}),
        ...(referredBy ? { referredBy } : {}),
        accept: () => {
          // JsSIP ends this call once the replacing one is confirmed.
          this.#localEndCause = 'replaced';
          (accept as (cb?: unknown) => void)();
        },
        reject: () => reject(),
      });
    });
    session.on('failed', (event: EndEvent) => this.#handleFailed(event));
    session.on('ended', (event: EndEvent) => this.#handleEnded(event));
  }

  /**
   * JsSIP hangs up by itself when ICE reaches `failed` (cause "RTP Timeout"). The phone first tries
   * to restore the audio path with an ICE restart; the call ends only when that cannot work.
   */
  #governTerminate(): void {
    const session = sessionInternals(this.#session);
    const terminate = session.terminate.bind(session);
    session.terminate = (options) => {
      if (options?.cause === RTP_TIMEOUT && !this.#givingUp && this.#ice.recoverable) {
        this.#ice.fail();
        return;
      }
      terminate(options);
    };
  }

  /** Sends an ICE-restart re-INVITE; a refusal (488 from a peer that cannot restart ICE) is
   * rolled back, as the old ICE session may still heal by itself. */
  async #sendIceRestart(): Promise<boolean> {
    const pc = this.#pc;
    const session = sessionInternals(this.#session);
    const ok = await new Promise<boolean>((resolve) => {
      session._sendReinvite({
        rtcOfferConstraints: { iceRestart: true },
        eventHandlers: { succeeded: () => resolve(true), failed: () => resolve(false) },
      });
    });
    if (!ok && pc?.signalingState === 'have-local-offer') {
      await pc.setLocalDescription({ type: 'rollback' }).catch(() => undefined);
    }
    return ok;
  }

  /** Ends the call because its audio cannot be restored: BYE, "Audio connection lost". */
  #giveUpMedia(): void {
    if (isFinalCallState(this.state) || this.#session.isEnded()) return;
    this.#givingUp = true;
    this.#session.terminate({ cause: RTP_TIMEOUT, status_code: 408, reason_phrase: RTP_TIMEOUT });
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
    const session = sessionInternals(this.#session);
    this.#update(undefined, { pending: action, holdError: undefined });
    let failure: { status?: number; reason?: string } = {};
    for (let attempt = 0; attempt <= GLARE_RETRIES; attempt++) {
      if (attempt > 0) {
        await delay(glareDelayMs(this.direction));
        if (isFinalCallState(this.state)) return false;
      }
      if (!(await waitUntil(() => session.isReadyToReOffer(), REOFFER_READY_WAIT_MS))) {
        failure = {};
        break;
      }
      session._localHold = action === 'hold';
      session._setLocalMediaStatus();
      const result = await new Promise<{ ok: boolean; status?: number; reason?: string }>(
        (resolve) => {
          session._sendReinvite({
            eventHandlers: {
              succeeded: () => resolve({ ok: true }),
              failed: (response) =>
                resolve({
                  ok: false,
                  ...(response
                    ? {
                        status: response.status_code,
                        reason: sanitizeRemoteText(response.reason_phrase),
                      }
                    : {}),
                }),
            },
          });
        },
      );
      if (isFinalCallState(this.state)) return false;
      if (result.ok) {
        this.#update(action, { pending: undefined });
        return true;
      }
      // Roll back what we changed locally: the call stays as it was.
      session._localHold = action !== 'hold';
      session._setLocalMediaStatus();
      failure = {
        ...(result.status !== undefined ? { status: result.status } : {}),
        ...(result.reason ? { reason: result.reason } : {}),
      };
      if (result.status !== 491) break;
    }
    this.#update(undefined, { pending: undefined, holdError: { action, ...failure } });
    return false;
  }

  #handleIceCandidate({ candidate, ready }: IceCandidateEvent): void {
    if (this.#iceReady) return;
    const send = () => {
      if (this.#iceReady) return;
      this.#iceReady = true;
      clearTimeout(this.#iceTimer);
      ready();
    };
    // A server-reflexive or relay candidate is all the far end needs: send now.
    if (candidate?.type === 'srflx' || candidate?.type === 'relay') {
      send();
      return;
    }
    // Otherwise never wait longer than the cutoff for a STUN/TURN server that may not answer.
    if (this.#iceTimer === undefined)
      this.#iceTimer = setTimeout(send, this.#config.iceGatheringTimeout);
  }

  #handleFailed(event: EndEvent): void {
    const message = event.message as {
      status_code?: number;
      reason_phrase?: string;
      method?: string;
    } | null;
    if (event.cause === 'Canceled') {
      if (event.originator === 'local' && this.#hangupRequested) {
        // JsSIP reports our CANCEL before the 487 arrives; the 487 is certain, say it now.
        this.#end('cancel', { status: 487, reason: 'Request Terminated' });
      } else if (event.originator === 'remote') {
        this.#end('cancel', { status: 487, reason: 'Request Terminated', cause: 'missed' });
      } else {
        // JsSIP also reports a transport error or timeout of an unanswered call as "Canceled".
        this.#end('fail', { cause: this.#connectionLost ? 'connection-error' : 'request-timeout' });
      }
      return;
    }
    if (event.originator === 'local' && this.#rejectStatus !== undefined) {
      this.#end('reject', { status: this.#rejectStatus, cause: 'rejected-local' });
      return;
    }
    if (message && typeof message.status_code === 'number' && message.status_code >= 300) {
      // The reason phrase as it was on the wire: the transport may have had to make it parseable.
      const status = message.status_code;
      const seen = this.responses.findLast((response) => response.status === status);
      this.#end('fail', {
        status,
        reason: seen?.reason ?? sanitizeRemoteText(message.reason_phrase),
      });
      return;
    }
    const cause: LocalCause = JSSIP_CAUSE_TO_LOCAL[event.cause] ?? 'unknown';
    if (cause === 'microphone-denied') {
      // JsSIP reports the failure first and the getUserMedia error right after: read it then.
      queueMicrotask(() => this.#end('fail', { cause: microphoneCause(this.#microphoneError) }));
      return;
    }
    this.#end('fail', { cause });
  }

  #handleEnded(event: EndEvent): void {
    const local = JSSIP_CAUSE_TO_LOCAL[event.cause];
    if (
      this.#refreshingTarget &&
      (local === 'dialog-error' || local === 'request-timeout' || local === 'connection-error')
    ) {
      // The far end no longer knew the dialog (481), or the refresh got no answer (408).
      this.#end('fail', { cause: 'connection-dropped' });
      return;
    }
    if (event.cause === 'Terminated' || (!local && event.originator !== 'system')) {
      const cause =
        event.originator === 'remote' ? 'hangup-remote' : (this.#localEndCause ?? 'hangup-local');
      this.#end('hangup', { cause });
    } else {
      this.#end('fail', { cause: local ?? 'unknown' });
    }
  }

  #end(input: CallInput, detail: { status?: number; reason?: string; cause?: LocalCause }): void {
    clearTimeout(this.#iceTimer);
    this.#update(input, { ...detail, endedAt: Date.now() });
  }

  #update(
    input: CallInput | undefined,
    patch: Partial<
      Pick<
        CallSnapshot,
        | 'status'
        | 'reason'
        | 'cause'
        | 'muted'
        | 'remoteHold'
        | 'pending'
        | 'holdError'
        | 'transfer'
        | 'reconnecting'
        | 'answeredAt'
        | 'endedAt'
      >
    >,
  ): void {
    const current = this.#snapshot;
    const state = input ? nextCallState(current.state, input) : current.state;
    if (state === undefined) return; // Illegal here (e.g. a late event after the end): ignore.
    if (!input && isFinalCallState(current.state)) return;
    const changesState = state !== current.state;
    const next: CallSnapshot = { ...current, ...patch, state };
    if (changesState) next.previous = current.state;
    if (input) {
      // A new state drops the status and cause of the previous one unless the input brought its own.
      if (patch.status === undefined) delete next.status;
      if (patch.reason === undefined) delete next.reason;
      if (patch.cause === undefined) delete next.cause;
    }
    next.outcome = describeOutcome(next);
    for (const key of Object.keys(patch) as Array<keyof typeof patch>) {
      if (patch[key] === undefined) delete next[key];
    }
    const watched = [
      'status',
      'reason',
      'cause',
      'muted',
      'remoteHold',
      'pending',
      'holdError',
      'transfer',
      'reconnecting',
    ] as const;
    if (!changesState && watched.every((key) => next[key] === current[key])) return;
    this.#snapshot = next;
    this.emit('change', next);
    if (isFinalCallState(state)) this.#releaseMedia();
  }

  #releaseMedia(): void {
    this.#dtmfQueue.clear();
    this.#mediaWatchdog?.stop();
    this.#ice.stop();
    for (const track of this.remoteStream.getTracks()) this.remoteStream.removeTrack(track);
  }
}

const GLARE_RETRIES = 2;
// A target refresh waits this long for its turn (another offer in flight) and for its answer.
const TARGET_REFRESH_WAIT_MS = 32_000;
// JsSIP's cause when ICE fails (it then hangs up by itself).
const RTP_TIMEOUT = 'RTP Timeout';

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
const REOFFER_READY_WAIT_MS = 5000;

/**
 * RFC 3261 §14.1: after a 491, the side that generated the Call-ID (the caller) waits 2.1–4 s,
 * the other 0–2 s, in 10 ms units — so the two retries do not collide again.
 */
export function glareDelayMs(direction: CallDirection, random: () => number = Math.random): number {
  const [min, max] = direction === 'outgoing' ? [2100, 4000] : [0, 2000];
  return min + Math.floor(random() * ((max - min) / 10 + 1)) * 10;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
