import { expect } from '@open-wc/testing';
import { registeredPhone, waitForCall, tonesOf } from '../helpers/phone-fixture.js';
import { waitFor } from '../helpers/sandbox.js';

describe('<sip-phone> tones', () => {
  it('plays local ringback on a 180 without SDP and stops when the call ends', async () => {
    const alice = await registeredPhone('alice');
    alice.el.call('ring');
    await waitForCall(alice, 'ringing', 180);
    await waitFor(() => tonesOf(alice.el).playing === 'ringback', 'ringback started');
    await waitFor(() => tonesOf(alice.el).level() > 0.005, 'ringback audible', 3000);
    alice.el.hangup();
    await waitForCall(alice, 'ended');
    await waitFor(() => tonesOf(alice.el).playing === undefined, 'ringback stopped');
  });

  it('plays no local ringback during early media', async () => {
    const alice = await registeredPhone('alice');
    alice.el.call('early');
    await waitForCall(alice, 'early-media', 183);
    await alice.el.updateComplete;
    expect(tonesOf(alice.el).playing).to.equal(undefined);
    alice.el.hangup();
    await waitForCall(alice, 'ended');
  });

  it('rings for an incoming call until it is answered', async () => {
    const alice = await registeredPhone('alice');
    const bob = await registeredPhone('bob');
    alice.el.call('bob');
    await waitForCall(bob, 'incoming');
    await waitFor(() => tonesOf(bob.el).playing === 'ringtone', 'ringtone started');
    await waitFor(() => tonesOf(bob.el).level() > 0.005, 'ringtone audible', 3000);
    bob.el.answer();
    await waitForCall(bob, 'connected');
    await waitFor(() => tonesOf(bob.el).playing === undefined, 'ringtone stopped');
    bob.el.hangup();
    await waitForCall(alice, 'ended');
  });

  it('stays quiet when silent', async () => {
    const alice = await registeredPhone('alice');
    alice.el.silent = true;
    alice.el.call('ring');
    await waitForCall(alice, 'ringing', 180);
    await alice.el.updateComplete;
    expect(tonesOf(alice.el).playing).to.equal(undefined);
    alice.el.hangup();
    await waitForCall(alice, 'ended');
  });
});
