import { expect } from '@open-wc/testing';
import { banner, inboundPackets, textOf, waitForCall } from '../helpers/phone-fixture.js';
import { sleep, waitFor } from '../helpers/sandbox.js';
import {
  bed,
  command,
  offeredCodecs,
  printLogsIfFailed,
  registeredBedPhone,
  responseTimeline,
  rtpengineLegs,
  sippMessages,
  telephoneEventPt,
  timing,
  type DtmfEvent,
} from './bed.js';

describe('interop: <sip-phone> calls classic SIP phones through Kamailio and rtpengine', function () {
  this.timeout(30_000);
  afterEach(printLogsIfFailed);

  before(async function () {
    this.timeout(60_000);
    await bed();
  });

  it('sipp 2000: 180 → 200, media both ways through rtpengine, G.711-only offer, RFC 4733 DTMF', async () => {
    const { ports, numbers } = await bed();
    const phone = await registeredBedPhone('1001');
    // Capture sipp's SIP and media port from before the call: the RFC 4733 proof.
    const { id: capture } = await command<{ id: string }>('capture-start', {
      filter: `udp port ${ports.SIPP_2000} or udp port ${ports.SIPP_2000_MEDIA}`,
    });

    const started = performance.now();
    phone.el.call(numbers.sipp);
    await waitForCall(phone, 'ringing', 180);
    expect(banner(phone.el).dataset.state).to.equal('ringing');
    await waitForCall(phone, 'connected', 200);
    const answeredMs = Math.round(performance.now() - started);
    const callId = phone.el.currentCall!.callId!;

    await waitFor(async () => (await inboundPackets(phone.el)) > 25, 'echoed audio in the browser');
    const mediaMs = Math.round(performance.now() - started);
    const legs = await rtpengineLegs(callId);
    expect(legs.length, JSON.stringify(legs)).to.be.at.least(2);
    for (const leg of legs)
      expect(leg.packets, `rtpengine leg ${JSON.stringify(leg)}`).to.be.greaterThan(10);

    // The INVITE sipp received (after rtpengine): G.711 and telephone-event/8000, nothing else.
    const atSipp = await sippMessages(numbers.sipp, callId);
    const invite = atSipp.find(
      (m) => m.direction === 'received' && m.startLine.startsWith('INVITE'),
    );
    expect(invite, `sipp saw the INVITE (${atSipp.length} messages)`).to.not.equal(undefined);
    expect(offeredCodecs(invite!.body)).to.deep.equal([
      'PCMU/8000',
      'PCMA/8000',
      'telephone-event/8000',
    ]);
    expect(invite!.body).to.match(/^m=audio \d+ RTP\/AVP /m);
    expect(invite!.body, 'rtpengine removed ICE').to.not.match(/a=candidate/);
    const pt = telephoneEventPt(invite!.body);

    const dtmfStarted = performance.now();
    phone.el.sendDtmf('123#');
    const { dtmfDuration } = phone.el.phone!.config;
    const sender = phone.el.currentCall!.peerConnection!.getSenders().find((s) => s.dtmf)!;
    await waitFor(() => sender.dtmf!.toneBuffer === '', 'the browser played every tone', 5000);
    // The last tone, its three end packets, and time for them to cross rtpengine.
    await sleep(dtmfDuration + 400);
    const { events } = await command<{ events: DtmfEvent[]; packets: number }>('capture-stop', {
      id: capture,
      port: ports.SIPP_2000_MEDIA,
      pt,
    });
    const dtmfMs = Math.round(performance.now() - dtmfStarted);
    console.log(`[interop] RFC 4733 events sent to sipp: ${JSON.stringify(events)}`);
    expect(events.length, 'one RFC 4733 event per digit').to.equal(4);
    expect(events.map((e) => e.digit).join('')).to.equal('123#');
    for (const event of events) {
      expect(event.pt, 'telephone-event payload type').to.equal(pt);
      expect(event.endPackets, `end packets of ${event.digit}`).to.be.within(1, 3);
      expect(event.durationMs, `duration of ${event.digit}`).to.be.closeTo(dtmfDuration, 10);
    }
    const cadence = events
      .map((e) => e.nextStartMs)
      .filter(Boolean)
      .join('/');

    phone.el.hangup();
    await waitForCall(phone, 'ended');
    const bye = await waitFor(
      async () =>
        (await sippMessages(numbers.sipp, callId)).find(
          (m) => m.startLine.startsWith('SIP/2.0 200') && /CSeq:\s*\d+ BYE/i.test(m.text),
        ),
      'sipp answered the BYE',
    );
    expect(bye.direction).to.equal('sent');
    await timing(
      'call sipp 2000 (180 → 200, media, DTMF, BYE)',
      started,
      `answered ${answeredMs} ms, media ${mediaMs} ms, 4 digits captured ${dtmfMs} ms after sendDtmf, one every ${cadence} ms; ${responseTimeline(phone)}`,
    );
  });

  it('sipp 2001: 183 with SDP plays early media before the 200, and the banner says so', async () => {
    const { numbers } = await bed();
    const phone = await registeredBedPhone('1001');
    const started = performance.now();
    phone.el.call(numbers.sippEarlyMedia);
    const early = await waitForCall(phone, 'early-media', 183);
    const earlyMs = Math.round(performance.now() - started);
    expect(early.status).to.equal(183);
    const region = banner(phone.el);
    expect(region.dataset.state).to.equal('early-media');
    expect(region.dataset.status).to.equal('183');
    expect(textOf(region)).to.match(/^Call in progress/);

    await waitFor(async () => (await inboundPackets(phone.el)) > 10, 'early media in the browser');
    const earlyMediaMs = Math.round(performance.now() - started);
    expect(phone.el.callState, 'media flowed before the answer').to.equal('early-media');
    expect(phone.el.currentCall!.responses.some((r) => r.status === 200)).to.equal(false);

    await waitForCall(phone, 'connected', 200);
    expect(banner(phone.el).dataset.state).to.equal('connected');
    const statuses = phone.el.currentCall!.responses.map((r) => r.status).filter((s) => s !== 407);
    expect(statuses).to.deep.equal([100, 183, 200]);
    expect(phone.el.currentCall!.responses.find((r) => r.status === 183)!.hasSdp).to.equal(true);
    const before = await inboundPackets(phone.el);
    await waitFor(
      async () => (await inboundPackets(phone.el)) > before + 10,
      'media after the answer',
    );
    phone.el.hangup();
    await waitForCall(phone, 'ended');
    await timing(
      'call sipp 2001 (183 early media → 200)',
      started,
      `early media state ${earlyMs} ms, early packets ${earlyMediaMs} ms; ${responseTimeline(phone)}`,
    );
  });
  it('baresip 3000: auto-answers, its audio reaches the browser, and it decodes the RFC 4733 digits', async () => {
    const { numbers } = await bed();
    const before = (
      await command<{ events: Array<{ digit: string; end: boolean }> }>('baresip-digits')
    ).events.length;
    const phone = await registeredBedPhone('1001');
    const started = performance.now();
    phone.el.call(numbers.baresip);
    await waitForCall(phone, 'connected', 200);
    const answeredMs = Math.round(performance.now() - started);
    await waitFor(
      async () => (await inboundPackets(phone.el)) > 25,
      "baresip's 440 Hz in the browser",
    );
    const legs = await rtpengineLegs(phone.el.currentCall!.callId!);
    for (const leg of legs) expect(leg.packets, JSON.stringify(leg)).to.be.greaterThan(10);

    const dtmfStarted = performance.now();
    phone.el.sendDtmf('123#');
    const digits = await waitFor(async () => {
      const { events } = await command<{ events: Array<{ digit: string; end: boolean }> }>(
        'baresip-digits',
      );
      const ended = events.slice(before).filter((e) => e.end);
      return ended.length >= 4 ? ended : undefined;
    }, "four digits in baresip's log");
    const dtmfMs = Math.round(performance.now() - dtmfStarted);
    expect(digits.map((e) => e.digit).join('')).to.equal('123#');

    phone.el.hangup();
    await waitForCall(phone, 'ended');
    await timing(
      'call baresip 3000 (auto-answer, media, DTMF)',
      started,
      `answered ${answeredMs} ms, 4 digits logged after ${dtmfMs} ms; ${responseTimeline(phone)}`,
    );
  });
});
