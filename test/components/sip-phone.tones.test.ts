import { expect } from '@open-wc/testing';
import { registeredPhone, waitForCall } from '../helpers/phone-fixture.js';
import { waitFor } from '../helpers/sandbox.js';

describe('<sip-phone> tones', () => {
  it('plays local ringback on a 180 without SDP and stops when the call ends', async () => {
    const alice = await registeredPhone('alice');
    alice.el.call('ring');
    await waitForCall(alice, 'ringing', 180);
    await waitFor(() => alice.el.tones.playing === 'ringback', 'ringback started');
    await waitFor(() => alice.el.tones.level() > 0.005, 'ringback audible', 3000);
    alice.el.hangup();
    await waitForCall(alice, 'ended');
    await waitFor(() => alice.el.tones.playing === undefined, 'ringback stopped');
  });

  it('plays no local ringback during early media', async () => {
    const alice = await registeredPhone('alice');
    alice.el.call('early');
    await waitForCall(alice, 'early-media', 183);
    await alice.el.updateComplete;
    expect(alice.el.tones.playing).to.equal(undefined);
    alice.el.hangup();
    await waitForCall(alice, 'ended');
  });

  it('rings for an incoming call until it is answered', async () => {
    const alice = await registeredPhone('alice');
    const bob = await registeredPhone('bob');
    alice.el.call('bob');
    await waitForCall(bob, 'incoming');
    await waitFor(() => bob.el.tones.playing === 'ringtone', 'ringtone started');
    await waitFor(() => bob.el.tones.level() > 0.005, 'ringtone audible', 3000);
    bob.el.answer();
    await waitForCall(bob, 'connected');
    await waitFor(() => bob.el.tones.playing === undefined, 'ringtone stopped');
    bob.el.hangup();
    await waitForCall(alice, 'ended');
  });

  it('stays quiet when silent', async () => {
    const alice = await registeredPhone('alice');
    alice.el.silent = true;
    alice.el.call('ring');
    await waitForCall(alice, 'ringing', 180);
    await alice.el.updateComplete;
    expect(alice.el.tones.playing).to.equal(undefined);
    alice.el.hangup();
    await waitForCall(alice, 'ended');
  });
});
