/**
 * The details of `<sip-phone>`'s change events that are more than a core snapshot as it is: the
 * phone back to idle after its last call, and a call-quality verdict. Plain functions of snapshots.
 */
import type { CallSnapshot } from '../../src/call.js';
import type { QualitySnapshot } from '../../src/quality.js';
import {
  callChangeDetail,
  type SipCallChangeDetail,
  type SipQualityChangeDetail,
} from '../events.js';

/** The `sip-call-change` detail when the last call's end reason stops showing: state `idle`. */
export const idleChangeDetail = (last: CallSnapshot): SipCallChangeDetail => ({
  ...callChangeDetail(last),
  state: 'idle',
  previous: last.state,
});

/** The `sip-quality-change` detail for the verdict on call `id`: only what it has. */
export const qualityChangeDetail = (
  id: string,
  snapshot: QualitySnapshot,
): SipQualityChangeDetail => ({
  id,
  issues: [...snapshot.issues],
  ...(snapshot.mos !== undefined ? { mos: snapshot.mos } : {}),
});
