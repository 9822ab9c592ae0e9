/**
 * Call transfer both ways, the way JsSIP splits RTCSession into `ReferSubscriber` and
 * `ReferNotifier`: sending a REFER and following the far end's NOTIFYs (blind, or attended with
 * Replaces), and receiving one — checked before JsSIP acts on it, since JsSIP answers every REFER
 * 202 and copies its Refer-To's Replaces into the new INVITE verbatim after percent-decoding.
 */
import JsSIP from 'jssip';
import type { RTCSession } from 'jssip/lib/RTCSession';
import {
  referToUri,
  sessionInternals,
  type ReferRequest,
  type ReplacingInvite,
} from './jssip-internals.js';
import { checkReferTo, type ReferToTarget } from './transfer-policy.js';
import { sanitizeRemoteText } from './text.js';

/** How a transfer we asked for is going. */
export type TransferProgress = 'requested' | 'accepted' | 'progress' | 'succeeded' | 'failed';

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

/** Why a REFER from the far end was refused, and with which final response. */
export interface TransferRefusal {
  code: 'malformed' | 'scheme' | 'uri-headers' | 'replaces' | 'refused' | 'target' | 'busy';
  status: number;
  reason: string;
}

/**
 * A REFER from the far end that passed the checks (it was answered 202), for the phone to decide:
 * `accept` places the new call to `uri` (what the phone validated; with the checked `Replaces`
 * when the transfer is attended), `reject` declines (NOTIFY 603).
 */
export interface TransferRequestDetail {
  target: ReferToTarget;
  accept: (uri: string, options: object, initCallback: (session: RTCSession) => void) => void;
  reject: () => void;
}

/**
 * Someone's INVITE with Replaces names this call (an attended transfer): `from` and `referredBy`
 * are the URIs it carries (unchecked remote text), for the phone to authorise.
 */
export interface ReplaceRequestDetail {
  callId: string;
  from?: string;
  referredBy?: string;
  accept: () => void;
  reject: () => void;
}

// A transfer target that neither answers nor fails within this time is reported as failed.
const TRANSFER_WAIT_MS = 45_000;

/**
 * Asks the far end of `session` to call `uri` (REFER); with `replaces`, to take over that session
 * (attended). `onState` hears each step with the status the far end gave. Resolves true when the
 * far end says the target answered (NOTIFY 200), false on a refusal, a failure or silence.
 */
export function sendRefer(
  session: RTCSession,
  uri: string,
  replaces: RTCSession | undefined,
  onState: (state: TransferState) => void,
): Promise<boolean> {
  const kind = replaces ? 'attended' : 'blind';
  const report = (state: TransferProgress, status?: number, reason?: string) =>
    onState({
      kind,
      target: uri,
      state,
      ...(status !== undefined ? { status } : {}),
      ...(reason ? { reason: sanitizeRemoteText(reason) } : {}),
    });
  report('requested');
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(
      () => finish(false, 'failed', undefined, 'No answer to the transfer'),
      TRANSFER_WAIT_MS,
    );
    const finish = (ok: boolean, state: TransferProgress, status?: number, reason?: string) => {
      clearTimeout(timer);
      report(state, status, reason);
      resolve(ok);
    };
    type StatusLine = { status_line: { status_code: number; reason_phrase: string } };
    type Response = { response: { status_code: number; reason_phrase: string } | null };
    session.refer(uri, {
      ...(replaces ? { replaces } : {}),
      eventHandlers: {
        requestSucceeded: ({ response }: Response) =>
          report('accepted', response?.status_code, response?.reason_phrase),
        requestFailed: ({ response }: Response) =>
          finish(false, 'failed', response?.status_code, response?.reason_phrase),
        trying: ({ status_line }: StatusLine) =>
          report('progress', status_line.status_code, status_line.reason_phrase),
        progress: ({ status_line }: StatusLine) =>
          report('progress', status_line.status_code, status_line.reason_phrase),
        accepted: ({ status_line }: StatusLine) =>
          finish(true, 'succeeded', status_line.status_code, status_line.reason_phrase),
        failed: ({ status_line }: StatusLine) =>
          finish(false, 'failed', status_line.status_code, status_line.reason_phrase),
      },
    });
  });
}

