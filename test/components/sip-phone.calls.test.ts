import { expect } from '@open-wc/testing';
import {
  banner,
  inboundPackets,
  registeredPhone,
  textOf,
  waitForCall,
} from '../helpers/phone-fixture.js';
import { sandboxCalls, sleep, waitFor } from '../helpers/sandbox.js';

describe('<sip-phone> calls with real media through the sandbox', () => {
  it('early: 100, 180, 183 with SDP (early media), 200, then BYE', async () => {
    const phone = await registeredPhone('alice');
    phone.el.call('early');
    await waitForCall(phone, 'ringing', 180);
    await waitForCall(phone, 'early-media', 183);
    expect(banner(phone.el).dataset.state).to.equal('early-media');
    expect(textOf(banner(phone.el))).to.match(/you may hear a tone/);

    // Early media flows before the answer.
    await waitFor(async () => (await inboundPackets(phone.el)) > 10, 'early media packets');
    expect(phone.el.callState).to.equal('early-media');

    await waitForCall(phone, 'connected', 200);
    // The sandbox challenges the first INVITE (407) like a real proxy; the retry sees the rest.
    const statuses = phone.el.currentCall!.responses.map((r) => r.status).filter((s) => s !== 407);
    expect(statuses).to.deep.equal([100, 180, 183, 200]);
    expect(phone.el.currentCall!.responses.find((r) => r.status === 183)!.hasSdp).to.equal(true);
    expect(banner(phone.el).dataset.state).to.equal('connected');

    phone.el.hangup();
    const ended = await waitForCall(phone, 'ended');
    expect(ended.cause).to.equal('hangup-local');
    const record = await waitFor(
      async () => (await sandboxCalls('early')).find((c) => c.receivedMethods.includes('BYE')),
      'sandbox saw the BYE',
    );
    expect(record.offer.codecs, 'the INVITE offers G.711 and telephone-event only').to.deep.equal([
      'PCMU/8000',
      'PCMA/8000',
      'telephone-event/8000',
    ]);
  });

  it('echo: media both ways, and RFC 4733 digits decoded by the sandbox with the right durations', async () => {
    const phone = await registeredPhone('alice');
    phone.el.call('echo');
    await waitForCall(phone, 'connected', 200);
    await waitFor(async () => (await inboundPackets(phone.el)) > 25, 'echoed audio in the browser');

    phone.el.sendDtmf('1234#');
    const record = await waitFor(async () => {
      const calls = await sandboxCalls('echo');
      const last = calls.at(-1);
      return last && last.dtmf.length >= 5 ? last : undefined;
    }, 'five digits at the sandbox');
    expect(record.rtp.packetsIn, 'sandbox received audio').to.be.greaterThan(25);
    expect(record.rtp.packetsOut, 'sandbox sent audio').to.be.greaterThan(25);
    expect(record.dtmf.map((d) => d.digit).join('')).to.equal('1234#');
    for (const digit of record.dtmf) {
      expect(digit.transport).to.equal('rfc4733');
      // The default tone length (80 ms) as decoded at the far end.
      expect(digit.durationMs).to.be.within(70, 90);
    }
    phone.el.hangup();
    await waitForCall(phone, 'ended');
  });

  it('falls back to SIP INFO for DTMF when the far end has no telephone-event', async () => {
    const phone = await registeredPhone('alice');
    phone.el.call('echo-info');
    await waitForCall(phone, 'connected', 200);
    const sent: string[] = [];
    phone.el.currentCall!.on('dtmf', ({ transport }) => sent.push(transport));
    phone.el.sendDtmf('12#');
    const record = await waitFor(async () => {
      const last = (await sandboxCalls('echo-info')).at(-1);
      return last && last.dtmf.length >= 3 ? last : undefined;
    }, 'three INFO digits at the sandbox');
    expect(record.offer.codecs).to.include('telephone-event/8000');
    expect(record.dtmf.map((d) => `${d.digit}:${d.transport}`)).to.deep.equal([
      '1:info',
      '2:info',
      '#:info',
    ]);
    expect(sent).to.deep.equal(['info', 'info', 'info']);
    phone.el.hangup();
    await waitForCall(phone, 'ended');
  });

  it('sends SIP INFO when configured to, even with telephone-event negotiated', async () => {
    const phone = await registeredPhone('alice');
    phone.el.config = { dtmfMode: 'info' };
    await phone.el.updateComplete; // A new configuration replaces the phone, which registers again.
    await waitFor(() => phone.el.registrationState === 'registered', 're-registered');
    phone.el.call('echo');
    await waitForCall(phone, 'connected', 200);
    phone.el.sendDtmf('7');
    const record = await waitFor(
      async () => (await sandboxCalls('echo')).at(-1)?.dtmf.find((d) => d.digit === '7'),
      'the digit at the sandbox',
    );
    expect(record.transport).to.equal('info');
    phone.el.hangup();
    await waitForCall(phone, 'ended');
  });

  it('progress: 183 without SDP, then 180, then 200', async () => {
    const phone = await registeredPhone('alice');
    phone.el.call('progress');
    await waitForCall(phone, 'connected', 200, 10_000);
    const statuses = phone.el.currentCall!.responses.map((r) => r.status);
    expect(statuses).to.include.members([183, 180, 200]);
    expect(phone.calls.map((c) => c.state)).to.not.include('early-media');
    expect(phone.calls.find((c) => c.status === 183)!.state).to.equal('calling');
    phone.el.hangup();
    await waitForCall(phone, 'ended');
  });

  it('two phones call each other through the sandbox and hear each other', async () => {
    const alice = await registeredPhone('alice', 'Alice A.');
    const bob = await registeredPhone('bob');
    alice.el.call('bob');
    const incoming = await waitForCall(bob, 'incoming');
    expect(incoming.remote.user).to.equal('alice');
    expect(incoming.remote.displayName).to.equal('Alice A.');
    expect(banner(bob.el).getAttribute('role')).to.equal('alert');
    expect(textOf(banner(bob.el))).to.equal('Incoming call From Alice A. (alice).');
    await waitForCall(alice, 'ringing', 180);

    bob.el.answer();
    await waitForCall(bob, 'connected');
    await waitForCall(alice, 'connected', 200);
    await waitFor(async () => (await inboundPackets(alice.el)) > 20, 'audio at alice');
    await waitFor(async () => (await inboundPackets(bob.el)) > 20, 'audio at bob');

    bob.el.hangup();
    const aliceEnd = await waitForCall(alice, 'ended');
    expect(aliceEnd.cause).to.equal('hangup-remote');
    expect(textOf(banner(alice.el))).to.match(/The other side hung up/);
  });

  it('a hostile display name is shown as text, never as HTML', async () => {
    const hostile = '<img src=x onerror="window.__pwned=1">';
    const alice = await registeredPhone('alice', hostile);
    const bob = await registeredPhone('bob');
    alice.el.call('bob');
    await waitForCall(bob, 'incoming');
    const region = banner(bob.el);
    expect(region.querySelector('img')).to.equal(null);
    expect(textOf(region)).to.include(hostile);
    await sleep(100);
    expect((window as unknown as { __pwned?: number }).__pwned).to.equal(undefined);
    bob.el.reject();
    const rejected = await waitForCall(alice, 'failed', 486);
    expect(rejected.status).to.equal(486);
  });
});
