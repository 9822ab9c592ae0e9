// The sandbox calls a registered user (POST /api/calls/outbound): request validation, the
// INVITE on the wire (real werift offer, escaped display name), rejection, CANCEL on timeout and
// on DELETE, and a werift peer answering: tone / echo, DTMF from the callee, hold, BYE.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type SipMessage } from '../../sandbox/sip-message.js';
import { parseNameAddr, parseVia } from '../../sandbox/sip-grammar.js';
import { startSandbox, type CallRecord, type Sandbox } from '../../sandbox/server.js';
import { SipTestClient, api, eventually, rand, tagFrom, testLog } from './helpers/sip-client.js';
import { WeriftCaller, ulawZeroCrossingRate } from './helpers/werift-caller.js';

interface Placed {
  id: string;
  callId: string;
}

describe('outbound calls (the sandbox calls a user)', () => {
  let sandbox: Sandbox;
  let bob: SipTestClient;
  const clients: SipTestClient[] = [];
  const peers: WeriftCaller[] = [];

  before(async () => {
    sandbox = await startSandbox({ log: testLog() });
    bob = await SipTestClient.connect(sandbox.wsUrl);
    clients.push(bob);
    assert.equal((await bob.register('bob', 'bob-sandbox')).status, 200);
  });
  after(async () => {
    await Promise.all(peers.map((p) => p.close()));
    for (const c of clients) c.close();
    await sandbox.close();
  });

  async function post(body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const res = await fetch(`${sandbox.httpUrl}/api/calls/outbound`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  /** Place a call to bob; resolves with the ids and the INVITE bob received. */
  async function place(body: Record<string, unknown> = {}): Promise<Placed & { inv: SipMessage }> {
    const incoming = bob.request('INVITE');
    const { status, json } = await post({ to: 'bob', ...body });
    assert.equal(status, 201, JSON.stringify(json));
    const inv = await incoming;
    assert.equal(inv.get('Call-ID'), json['callId']);
    return { id: String(json['id']), callId: String(json['callId']), inv };
  }

  async function hangUp(id: string): Promise<Record<string, unknown>> {
    const res = await fetch(`${sandbox.httpUrl}/api/calls/outbound/${id}`, { method: 'DELETE' });
    assert.equal(res.status, 200);
    return (await res.json()) as Record<string, unknown>;
  }

  async function ended(id: string): Promise<CallRecord> {
    return eventually(
      async () => {
        const r = await api<CallRecord>(sandbox.httpUrl, `/api/calls/outbound/${id}`);
        return r.endedAt ? r : undefined;
      },
      3000,
      `end of outbound call ${id}`,
    );
  }

  it('validates the request', async () => {
    const cases: Array<[unknown, number, RegExp]> = [
      ['{not json', 400, /not JSON/],
      [[], 400, /JSON object/],
      [{ to: 'bob', colour: 'red' }, 400, /unknown field.*colour/],
      [{}, 400, /"to"/],
      [{ to: 'sip:bob@localhost' }, 400, /"to"/],
      [{ to: 'nobody' }, 404, /no sandbox user "nobody"/],
      [{ to: 'alice' }, 409, /alice is not registered/],
      [{ to: 'bob', displayName: 'Eve\r\nVia: SIP/2.0/WS evil' }, 400, /CR or LF/],
      [{ to: 'bob', displayName: 'line\nbreak' }, 400, /CR or LF/],
      [{ to: 'bob', displayName: 42 }, 400, /string/],
      [{ to: 'bob', displayName: 'x'.repeat(257) }, 400, /longer than 256/],
      [{ to: 'bob', from: 'front desk' }, 400, /"from"/],
      [{ to: 'bob', media: 'music' }, 400, /"media"/],
      [{ to: 'bob', answerTimeoutMs: 0 }, 400, /answerTimeoutMs/],
      [{ to: 'bob', answerTimeoutMs: '500' }, 400, /answerTimeoutMs/],
    ];
    for (const [body, status, error] of cases) {
      const res = await post(body);
      assert.equal(res.status, status, JSON.stringify(body));
      assert.match(String(res.json['error']), error);
    }
    const unknownId = await fetch(`${sandbox.httpUrl}/api/calls/outbound/nope`, {
      method: 'DELETE',
    });
    assert.equal(unknownId.status, 404);
    await unknownId.body?.cancel();
    const wrongMethod = await fetch(`${sandbox.httpUrl}/api/calls/outbound`, { method: 'PUT' });
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.headers.get('allow'), 'GET, POST');
    await wrongMethod.body?.cancel();
    // Nothing reached bob.
    assert.equal(bob.received.filter((m) => m.method === 'INVITE').length, 0);
  });

  it('sends a real offer with a quoted display name; a 486 is ACKed and recorded', async () => {
    const hostile = 'Evil "Boss" \\ <img src=x onerror=alert(1)> \u202Egnp.exe\t\u260E\u0007';
    const { id, callId, inv } = await place({ displayName: hostile, from: 'reception' });
    assert.equal(inv.uri, bob.contactUri, "Request-URI: bob's registered Contact");
    // The From header as UTF-8 text: `"` and `\` escaped, controls other than HTAB (allowed in a
    // quoted-string) as quoted-pairs.
    const from = Buffer.from(inv.get('From') ?? '', 'latin1').toString('utf8');
    const fromTag = tagFrom(from);
    assert.equal(
      from,
      `"Evil \\"Boss\\" \\\\ <img src=x onerror=alert(1)> \u202Egnp.exe\t\u260E\\\u0007" ` +
        `<sip:reception@localhost>;tag=${fromTag}`,
    );
    assert.equal(parseNameAddr(from).displayName, hostile, 'unescapes to the original');
    assert.equal(inv.get('To'), '<sip:bob@localhost>');
    assert.equal(inv.get('CSeq'), '1 INVITE');
    assert.equal(inv.get('Contact'), `<sip:reception@127.0.0.1:${sandbox.port};transport=ws>`);
    assert.equal(inv.get('Content-Type'), 'application/sdp');
    // A real werift offer: G.711 and telephone-event, ICE on 127.0.0.1 only, DTLS actpass.
    assert.match(inv.body, /^m=audio \d+ UDP\/TLS\/RTP\/SAVPF 0 8 101\r?$/m);
    for (const codec of ['0 PCMU/8000', '8 PCMA/8000', '101 telephone-event/8000']) {
      assert.match(inv.body, new RegExp(`^a=rtpmap:${codec}\\r?$`, 'm'));
    }
    const candidates = inv.body.match(/^a=candidate:.*$/gm) ?? [];
    assert.ok(candidates.length > 0, 'candidates in the offer');
    for (const c of candidates) assert.match(c, / 127\.0\.0\.1 \d+ typ host/);
    assert.match(inv.body, /^a=setup:actpass\r?$/m);
    assert.match(inv.body, /^a=fingerprint:sha-256 /m);

    const bobTag = rand(4);
    bob.respond(inv, 180, 'Ringing', { toTag: bobTag });
    const ackAtBob = bob.request('ACK', callId);
    bob.respond(inv, 486, 'Busy Here', { toTag: bobTag });
    const ack = await ackAtBob;
    assert.equal(ack.uri, inv.uri);
    assert.equal(parseVia(ack.values('Via')[0]!).branch, parseVia(inv.values('Via')[0]!).branch);
    assert.equal(ack.get('CSeq'), '1 ACK');
    assert.equal(tagFrom(ack.get('To')), bobTag);

    const rec = await ended(id);
    assert.equal(rec.callId, callId);
    assert.equal(rec.direction, 'outbound');
    assert.equal(rec.outboundId, id);
    assert.equal(rec.to, 'bob');
    assert.equal(rec.number, 'bob');
    assert.equal(rec.from, 'reception');
    assert.equal(rec.displayName, hostile);
    assert.equal(rec.finalStatus, 486);
    assert.equal(rec.finalReason, 'Busy Here');
    assert.deepEqual(rec.receivedStatuses, [180, 486]);
    assert.deepEqual(rec.sentMethods, ['INVITE', 'ACK']);
    assert.equal(rec.endReason, 'callee answered 486 Busy Here');
    assert.equal(rec.answeredAt, undefined);
    assert.deepEqual(rec.offer.codecs, ['PCMU/8000', 'PCMA/8000', 'telephone-event/8000']);
    // Listed with the other calls; a DELETE now has nothing left to do.
    const all = await api<CallRecord[]>(sandbox.httpUrl, '/api/calls');
    assert.equal(all.find((r) => r.callId === callId)?.direction, 'outbound');
    const listed = await api<CallRecord[]>(sandbox.httpUrl, '/api/calls/outbound');
    assert.ok(listed.some((r) => r.outboundId === id));
    assert.deepEqual(await hangUp(id), { id, callId, action: 'none', state: 'ended' });
  });

  it('CANCELs after answerTimeoutMs, on DELETE, and only once a provisional response came', async () => {
    /** Answer the CANCEL and the INVITE (487) like a UA; resolve with the CANCEL. */
    const terminate = async (inv: SipMessage, tag: string) => {
      const cancel = await bob.request('CANCEL', inv.get('Call-ID'), 3000);
      assert.equal(
        parseVia(cancel.values('Via')[0]!).branch,
        parseVia(inv.values('Via')[0]!).branch,
      );
      assert.equal(cancel.get('CSeq'), '1 CANCEL');
      assert.equal(cancel.uri, inv.uri);
      bob.respond(cancel, 200, 'OK', { toTag: tag });
      const ack = bob.request('ACK', inv.get('Call-ID'));
      bob.respond(inv, 487, 'Request Terminated', { toTag: tag });
      await ack;
      return cancel;
    };

    // Nobody answers within 300 ms.
    const t0 = Date.now();
    const timed = await place({ answerTimeoutMs: 300 });
    const tag1 = rand(4);
    bob.respond(timed.inv, 180, 'Ringing', { toTag: tag1 });
    await terminate(timed.inv, tag1);
    assert.ok(Date.now() - t0 >= 280, 'not before the timeout');
    const rec1 = await ended(timed.id);
    assert.equal(rec1.finalStatus, 487);
    assert.equal(rec1.endReason, 'no answer within 300 ms');
    assert.deepEqual(rec1.sentMethods, ['INVITE', 'CANCEL', 'ACK']);
    assert.deepEqual(rec1.receivedStatuses, [180, 487]);

    // DELETE while it rings.
    const ringing = await place();
    const tag2 = rand(4);
    bob.respond(ringing.inv, 180, 'Ringing', { toTag: tag2 });
    await eventually(async () => {
      const r = await api<CallRecord>(sandbox.httpUrl, `/api/calls/outbound/${ringing.id}`);
      return r.receivedStatuses.includes(180) ? true : undefined;
    });
    const cancelling = terminate(ringing.inv, tag2);
    assert.deepEqual(await hangUp(ringing.id), {
      id: ringing.id,
      callId: ringing.callId,
      action: 'cancel',
      state: 'early',
    });
    await cancelling;
    const rec2 = await ended(ringing.id);
    assert.equal(rec2.finalStatus, 487);
    assert.equal(rec2.endReason, 'hung up via the API');

    // DELETE before any provisional response: the CANCEL waits for one (RFC 3261 §9.1).
    const silent = await place();
    assert.equal((await hangUp(silent.id))['action'], 'cancel');
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(
      !bob.received.some((m) => m.method === 'CANCEL' && m.get('Call-ID') === silent.callId),
      'no CANCEL before a provisional response',
    );
    const tag3 = rand(4);
    const cancelled = terminate(silent.inv, tag3);
    bob.respond(silent.inv, 100, 'Trying');
    await cancelled;
    assert.equal((await ended(silent.id)).finalStatus, 487);
  });

  /** Answer with a werift peer: 180, then 200 with its SDP; resolves once the ACK arrived. */
  async function answer(placed: Placed & { inv: SipMessage }) {
    const { caller: peer, sdp } = await WeriftCaller.answer(placed.inv.body);
    peers.push(peer);
    const bobTag = rand(4);
    bob.respond(placed.inv, 180, 'Ringing', { toTag: bobTag });
    const ackAtBob = bob.request('ACK', placed.callId);
    bob.respond(placed.inv, 200, 'OK', { toTag: bobTag, body: sdp });
    const ack = await ackAtBob;
    await peer.waitConnected();
    const sandboxTag = tagFrom(placed.inv.get('From'))!;
    const target = /<([^>]+)>/.exec(placed.inv.get('Contact') ?? '')?.[1] ?? '';
    let cseq = 0;
    /** A request from bob in this dialog (no response awaited for an ACK). */
    const request = (method: string, extra: { body?: string; contentType?: string } = {}) =>
      bob.send({
        method,
        uri: target,
        fromUser: 'bob',
        fromTag: bobTag,
        toUri: 'sip:support@localhost',
        toTag: sandboxTag,
        callId: placed.callId,
        cseq: method === 'ACK' ? cseq : ++cseq,
        contact: bob.contact,
        ...extra,
      });
    /** Send a request and resolve with its final response. */
    const send = (method: string, extra: { body?: string; contentType?: string } = {}) => {
      const res = bob.response(placed.callId, method, (s) => s >= 200);
      request(method, extra);
      return res;
    };
    return { peer, ack, send, request, bobTag };
  }

  it('answered by a werift peer: ACK, a 440 Hz tone, DTMF from the callee, hold, BYE on DELETE', async () => {
    const placed = await place({ media: 'tone' });
    const { peer, ack, send, request } = await answer(placed);
    assert.equal(ack.uri, bob.contactUri, "the ACK goes to the 200's Contact");
    assert.equal(ack.get('CSeq'), '1 ACK');
    assert.notEqual(
      parseVia(ack.values('Via')[0]!).branch,
      parseVia(placed.inv.values('Via')[0]!).branch,
      'a 2xx ACK is a new transaction',
    );

    await eventually(() => (peer.received.length >= 25 ? true : undefined), 3000, 'the tone');
    const rate = ulawZeroCrossingRate(peer.received.slice(2, 25).map((p) => p.payload));
    assert.ok(Math.abs(rate / 2 - 440) < 25, `tone at ~440 Hz (measured ${rate / 2})`);

    // DTMF from the callee: RFC 4733 on the offer's telephone-event PT, and SIP INFO.
    assert.equal(peer.tePt, 101);
    await peer.sendDigit('7', 100);
    await peer.sendDigit('#', 120);
    const info = await send('INFO', {
      body: 'Signal=5\r\nDuration=160\r\n',
      contentType: 'application/dtmf-relay',
    });
    assert.equal(info.status, 200);

    // The callee holds: recvonly back (DTLS role now fixed), the tone stops; resume restores it.
    const offer = (await peer.pc.createOffer()).sdp;
    const held = await send('INVITE', { body: offer.replace(/a=sendrecv/g, 'a=sendonly') });
    assert.equal(held.status, 200);
    assert.match(held.body, /^a=recvonly\r?$/m);
    assert.match(held.body, /^a=setup:passive\r?$/m, 'werift answered active: we stay passive');
    request('ACK');
    await new Promise((r) => setTimeout(r, 150));
    const before = peer.received.length;
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(peer.received.length - before <= 1, 'no tone while held');
    const resumed = await send('INVITE', { body: offer });
    assert.match(resumed.body, /^a=sendrecv\r?$/m);
    request('ACK');
    await eventually(
      () => (peer.received.length >= before + 10 ? true : undefined),
      2000,
      'the tone again',
    );

    const byeAtBob = bob.request('BYE', placed.callId);
    assert.deepEqual(await hangUp(placed.id), {
      id: placed.id,
      callId: placed.callId,
      action: 'bye',
      state: 'confirmed',
    });
    const bye = await byeAtBob;
    assert.equal(bye.uri, bob.contactUri);
    assert.equal(tagFrom(bye.get('To')), tagFrom(ack.get('To')));
    bob.respond(bye, 200, 'OK');

    const rec = await ended(placed.id);
    assert.equal(rec.finalStatus, 200);
    assert.ok(rec.answeredAt, 'answeredAt');
    assert.deepEqual(rec.receivedStatuses, [180, 200]);
    assert.deepEqual(rec.sentMethods, ['INVITE', 'ACK', 'BYE']);
    for (const m of ['INFO', 'INVITE', 'ACK']) assert.ok(rec.receivedMethods.includes(m), m);
    assert.deepEqual(
      rec.dtmf.map((d) => [d.digit, d.transport]),
      [
        ['7', 'rfc4733'],
        ['#', 'rfc4733'],
        ['5', 'info'],
      ],
    );
    assert.ok(Math.abs((rec.dtmf[0]!.durationMs ?? 0) - 100) <= 10);
    assert.ok(Math.abs((rec.dtmf[1]!.durationMs ?? 0) - 120) <= 10);
    assert.equal(rec.dtmf[2]!.durationMs, 160);
    assert.deepEqual(
      rec.reinvites.map((r) => [r.direction, r.status]),
      [
        ['sendonly', 200],
        ['sendrecv', 200],
      ],
    );
    assert.ok(rec.rtp.packetsOut >= 25, `packetsOut ${rec.rtp.packetsOut}`);
    assert.ok(rec.rtp.packetsIn >= 14, `packetsIn ${rec.rtp.packetsIn}`);
    assert.equal(rec.endReason, 'hung up via the API');
  });

  it('echo media, and a BYE from the callee ends the call', async () => {
    const placed = await place({ media: 'echo' });
    const { peer, send } = await answer(placed);
    const sent = await peer.sendAudio(30);
    await eventually(() => (peer.received.length >= 20 ? true : undefined), 3000, 'the echo');
    const sentSet = new Set(sent.map((b) => b.toString('hex')));
    const echoed = peer.received.filter((p) => sentSet.has(p.payload.toString('hex'))).length;
    assert.ok(echoed >= 20, `echoed payloads match (${echoed})`);
    assert.equal((await send('BYE')).status, 200);
    const rec = await ended(placed.id);
    assert.equal(rec.endReason, 'BYE from the callee');
    assert.deepEqual(rec.sentMethods, ['INVITE', 'ACK']);
    assert.ok(rec.rtp.packetsIn >= 30 && rec.rtp.packetsOut >= 20);
  });

  it('ends the call when the callee disconnects', async () => {
    const placed = await place();
    bob.respond(placed.inv, 180, 'Ringing', { toTag: rand(4) });
    bob.close();
    const rec = await ended(placed.id);
    assert.equal(rec.endReason, 'callee connection closed');
    assert.equal(rec.finalStatus, undefined);
  });
});
