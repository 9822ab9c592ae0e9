import { expect } from '@open-wc/testing';
import { nextCallSnapshot, type CallSnapshot } from '../../src/call-snapshot.js';

const snapshot = (patch: Partial<CallSnapshot> = {}): CallSnapshot => ({
  id: 'c1',
  direction: 'outgoing',
  state: 'calling',
  remote: { displayName: '', user: 'echo', uri: 'sip:echo@example.com' },
  muted: false,
  remoteHold: false,
  startedAt: 1000,
  ...patch,
});

describe('nextCallSnapshot', () => {
  it('follows the state machine and remembers the state it left', () => {
    const next = nextCallSnapshot(snapshot(), 'ringing', { status: 180, reason: 'Ringing' });
    expect(next).to.include({
      state: 'ringing',
      previous: 'calling',
      status: 180,
      reason: 'Ringing',
    });
    expect(next?.outcome?.status).to.equal(180);
  });

  it('ignores an input that is illegal in the state (a late event after the end)', () => {
    expect(nextCallSnapshot(snapshot({ state: 'ended' }), 'answered', {})).to.equal(undefined);
    expect(nextCallSnapshot(snapshot(), 'hold', {})).to.equal(undefined);
  });

  it('ignores changes within a state once the call is over', () => {
    expect(nextCallSnapshot(snapshot({ state: 'failed' }), undefined, { muted: true })).to.equal(
      undefined,
    );
  });

  it('a new state drops the status, reason and cause of the previous one', () => {
    const ringing = snapshot({ state: 'ringing', status: 180, reason: 'Ringing' });
    const next = nextCallSnapshot(ringing, 'answered', { answeredAt: 2000 });
    expect(next).to.include({ state: 'connected', answeredAt: 2000 });
    expect(next).not.to.have.property('status');
    expect(next).not.to.have.property('reason');
    expect(next).not.to.have.property('cause');
  });

  it('a change within a state keeps what the patch does not touch, and clears what it sets undefined', () => {
    const held = snapshot({ state: 'connected', status: 200, pending: 'hold' });
    const next = nextCallSnapshot(held, undefined, {
      pending: undefined,
      holdError: { action: 'hold', status: 488 },
    });
    expect(next).to.include({ state: 'connected', status: 200 });
    expect(next).not.to.have.property('pending');
    expect(next?.holdError).to.deep.equal({ action: 'hold', status: 488 });
    expect(next).not.to.have.property('previous');
  });

  it('reports nothing when no field a view shows changed', () => {
    const connected = snapshot({ state: 'connected', muted: true });
    expect(nextCallSnapshot(connected, undefined, { muted: true })).to.equal(undefined);
    // Timestamps alone are not worth a change event.
    expect(nextCallSnapshot(connected, undefined, { answeredAt: 5 })).to.equal(undefined);
    expect(nextCallSnapshot(connected, undefined, { muted: false })).to.include({ muted: false });
  });

  it('describes a local cause with the outcome catalogue', () => {
    const next = nextCallSnapshot(snapshot({ state: 'connected' }), 'fail', {
      cause: 'connection-dropped',
      endedAt: 3000,
    });
    expect(next).to.include({ state: 'failed', cause: 'connection-dropped', endedAt: 3000 });
    expect(next?.outcome?.title).to.be.a('string').and.not.equal('');
  });
});