export interface IncomingReferGuard {
  /** The phone's verdict on a well-formed Refer-To: a refusal, or undefined to go on. */
  screen(target: ReferToTarget): TransferRefusal | undefined;
  /** A REFER was answered with a refusal here (JsSIP never saw it). */
  refused(refusal: TransferRefusal, target?: string): void;
}

/**
 * Checks every REFER `session` receives before JsSIP sees it: a malformed, forbidden or unwanted
 * one gets its final response here. Returns the checked target of each REFER let through, for
 * {@link rewriteReferTo} when the user accepts it.
 */
export function guardIncomingRefers(
  session: RTCSession,
  guard: IncomingReferGuard,
): WeakMap<object, ReferToTarget> {
  const screened = new WeakMap<object, ReferToTarget>();
  const internals = sessionInternals(session);
  const receive = internals._receiveRefer.bind(internals);
  internals._receiveRefer = (request: ReferRequest) => {
    const values = request.getHeaders('Refer-To');
    // JsSIP itself answers a REFER without a (parseable) Refer-To.
    if (!request.refer_to || values.length === 0) return receive(request);
    const check: ReturnType<typeof checkReferTo> =
      values.length === 1
        ? checkReferTo(values[0]!)
        : { ok: false, code: 'malformed', status: 400, reason: 'Bad Refer-To' };
    const refusal = check.ok ? guard.screen(check) : check;
    if (refusal) {
      request.reply(refusal.status, refusal.reason);
      guard.refused(
        { code: refusal.code, status: refusal.status, reason: refusal.reason },
        check.ok ? check.uri : undefined,
      );
      return;
    }
    screened.set(request, check as ReferToTarget);
    receive(request);
  };
  return screened;
}

export interface IncomingTransferHandlers extends IncomingReferGuard {
  /** A REFER passed the checks: the phone decides. */
  request(detail: TransferRequestDetail): void;
  /** An INVITE with Replaces names this session's call. */
  replace(detail: ReplaceRequestDetail): void;
}

/**
 * Receives transfers for `session` both ways they come: REFERs, checked before JsSIP sees them
 * ({@link guardIncomingRefers}) and handed on with their checked target, and INVITEs with Replaces
 * that would take this call over.
 */
export function receiveTransfers(session: RTCSession, handlers: IncomingTransferHandlers): void {
  const screened = guardIncomingRefers(session, handlers);
  session.on('refer', ({ request, accept, reject }) => {
    const target = screened.get(request);
    if (!target) return reject();
    handlers.request({
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
    handlers.replace({
      callId: invite.call_id,
      ...(invite.from?.uri ? { from: invite.from.uri.toString() } : {}),
      ...(referredBy ? { referredBy } : {}),
      accept: () => (accept as (cb?: unknown) => void)(),
      reject: () => reject(),
    });
  });
}

/**
 * JsSIP builds the INVITE of an accepted transfer from the REFER's Refer-To: give it exactly the
 * URI that was checked, with the normalised Replaces and nothing else. False when `uri` does not
 * parse (the transfer must then be declined).
 */
export function rewriteReferTo(request: unknown, uri: string, target: ReferToTarget): boolean {
  const referTo = referToUri(request);
  const checked = JsSIP.URI.parse(uri);
  if (!checked) return false;
  referTo.scheme = checked.scheme;
  referTo.user = checked.user;
  referTo.host = checked.host;
  referTo.port = checked.port ?? null;
  referTo.clearParams();
  // The checked URI's user has no ';' (dial rules): what follows the first one are params.
  for (const param of uri.split(';').slice(1)) {
    const [name = '', value] = param.split('=');
    referTo.setParam(name, value ?? null);
  }
  referTo.clearHeaders();
  if (target.replaces) referTo.setHeader('replaces', encodeURIComponent(target.replaces));
  return true;
}
