/**
 * The phone's side of transfers the far end asks for: a REFER is screened (refused at once, or
 * answered 202), then asked about or followed per the `transfers` policy, and its new call placed
 * to exactly the checked target; an INVITE with Replaces that takes over one of our calls is let
 * through, and answered without ringing when the party of that call (or someone acting for them)
 * sent it (RFC 3891 §6).
 */
import type { RTCSession } from 'jssip/lib/RTCSession';
import type { Call, CallEvents, RemoteParty, TransferRefusal } from './call.js';
import type { ResolvedPhoneConfig } from './config.js';
import type { DialTarget } from './dial-string.js';
import { microphoneConstraints } from './devices.js';
import {
  addressUri,
  parseRemoteUri,
  replacementAuthorized,
  transferTargetAllowed,
  type ReferToTarget,
} from './transfer-policy.js';
import { TransferRequest } from './transfer-request.js';

export interface IncomingTransfersOptions {
  config: ResolvedPhoneConfig;
  /** The phone's dial rules (throws {@link DialStringError}). */
  parseTarget(target: string): DialTarget;
  /** The phone was stopped: every transfer is refused. */
  stopped(): boolean;
  /** A line is free for one more call. */
  lineFree(): boolean;
  /** The microphone for new calls. */
  microphoneId(): string;
  /** Takes on the call JsSIP placed for an accepted transfer, and starts it. */
  place(session: RTCSession, remote: RemoteParty): void;
  /** A transfer request for the page (the phone's `transfer-request` event). */
  ask(request: TransferRequest): void;
}

export class IncomingTransfers {
  readonly #options: IncomingTransfersOptions;
  /** Call-IDs of INVITEs with Replaces we agreed to: they are answered without ringing. */
  readonly #replacements = new Set<string>();

  constructor(options: IncomingTransfersOptions) {
    this.#options = options;
  }

  /** The first look at a REFER whose Refer-To is well formed: refuse it now, or go on (202). */
  screen(target: ReferToTarget): TransferRefusal | undefined {
    const { config } = this.#options;
    if (config.transfers === 'refuse' || this.#options.stopped()) {
      return { code: 'refused', status: 603, reason: 'Decline' };
    }
    if (!this.#target(target.uri)) {
      return { code: 'target', status: 403, reason: 'Transfer Target Not Allowed' };
    }
    if (!this.#options.lineFree()) return { code: 'busy', status: 486, reason: 'Busy Here' };
    return undefined;
  }

  /** A REFER answered 202: ask (or follow, per the policy), then place the call or decline. */
  request(call: Call, request: CallEvents['transfer-request']): void {
    const { config, stopped, lineFree } = this.#options;
    const checked = this.#target(request.target.uri);
    if (!checked || stopped()) {
      request.reject();
      return;
    }
    // Who asked for this call, for the target (RFC 3892); from the checked address, not the
    // REFER's own Referred-By.
    const referrer = parseRemoteUri(call.remote.uri);
    const referredBy = referrer?.user
      ? [`Referred-By: <${referrer.scheme}:${referrer.user}@${referrer.host}>`]
      : [];
    const pending = new TransferRequest({
      call,
      target: checked.uri,
      targetUser: checked.dial.user,
      attended: request.target.replaces !== undefined,
      timeout: config.transferAskTimeout,
      decline: () => request.reject(),
      accept: () => {
        if (!lineFree() || stopped()) {
          request.reject();
          return;
        }
        request.accept(
          checked.uri,
          {
            mediaConstraints: microphoneConstraints(this.#options.microphoneId()),
            pcConfig: { iceServers: config.iceServers },
            extraHeaders: [...config.extraHeaders, ...referredBy],
          },
          (session) =>
            this.#options.place(session, {
              displayName: '',
              user: checked.dial.user,
              uri: checked.uri,
            }),
        );
      },
    });
    this.#options.ask(pending);
    if (pending.state === 'pending' && config.transfers === 'accept') pending.accept();
  }

  /** An INVITE with Replaces names `call`: let it through, unasked only when authorised. */
  replace(
    call: Call,
    { callId, from, referredBy, accept, reject }: CallEvents['replace-request'],
  ): void {
    if (this.#options.config.transfers === 'refuse' || this.#options.stopped()) return reject();
    // RFC 3891 §6: only the party of this call (or someone acting for them) takes it over
    // unasked; any other replacement rings like a new call, and the user decides.
    const referrer = referredBy === undefined ? undefined : addressUri(referredBy);
    if (replacementAuthorized(call.remote.uri, { from, referredBy: referrer })) {
      this.#replacements.add(callId);
    }
    accept();
  }

  /** True once for an incoming INVITE that replaces a call as agreed: answer it without ringing. */
  takeReplacement(callId: string): boolean {
    return this.#replacements.delete(callId);
  }

  /**
   * Where a transfer may send us: a checked remote URI (descriptive parameters kept) that also
   * passes the dial rules (the account's domain unless others are allowed) and the allow-list.
   */
  #target(uri: string): { uri: string; dial: DialTarget } | undefined {
    const remote = parseRemoteUri(uri);
    if (!remote?.user) return undefined;
    let dial: DialTarget;
    try {
      dial = this.#options.parseTarget(
        `${remote.scheme}:${remote.user}@${remote.host}${remote.port ? `:${remote.port}` : ''}`,
      );
    } catch {
      return undefined;
    }
    const { config } = this.#options;
    if (!transferTargetAllowed(dial, config.transferAllowList, config.account.host)) {
      return undefined;
    }
    return { uri: `${dial.uri}${remote.params}`, dial };
  }
}
