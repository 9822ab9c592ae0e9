/**
 * Call transfer both ways, the way JsSIP splits RTCSession into `ReferSubscriber` and
 * `ReferNotifier`: sending a REFER and following the far end's NOTIFYs (blind, or attended with
 * Replaces), and receiving one — checked before JsSIP acts on it, since JsSIP answers every REFER
 * 202 and copies its Refer-To's Replaces into the new INVITE verbatim after percent-decoding.
 */
import JsSIP from 'jssip';
import type { RTCSession } from 'jssip/lib/RTCSession';
import { referToUri, sessionInternals, type ReferRequest } from './jssip-internals.js';
import { checkReferTo, type ReferToTarget } from './transfer-policy.js';

/** How a transfer we asked for is going. */
export type TransferProgress = 'requested' | 'accepted' | 'progress' | 'succeeded' | 'failed';

/** Why a REFER from the far end was refused, and with which final response. */
export interface TransferRefusal {
  code: 'malformed' | 'scheme' | 'uri-headers' | 'replaces' | 'refused' | 'target' | 'busy';
  status: number;
  reason: string;
}

// A transfer target that neither answers nor fails within this time is reported as failed.
const TRANSFER_WAIT_MS = 45_000;

/**
 * Asks the far end of `session` to call `uri` (REFER); with `replaces`, to take over that session
 * (attended). `report` hears each step with the status the far end gave. Resolves true when the
 * far end says the target answered (NOTIFY 200), false on a refusal, a failure or silence.
 */
export function sendRefer(
  session: RTCSession,
  uri: string,
  replaces: RTCSession | undefined,
  report: (state: TransferProgress, status?: number, reason?: string) => void,
): Promise<boolean> {
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
