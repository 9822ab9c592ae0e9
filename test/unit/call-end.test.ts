import { expect } from '@open-wc/testing';
import type { EndEvent } from 'jssip/lib/RTCSession';
import {
  callEndOnEnded,
  callEndOnFailed,
  type CallEnd,
  type CallEndContext,
} from '../../src/call-end.js';

type Originator = 'local' | 'remote' | 'system';
/** [what happened, who, JsSIP's cause, the response if any, what the call knew, the end] */
type Row = [string, Originator, string, object | null, Partial<CallEndContext>, CallEnd];

const context = (patch: Partial<CallEndContext>): CallEndContext => ({
  hangupRequested: false,
  rejectStatus: undefined,
  connectionLost: false,
  refreshingTarget: false,
  localEndCause: undefined,
  reasonOnWire: () => undefined,
  ...patch,
});

function table(read: (event: EndEvent, context: CallEndContext) => CallEnd, rows: Row[]): void {
  for (const [name, originator, cause, message, known, end] of rows) {
    it(name, () => {
      const event = { originator, cause, message } as unknown as EndEvent;
      expect(read(event, context(known))).to.deep.equal(end);
    });
  }
}

const busy = { status_code: 486, reason_phrase: 'Busy Here' };
const cancelled = { status: 487, reason: 'Request Terminated' };

describe('how a call failed before it was answered', () => {
  table(callEndOnFailed, [
    [
      'our CANCEL: 487 at once, before the 487 arrives',
      'local',
      'Canceled',
      null,
      { hangupRequested: true },
      { input: 'cancel', ...cancelled },
    ],
    [
      'the caller’s CANCEL: a missed call',
      'remote',
      'Canceled',
      null,
      {},
      { input: 'cancel', ...cancelled, cause: 'missed' },
    ],
    [
      'JsSIP’s "Canceled" for a timeout',
      'system',
      'Canceled',
      null,
      {},
      { input: 'fail', cause: 'request-timeout' },
    ],
    [
      'JsSIP’s "Canceled" after the connection dropped',
      'system',
      'Canceled',
      null,
      { connectionLost: true },
      { input: 'fail', cause: 'connection-error' },
    ],
    [
      'our rejection, with the status we sent',
      'local',
      'Rejected',
      null,
      { rejectStatus: 603 },
      { input: 'reject', status: 603, cause: 'rejected-local' },
    ],
    [
      'a final response: its status and reason phrase',
      'remote',
      'Busy',
      busy,
      {},
      { input: 'fail', status: 486, reason: 'Busy Here' },
    ],
    [
      'a final response: the reason phrase as it was on the wire',
      'remote',
      'Busy',
      busy,
      { reasonOnWire: (status) => (status === 486 ? 'Busy now' : undefined) },
      { input: 'fail', status: 486, reason: 'Busy now' },
    ],
    [
      'a connection error',
      'system',
      'Connection Error',
      null,
      {},
      { input: 'fail', cause: 'connection-error' },
    ],
    [
      'incompatible SDP',
      'remote',
      'Incompatible SDP',
      null,
      {},
      { input: 'fail', cause: 'bad-media' },
    ],
    ['no answer in time', 'system', 'Expires', null, {}, { input: 'fail', cause: 'no-answer' }],
    [
      'the microphone refused (refined by the caller)',
      'local',
      'User Denied Media Access',
      null,
      {},
      { input: 'fail', cause: 'microphone-denied' },
    ],
    [
      'a cause JsSIP may add one day',
      'system',
      'Something New',
      null,
      {},
      { input: 'fail', cause: 'unknown' },
    ],
  ]);
});

describe('how an answered call ended', () => {
  table(callEndOnEnded, [
    ['their BYE', 'remote', 'Terminated', null, {}, { input: 'hangup', cause: 'hangup-remote' }],
    ['our BYE', 'local', 'Terminated', null, {}, { input: 'hangup', cause: 'hangup-local' }],
    [
      'our BYE after a transfer',
      'local',
      'Terminated',
      null,
      { localEndCause: 'transferred' },
      { input: 'hangup', cause: 'transferred' },
    ],
    [
      'ICE failed for good',
      'system',
      'RTP Timeout',
      null,
      {},
      { input: 'fail', cause: 'rtp-timeout' },
    ],
    [
      'a dialog error',
      'system',
      'Dialog Error',
      null,
      {},
      { input: 'fail', cause: 'dialog-error' },
    ],
    [
      'a 481 to the target refresh: lost with the connection',
      'system',
      'Dialog Error',
      null,
      { refreshingTarget: true },
      { input: 'fail', cause: 'connection-dropped' },
    ],
    [
      'a 408 to the target refresh: lost with the connection',
      'system',
      'Request Timeout',
      null,
      { refreshingTarget: true },
      { input: 'fail', cause: 'connection-dropped' },
    ],
    [
      'the connection failing under the refresh',
      'system',
      'Connection Error',
      null,
      { refreshingTarget: true },
      { input: 'fail', cause: 'connection-dropped' },
    ],
    [
      'their BYE during the refresh is still theirs',
      'remote',
      'Terminated',
      null,
      { refreshingTarget: true },
      { input: 'hangup', cause: 'hangup-remote' },
    ],
  ]);
});
