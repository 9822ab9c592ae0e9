// Test numbers with real media: a werift peer calls them like a browser would.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSandbox, type CallRecord, type Sandbox } from '../../sandbox/server.js';
import {
  SipTestClient,
  api,
  eventually,
  tagFrom,
  testLog,
  type RequestSpec,
} from './helpers/sip-client.js';
import { CALLER_TE_PT, WeriftCaller, ulawZeroCrossingRate } from './helpers/werift-caller.js';

const EARLY_MS = 800;
const ACK_TIMEOUT_MS = 700;

describe('media numbers', () => {
  let sandbox: Sandbox;
  let alice: SipTestClient;
  const callers: WeriftCaller[] = [];

  before(async () => {
    sandbox = await startSandbox({
      log: testLog(),
      earlyMediaMs: EARLY_MS,
      ackTimeoutMs: ACK_TIMEOUT_MS,
    });
    alice = await SipTestClient.connect(sandbox.wsUrl);
    assert.equal((await alice.register('alice', 'alice-sandbox')).status, 200);
  });
  after(async () => {
    await Promise.all(callers.map((c) => c.close()));
    alice.close();
    await sandbox.close();
  });

  /** Call `number` from a werift peer; returns what in-dialog requests need. */
  async function call(number: string) {
    const { caller, sdp } = await WeriftCaller.create();
    callers.push(caller);
    const inv = await alice.invite({ number, user: 'alice', password: 'alice-sandbox', sdp });
    const dialog = (method: string, cseq: number, extra: Partial<RequestSpec> = {}) => ({
      method,
      uri: inv.uri,
      fromUser: 'alice',
      fromTag: inv.fromTag,
      callId: inv.callId,
      cseq,
      ...extra,
    });
    return { caller, sdp, inv, dialog };
  }

  async function record(callId: string): Promise<CallRecord> {
    const all = await api<CallRecord[]>(sandbox.httpUrl, '/api/calls');
    const rec = all.find((r) => r.callId === callId);
    assert.ok(rec, `record for ${callId}`);
    return rec;
  }

  it('echo: answers, echoes PCMU audio and decodes RFC 4733 digits 1234#', async () => {
    const { caller, inv, dialog } = await call('echo');
    const ringing = await alice.response(inv.callId, 'INVITE', (s) => s === 180);
    assert.equal(ringing.body, '', '180 without SDP');
    const ok = await alice.response(inv.callId, 'INVITE', (s) => s >= 200);
    assert.equal(ok.status, 200);
    assert.match(ok.get('Content-Type') ?? '', /application\/sdp/);
    assert.match(ok.body, /a=rtpmap:126 telephone-event\/8000/, 'answers with the offer PT');
    assert.match(ok.body, /a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 /);
    assert.doesNotMatch(ok.body, /a=candidate:.* (?!127\.0\.0\.1)\d+\.\d+\.\d+\.\d+ \d+ typ/);
    const toTag = tagFrom(ok.get('To'));
    alice.send(dialog('ACK', 2, { toTag }));
    await caller.accept(ok.body);

    const sent = await caller.sendAudio(50);
    for (const digit of '1234#') {
      await caller.sendDigit(digit, 100);
      await new Promise((r) => setTimeout(r, 60));
    }
    await caller.sendAudio(10);

    // The echo comes back: the same payloads, never a telephone-event packet.
    const echoed = await eventually(
      () => (caller.received.filter((p) => p.pt === 0).length >= 40 ? caller.received : undefined),
      3000,
      'echoed audio',
    );
    assert.equal(echoed.filter((p) => p.pt === CALLER_TE_PT).length, 0, 'DTMF is not echoed');
    const sentSet = new Set(sent.map((b) => b.toString('hex')));
    const matching = echoed.filter((p) => sentSet.has(p.payload.toString('hex'))).length;
    assert.ok(matching >= 40, `echoed payloads match what was sent (${matching})`);
    // Sequence numbers are contiguous (renumbered around the skipped DTMF packets).
    const seqs = echoed.filter((p) => p.pt === 0).map((p) => p.seq);
    for (let i = 1; i < seqs.length; i++) assert.equal(seqs[i], (seqs[i - 1]! + 1) & 0xffff);

    const rec = await eventually(
      async () => {
        const r = await record(inv.callId);
        return r.dtmf.length >= 5 ? r : undefined;
      },
      3000,
      'five digits',
    );
    assert.deepEqual(
      rec.dtmf.map((d) => d.digit),
      ['1', '2', '3', '4', '#'],
    );
    for (const d of rec.dtmf) {
      assert.equal(d.transport, 'rfc4733');
      assert.ok(d.durationMs !== null && Math.abs(d.durationMs - 100) <= 10, `${d.durationMs}`);
      assert.ok(!Number.isNaN(Date.parse(d.at)), '!Number.isNaN(Date.parse(d.at))');
    }
    assert.ok(rec.rtp.packetsIn >= 60 + 5 * 7, `packetsIn ${rec.rtp.packetsIn}`);
    assert.ok(rec.rtp.packetsOut >= 40, `packetsOut ${rec.rtp.packetsOut}`);
    assert.ok(rec.answeredAt, 'rec.answeredAt');
    assert.deepEqual(rec.sentStatuses, [100, 180, 200]);
    assert.ok(
      rec.offer.codecs.includes('telephone-event/8000'),
      'rec.offer.codecs.includes("telephone-event/8000")',
    );

    // SIP INFO digits are reported as such.
    alice.send(
      dialog('INFO', 3, {
        toTag,
        body: 'Signal=5\r\nDuration=160\r\n',
        contentType: 'application/dtmf-relay',
      }),
    );
    assert.equal((await alice.response(inv.callId, 'INFO')).status, 200);
    alice.send(dialog('INFO', 4, { toTag, body: '9', contentType: 'application/dtmf' }));
    assert.equal((await alice.response(inv.callId, 'INFO')).status, 200);

    // Hold: a sendonly re-offer gets recvonly and the echo stops; resume restores it.
    const holdSdp = (await caller.pc.createOffer()).sdp.replace(/a=sendrecv/g, 'a=sendonly');
    alice.send(dialog('INVITE', 5, { toTag, body: holdSdp, contact: alice.contact }));
    const held = await alice.response(inv.callId, 'INVITE', (s) => s >= 200);
    assert.equal(held.status, 200);
    assert.match(held.body, /a=recvonly/);
    alice.send(dialog('ACK', 5, { toTag }));
    await new Promise((r) => setTimeout(r, 100));
    const before = caller.received.length;
    await caller.sendAudio(10);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(caller.received.length, before, 'no echo while on hold');
    const resume = holdSdp.replace(/a=sendonly/g, 'a=sendrecv');
    alice.send(dialog('INVITE', 6, { toTag, body: resume, contact: alice.contact }));
    const resumed = await alice.response(inv.callId, 'INVITE', (s) => s >= 200);
    assert.match(resumed.body, /a=sendrecv/);
    alice.send(dialog('ACK', 6, { toTag }));
    await caller.sendAudio(10);
    await eventually(
      () => (caller.received.length > before ? true : undefined),
      2000,
      'echo after resume',
    );

    alice.send(dialog('BYE', 7, { toTag }));
    assert.equal((await alice.response(inv.callId, 'BYE')).status, 200);
    const done = await record(inv.callId);
    assert.ok(done.endedAt, 'done.endedAt');
    assert.deepEqual(done.dtmf.slice(5), [
      { digit: '5', durationMs: 160, transport: 'info', at: done.dtmf[5]!.at },
      { digit: '9', durationMs: null, transport: 'info', at: done.dtmf[6]!.at },
    ]);
    for (const m of ['INVITE', 'ACK', 'INFO', 'BYE'])
      assert.ok(done.receivedMethods.includes(m), 'done.receivedMethods.includes(m)');
  });

  it('tone: answers and plays a 440 Hz tone', async () => {
    const { caller, inv, dialog } = await call('tone');
    const ok = await alice.response(inv.callId, 'INVITE', (s) => s >= 200);
    assert.equal(ok.status, 200);
    const toTag = tagFrom(ok.get('To'));
    alice.send(dialog('ACK', 2, { toTag }));
    await caller.accept(ok.body);
    await eventually(() => (caller.received.length >= 25 ? true : undefined), 3000, 'tone packets');
    const rate = ulawZeroCrossingRate(caller.received.slice(2, 25).map((p) => p.payload));
    assert.ok(Math.abs(rate / 2 - 440) < 25, `tone at ~440 Hz (measured ${rate / 2})`);
    alice.send(dialog('BYE', 3, { toTag }));
    assert.equal((await alice.response(inv.callId, 'BYE')).status, 200);
  });

  it('early: 180, then 183 with SDP and a 425 Hz tone before the 200 OK', async () => {
    const { caller, inv, dialog } = await call('early');
    const order: number[] = [];
    const progress = await alice.response(inv.callId, 'INVITE', (s) => {
      if (s > 100) order.push(s);
      return s === 183;
    });
    assert.deepEqual(order, [180, 183]);
    assert.match(progress.body, /^v=0/);
    await caller.accept(progress.body);
    const ok = await alice.response(inv.callId, 'INVITE', (s) => s >= 200, EARLY_MS + 3000);
    assert.equal(ok.status, 200);
    const okAt = Date.now();
    const early = caller.received.filter((p) => p.at < okAt);
    assert.ok(early.length >= 10, `early media before the 200 (${early.length} packets)`);
    const rate = ulawZeroCrossingRate(early.slice(2).map((p) => p.payload));
    assert.ok(Math.abs(rate / 2 - 425) < 25, `early tone at ~425 Hz (measured ${rate / 2})`);
    const strip = (s: string) => s.replace(/^o=.*$/m, '');
    assert.equal(strip(ok.body), strip(progress.body), 'the 200 carries the same SDP');
    alice.send(dialog('ACK', 2, { toTag: tagFrom(ok.get('To')) }));
    // After the answer it behaves like echo.
    const before = caller.received.length;
    await caller.sendAudio(20);
    await eventually(
      () => (caller.received.length >= before + 10 ? true : undefined),
      2000,
      'echo after answer',
    );
    alice.send(dialog('BYE', 3, { toTag: tagFrom(ok.get('To')) }));
    assert.equal((await alice.response(inv.callId, 'BYE')).status, 200);
  });

  it('progress: 183 without SDP, then 180, then 200 with SDP after ~1.5 s', async () => {
    const t0 = Date.now();
    const { caller, inv, dialog } = await call('progress');
    const ok = await alice.response(inv.callId, 'INVITE', (s) => s >= 200, 5000);
    const provisional = alice.received.filter(
      (m) => !m.isRequest && m.get('Call-ID') === inv.callId && m.status > 100 && m.status < 200,
    );
    assert.deepEqual(
      provisional.map((m) => [m.status, m.body.length > 0]),
      [
        [183, false],
        [180, false],
      ],
    );
    assert.equal(ok.status, 200);
    assert.ok(Date.now() - t0 >= 1400, 'answered after about 1.5 s');
    assert.match(ok.body, /^v=0/);
    alice.send(dialog('ACK', 2, { toTag: tagFrom(ok.get('To')) }));
    await caller.accept(ok.body);
    // Then echo. (Waiting for it also lets DTLS finish on both sides before the BYE: werift
    // keeps retransmitting an unfinished handshake flight for ~30 s after close.)
    await caller.sendAudio(10);
    await eventually(
      () => (caller.received.length >= 5 ? true : undefined),
      2000,
      'echo after answer',
    );
    alice.send(dialog('BYE', 3, { toTag: tagFrom(ok.get('To')) }));
    assert.equal((await alice.response(inv.callId, 'BYE')).status, 200);
  });

  it('hangs up with BYE when the 200 OK is never acknowledged', async () => {
    const { inv } = await call('echo');
    const ok = await alice.response(inv.callId, 'INVITE', (s) => s >= 200);
    assert.equal(ok.status, 200);
    const bye = await alice.request('BYE', inv.callId, ACK_TIMEOUT_MS + 3000);
    assert.equal(bye.uri, alice.contactUri);
    assert.equal(tagFrom(bye.get('From')), tagFrom(ok.get('To')));
    const rec = await record(inv.callId);
    assert.match(rec.endReason ?? '', /no ACK/);
    assert.ok(rec.endedAt, 'rec.endedAt');
  });

  it('refuses an INVITE without an SDP offer with 488', async () => {
    const inv = await alice.invite({
      number: 'echo',
      user: 'alice',
      password: 'alice-sandbox',
      sdp: '',
    });
    const final = await alice.response(inv.callId, 'INVITE', (s) => s >= 200);
    assert.equal(final.status, 488);
  });
});
