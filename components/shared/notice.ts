/**
 * The notice of `<sip-phone>`: one short, passing message about the shown call or the devices, as
 * a plain function of what happened and the shown call's snapshot.
 */
import { statusTitle } from './outcome-text.js';
import { uiStrings } from '../../src/i18n/ui.js';
import type { CallSnapshot } from '../../src/call.js';
import { isLiveCallState } from '../../src/call-machine.js';

export interface NoticeContext {
  /** A message about the devices (microphone unplugged, speaker refused); it comes first. */
  deviceNotice?: string;
  /** What became of a transfer the far end asked for, on the call with that id. */
  transferNotice?: { call: string; text: string } | undefined;
  /** The shown call is held by another tab (tabs share one phone): its audio plays there. */
  inAnotherTab?: boolean;
  lang?: string;
}

/**
 * Devices first, then transfers, hold failures, being held, a call in another tab; `''` when there
 * is nothing to say.
 */
export function noticeText(
  snapshot: CallSnapshot | undefined,
  context: NoticeContext = {},
): string {
  const lang = context.lang ?? 'en';
  const t = uiStrings(lang);
  const holdError = snapshot?.holdError;
  if (context.deviceNotice) return context.deviceNotice;
  const transferNotice = context.transferNotice;
  if (snapshot && transferNotice?.call === snapshot.id) return transferNotice.text;
  const transfer = snapshot?.transfer;
  if (transfer) {
    const who = transfer.target.replace(/^sips?:/, '');
    const code = transfer.status !== undefined ? ` (${transfer.status})` : '';
    if (transfer.state === 'failed') {
      const why = transfer.status !== undefined ? statusTitle(transfer.status, lang) : t.noAnswer;
      return t.transferFailed(who, why, code);
    }
    if (transfer.state === 'succeeded') return t.transferred(who);
    return t.transferring(who, code);
  }
  if (holdError) {
    const code = holdError.status ? ` (${holdError.status})` : '';
    return holdError.action === 'hold' ? t.holdFailed(code) : t.resumeFailed(code);
  }
  if (snapshot?.remoteHold) return t.heldByOther;
  return context.inAnotherTab && snapshot && isLiveCallState(snapshot.state)
    ? t.callInAnotherTab
    : '';
}
