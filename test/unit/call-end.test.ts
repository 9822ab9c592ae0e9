import { expect } from '@open-wc/testing';
import type { EndEvent } from 'jssip/lib/RTCSession';
import { callEndOnEnded, callEndOnFailed, type CallEndContext } from '../../src/call-end.js';

const context = (patch: Partial<CallEndContext> = {}): CallEndContext => ({
  hangupRequested: false,
  rejectStatus: undefined,
  connectionLost: false,
  refreshingTarget: false,
  localEndCause: undefined,
  reasonOnWire: () => undefined,
  ...patch,
});

const event = (
  originator: 'local' | 'remote' | 'system',
  cause: string,
  message: object | null = null,
): EndEvent => ({ originator, cause, message }) as unknown as EndEvent;

describe('how a call failed before it was answered', () => {
  it('our CANCEL: 487 at once, before the 487 arrives', () => {
    const end = callEndOnFailed(event('local', 'Canceled'), context({ hangupRequested: true }));
    expect(end).to.deep.equal({ input: 'cancel', status: 487, reason: 'Request Terminated' });
  });

  it('the caller’s CANCEL: a missed call', () => {
    expect(callEndOnFailed(event('remote', 'Canceled'), context())).to.deep.equal({
      input: 'cancel',
      status: 487,
      reason: 'Request Terminated',
      cause: 'missed',
    });
  });

  it('JsSIP’s "Canceled" for a transport error or timeout: which one, from the connection', () => {
    expect(callEndOnFailed(event('system', 'Canceled'), context())).to.deep.equal({
      input: 'fail',
      cause: 'request-timeout',
    });
    expect(
      callEndOnFailed(event('system', 'Canceled'), context({ connectionLost: true })),
    ).to.deep.equal({ input: 'fail', cause: 'connection-error' });
  });

  it('our rejection, with the status we sent', () => {
    const end = callEndOnFailed(event('local', 'Rejected'), context({ rejectStatus: 603 }));
    expect(end).to.deep.equal({ input: 'reject', status: 603, cause: 'rejected-local' });
  });

  it('a final response: its status, with the reason phrase as it was on the wire', () => {
    const response = { status_code: 486, reason_phrase: 'Busy Here' };
    expect(callEndOnFailed(event('remote', 'Busy', response), context())).to.deep.equal({
      input: 'fail',
      status: 486,
      reason: 'Busy Here',
    });
    const onWire = context({ reasonOnWire: (status) => (status === 486 ? 'Busy now' : undefined) });
    expect(callEndOnFailed(event('remote', 'Busy', response), onWire)).to.include({
      reason: 'Busy now',
    });
  });

  it('JsSIP’s causes without a response, as local causes', () => {
    const rows: Array<[string, string]> = [
      ['Connection Error', 'connection-error'],
      ['Request Timeout', 'request-timeout'],
      ['Incompatible SDP', 'bad-media'],
      ['No Answer', 'no-answer'],
      ['Expires', 'no-answer'],
      ['User Denied Media Access', 'microphone-denied'],
      ['Something New', 'unknown'],
    ];
    for (const [cause, local] of rows) {
      expect(callEndOnFailed(event('system', cause), context()), cause).to.deep.equal({
        input: 'fail',
        cause: local,
      });
    }
  });
});

describe('how an answered call ended', () => {
  it('a BYE either way: who hung up, or why we did', () => {
    expect(callEndOnEnded(event('remote', 'Terminated'), context())).to.deep.equal({
      input: 'hangup',
      cause: 'hangup-remote',
    });
    expect(callEndOnEnded(event('local', 'Terminated'), context())).to.deep.equal({
      input: 'hangup',
      cause: 'hangup-local',
    });
    expect(
      callEndOnEnded(event('local', 'Terminated'), context({ localEndCause: 'transferred' })),
    ).to.deep.equal({ input: 'hangup', cause: 'transferred' });
  });

  it('a failure JsSIP hung up for', () => {
    expect(callEndOnEnded(event('system', 'RTP Timeout'), context())).to.deep.equal({
      input: 'fail',
      cause: 'rtp-timeout',
    });
    expect(callEndOnEnded(event('system', 'Dialog Error'), context())).to.deep.equal({
      input: 'fail',
      cause: 'dialog-error',
    });
  });

  it('a 481 or 408 to the target refresh after a reconnection: lost with the connection', () => {
    for (const cause of ['Dialog Error', 'Request Timeout', 'Connection Error']) {
      expect(
        callEndOnEnded(event('system', cause), context({ refreshingTarget: true })),
        cause,
      ).to.deep.equal({ input: 'fail', cause: 'connection-dropped' });
    }
    expect(
      callEndOnEnded(event('remote', 'Terminated'), context({ refreshingTarget: true })),
    ).to.deep.equal({ input: 'hangup', cause: 'hangup-remote' });
  });
});
