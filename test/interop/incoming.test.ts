import { expect } from '@open-wc/testing';
import { banner, inboundPackets, textOf, waitForCall } from '../helpers/phone-fixture.js';
import { waitFor } from '../helpers/sandbox.js';
import {
  bed,
  command,
  offeredCodecs,
  parseSippTrace,
  printLogsIfFailed,
  registeredBedPhone,
  rtpengineLegs,
  timing,
} from './bed.js';

describe('interop: calls to <sip-phone> through Kamailio', function () {
  this.timeout(40_000);
  afterEach(printLogsIfFailed);

  before(async function () {
    this.timeout(60_000);
    await bed();
  });

  it('a sipp UAC calls the browser: it rings, answers, media flows, and it hangs up', async () => {
    const { numbers } = await bed();
    const phone = await registeredBedPhone('1002');
    const started = performance.now();
    const { id } = await command<{ id: string }>('call-browser', { user: '1002' });

    const incoming = await waitForCall(phone, 'incoming');
    const ringingMs = Math.round(performance.now() - started);
    expect(incoming.direction).to.equal('incoming');
    expect(incoming.remote.user).to.equal(numbers.uacCaller);
    const region = banner(phone.el);
    expect(region.dataset.state).to.equal('incoming');
    expect(region.getAttribute('role')).to.equal('alert');
    expect(textOf(region)).to.equal(`Incoming call From SIPp UAC (${numbers.uacCaller}).`);

    phone.el.answer();
    await waitForCall(phone, 'connected');
    const answeredMs = Math.round(performance.now() - started);
    expect(banner(phone.el).dataset.state).to.equal('connected');
    await waitFor(async () => (await inboundPackets(phone.el)) > 25, 'audio echoed by sipp');
    const legs = await rtpengineLegs(phone.el.currentCall!.callId!);
    expect(legs.length).to.be.at.least(2);
    for (const leg of legs) expect(leg.packets, JSON.stringify(leg)).to.be.greaterThan(10);

    phone.el.hangup();
    const ended = await waitForCall(phone, 'ended');
    expect(ended.cause).to.equal('hangup-local');
    const result = await command<{ exitCode: number | string; messages: string; errors: string }>(
      'uac-wait',
      { id },
    );
    const trace = parseSippTrace(result.messages);
    const summary = trace.map((m) => `${m.direction === 'sent' ? '→' : '←'} ${m.startLine}`);
    expect(result.exitCode, `sipp UAC: ${summary.join(' | ')}\n${result.errors}`).to.equal(0);
    expect(summary.some((l) => l.startsWith('← SIP/2.0 180'))).to.equal(true);
    expect(summary.some((l) => l.startsWith('← SIP/2.0 200'))).to.equal(true);
    expect(summary.some((l) => l.startsWith('← BYE'))).to.equal(true);
    const answer = trace.find(
      (m) => m.direction === 'received' && m.startLine.startsWith('SIP/2.0 200'),
    )!;
    expect(answer.body, 'rtpengine gave sipp a plain RTP answer').to.match(
      /^m=audio \d+ RTP\/AVP /m,
    );
    // The browser's answer keeps to the phone's codec policy too.
    const answered = offeredCodecs(answer.body);
    expect(answered, answer.body).to.include('telephone-event/8000');
    expect(
      answered.every((c) => ['PCMU/8000', 'PCMA/8000', 'telephone-event/8000'].includes(c)),
    ).to.equal(true, `answer codecs ${answered}`);
    await timing(
      'sipp UAC calls the browser (ring, answer, media, hang up)',
      started,
      `incoming after ${ringingMs} ms, connected after ${answeredMs} ms`,
    );
  });

  it('two <sip-phone> elements call each other through Kamailio and hear each other', async () => {
    const alice = await registeredBedPhone('1002', { displayName: 'Alice' });
    const bob = await registeredBedPhone('1003');
    const started = performance.now();
    alice.el.call('1003');
    const incoming = await waitForCall(bob, 'incoming');
    const ringingMs = Math.round(performance.now() - started);
    expect(incoming.remote.user).to.equal('1002');
    expect(incoming.remote.displayName).to.equal('Alice');
    expect(textOf(banner(bob.el))).to.equal('Incoming call From Alice (1002).');
    await waitForCall(alice, 'ringing', 180);

    bob.el.answer();
    await waitForCall(bob, 'connected');
    await waitForCall(alice, 'connected', 200);
    const answeredMs = Math.round(performance.now() - started);
    await waitFor(async () => (await inboundPackets(alice.el)) > 25, 'audio at 1002');
    await waitFor(async () => (await inboundPackets(bob.el)) > 25, 'audio at 1003');

    bob.el.hangup();
    const aliceEnd = await waitForCall(alice, 'ended');
    expect(aliceEnd.cause).to.equal('hangup-remote');
    expect(textOf(banner(alice.el))).to.match(/The other side hung up/);
    await waitForCall(bob, 'ended');
    await timing(
      'two <sip-phone>s through Kamailio (WSS ↔ WSS)',
      started,
      `incoming after ${ringingMs} ms, connected after ${answeredMs} ms`,
    );
  });
});
