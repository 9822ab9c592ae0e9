import { expect } from '@open-wc/testing';
import {
  CallInput,
  CallState,
  nextCallState,
  isFinalCallState,
  RegistrationInput,
  RegistrationState,
  nextRegistrationState,
  glareDelayMs,
  isEstablishedCallState,
  nextIcePhase,
  type IcePhase,
} from '../../src/index.js';

type Row<S, I> = [S, I, S | undefined];

describe('call state machine', () => {
  // [state, input, next] — undefined means "illegal, ignored".
  const rows: Array<Row<CallState, CallInput>> = [
    ['idle', 'dial', 'calling'],
    ['idle', 'incoming', 'incoming'],
    ['idle', 'answered', undefined],
    ['idle', 'hangup', undefined],
    ['calling', 'ringing', 'ringing'],
    ['calling', 'early-media', 'early-media'],
    ['calling', 'answered', 'connected'],
    ['calling', 'cancel', 'ended'],
    ['calling', 'fail', 'failed'],
    ['calling', 'hold', undefined],
    ['calling', 'incoming', undefined],
    ['ringing', 'ringing', 'ringing'],
    ['ringing', 'early-media', 'early-media'],
    ['ringing', 'answered', 'connected'],
    ['ringing', 'cancel', 'ended'],
    ['ringing', 'fail', 'failed'],
    ['early-media', 'ringing', 'early-media'],
    ['early-media', 'answered', 'connected'],
    ['early-media', 'cancel', 'ended'],
    ['incoming', 'answered', 'connected'],
    ['incoming', 'reject', 'ended'],
    ['incoming', 'cancel', 'ended'],
    ['incoming', 'fail', 'failed'],
    ['incoming', 'dial', undefined],
    ['connected', 'hold', 'held'],
    ['connected', 'hangup', 'ended'],
    ['connected', 'fail', 'failed'],
    ['connected', 'cancel', undefined],
    ['connected', 'ringing', undefined],
    ['held', 'unhold', 'connected'],
    ['held', 'hangup', 'ended'],
    ['held', 'hold', undefined],
    ['ended', 'dial', undefined],
    ['ended', 'answered', undefined],
    ['failed', 'hangup', undefined],
    ['failed', 'incoming', undefined],
  ];
  for (const [state, input, next] of rows) {
    it(`${state} + ${input} → ${next ?? 'ignored'}`, () => {
      expect(nextCallState(state, input)).to.equal(next);
    });
  }

  it('has no way out of ended and failed', () => {
    for (const state of [CallState.Ended, CallState.Failed]) {
      expect(isFinalCallState(state)).to.equal(true);
      for (const input of Object.values(CallInput))
        expect(nextCallState(state, input)).to.equal(undefined);
    }
  });
});

describe('registration state machine', () => {
  const rows: Array<Row<RegistrationState, RegistrationInput>> = [
    ['unregistered', 'register', 'registering'],
    ['unregistered', 'registered', undefined],
    ['registering', 'registered', 'registered'],
    ['registering', 'fail', 'failed'],
    ['registering', 'transport-error', 'failed'],
    ['registering', 'unregistered', 'unregistered'],
    ['registered', 'registered', 'registered'],
    ['registered', 'transport-lost', 'registering'],
    ['registered', 'fail', 'failed'],
    ['registered', 'register', undefined],
    ['registered', 'unregistered', 'unregistered'],
    ['failed', 'register', 'registering'],
    ['failed', 'registered', 'registered'],
    ['failed', 'fail', undefined],
    ['failed', 'transport-lost', undefined],
  ];
  for (const [state, input, next] of rows) {
    it(`${state} + ${input} → ${next ?? 'ignored'}`, () => {
      expect(nextRegistrationState(state, input)).to.equal(next);
    });
  }

  it('knows every state and input', () => {
    expect(Object.values(RegistrationState)).to.have.length(4);
    expect(Object.values(RegistrationInput)).to.have.length(6);
  });
});

describe('RFC 3261 §14.1 glare delay', () => {
  it('waits 2.1–4 s for the Call-ID owner and 0–2 s for the other side, in 10 ms steps', () => {
    expect(glareDelayMs('outgoing', () => 0)).to.equal(2100);
    expect(glareDelayMs('outgoing', () => 0.999999)).to.equal(4000);
    expect(glareDelayMs('incoming', () => 0)).to.equal(0);
    expect(glareDelayMs('incoming', () => 0.999999)).to.equal(2000);
    for (let i = 0; i < 200; i++) {
      const outgoing = glareDelayMs('outgoing');
      const incoming = glareDelayMs('incoming');
      expect(outgoing).to.be.within(2100, 4000);
      expect(incoming).to.be.within(0, 2000);
      expect(outgoing % 10).to.equal(0);
      expect(incoming % 10).to.equal(0);
    }
  });
});

describe('the audio path phases of ICE recovery', () => {
  const rows: Array<[IcePhase, RTCIceConnectionState, IcePhase]> = [
    ['healthy', 'disconnected', 'interrupted'],
    ['healthy', 'failed', 'failed'],
    ['healthy', 'checking', 'healthy'],
    ['healthy', 'connected', 'healthy'],
    ['interrupted', 'connected', 'healthy'],
    ['interrupted', 'completed', 'healthy'],
    ['interrupted', 'failed', 'failed'],
    ['interrupted', 'disconnected', 'interrupted'],
    ['failed', 'connected', 'healthy'],
    // A failed path that blips is still failed: only a working pair brings it back.
    ['failed', 'disconnected', 'failed'],
    ['failed', 'checking', 'failed'],
  ];
  for (const [phase, state, next] of rows) {
    it(`${phase} + ${state} → ${next}`, () => {
      expect(nextIcePhase(phase, state)).to.equal(next);
    });
  }

  it('"established" means connected or held, and nothing else', () => {
    const states: CallState[] = ['idle', 'calling', 'ringing', 'early-media', 'incoming'];
    for (const state of states) expect(isEstablishedCallState(state), state).to.equal(false);
    for (const state of ['ended', 'failed'] as CallState[]) {
      expect(isEstablishedCallState(state), state).to.equal(false);
    }
    expect(isEstablishedCallState('connected')).to.equal(true);
    expect(isEstablishedCallState('held')).to.equal(true);
  });
});
