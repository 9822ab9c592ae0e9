// Relaying between registered users: alice calls bob through the sandbox (two "browser tabs").
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startSandbox, type CallRecord, type Sandbox } from '../../sandbox/server.js';
import type { SipMessage } from '../../sandbox/sip-message.js';
import {
  SipTestClient,
  api,
  digestHeader,
  rand,
  tagFrom,
  testLog,
  webrtcOffer,
} from './helpers/sip-client.js';

describe('proxy between users', () => {
  let sandbox: Sandbox;
  let alice: SipTestClient;
  let bob: SipTestClient;
  const extra: SipTestClient[] = [];

  before(async () => {
    sandbox = await startSandbox({ log: testLog() });
    alice = await SipTestClient.connect(sandbox.wsUrl);
    assert.equal((await alice.register('alice', 'alice-sandbox')).status, 200);
  });
  beforeEach(async () => {
    if (bob?.isOpen) return;
    bob = await SipTestClient.connect(sandbox.wsUrl);
    extra.push(bob);
    assert.equal((await bob.register('bob', 'bob-sandbox')).status, 200);
  });
  after(async () => {
    alice.close();
    for (const c of extra) c.close();
    await sandbox.close();
  });

  /** alice INVITEs bob; resolves with bob's view of the INVITE. */
  async function aliceCallsBob() {
    const incoming = bob.request('INVITE');
    const inv = await alice.invite({
      number: 'bob',
      user: 'alice',
      password: 'alice-sandbox',
      sdp: webrtcOffer(),
    });
    const atBob = await incoming;
    return { inv, atBob };
  }

  /** An in-dialog request from `from` following the route set it learnt. */
  function inDialog(
    from: SipTestClient,
    opts: {
      method: string;
      target: string;
      routes: string[];
      callId: string;
      fromUser: string;
      fromTag: string;
      toUri: string;
      toTag: string;
      cseq: number;
      body?: string;
      contentType?: string;
    },
  ) {
    from.send({
      method: opts.method,
      uri: opts.target,
      toUri: opts.toUri,
      toTag: opts.toTag,
      fromUser: opts.fromUser,
      fromTag: opts.fromTag,
      callId: opts.callId,
      cseq: opts.cseq,
      contact: from.contact,
      headers: opts.routes.map((r) => `Route: ${r}`),
      ...(opts.body !== undefined ? { body: opts.body } : {}),
      ...(opts.contentType !== undefined ? { contentType: opts.contentType } : {}),
    });
  }

  const uriOf = (contact: string | undefined) => /<([^>]+)>/.exec(contact ?? '')?.[1] ?? '';

  it('relays a whole call: INVITE, 180, 200, ACK, INFO, re-INVITE, BYE', async () => {
    const { inv, atBob } = await aliceCallsBob();
    // What bob receives: his registered Contact as Request-URI, our Via on top, our
    // Record-Route, no credentials, Max-Forwards decremented.
    assert.equal(atBob.uri, bob.contactUri);
    const vias = atBob.values('Via');
    assert.equal(vias.length, 2);
    assert.match(
      vias[0]!,
      new RegExp(`^SIP/2\\.0/WS 127\\.0\\.0\\.1:${sandbox.port};branch=z9hG4bK`),
    );
    const rr = atBob.values('Record-Route');
    assert.deepEqual(rr, [`<sip:127.0.0.1:${sandbox.port};transport=ws;lr>`]);
    assert.equal(atBob.get('Proxy-Authorization'), undefined);
    assert.equal(atBob.get('Max-Forwards'), '69');
    assert.match(atBob.body, /^v=0/);

    const bobTag = rand(4);
    bob.respond(atBob, 100, 'Trying');
    bob.respond(atBob, 180, 'Ringing', { toTag: bobTag, headers: [['Record-Route', rr[0]!]] });
    const ringing = await alice.response(inv.callId, 'INVITE', (s) => s === 180);
    assert.equal(ringing.values('Via').length, 1, 'our Via removed');
    assert.equal(tagFrom(ringing.get('To')), bobTag);

    bob.respond(atBob, 200, 'OK', {
      toTag: bobTag,
      body: webrtcOffer(),
      headers: [['Record-Route', rr[0]!]],
    });
    const ok = await alice.response(inv.callId, 'INVITE', (s) => s >= 200);
    assert.equal(ok.status, 200);
    const routes = ok.values('Record-Route').reverse();
    const bobTarget = uriOf(ok.get('Contact'));
    assert.equal(bobTarget, bob.contactUri);
    const aliceSide = {
      target: bobTarget,
      routes,
      callId: inv.callId,
      fromUser: 'alice',
      fromTag: inv.fromTag,
      toUri: 'sip:bob@localhost',
      toTag: bobTag,
    };

    const ackAtBob = bob.request('ACK', inv.callId);
    inDialog(alice, { ...aliceSide, method: 'ACK', cseq: 2 });
    const ack = await ackAtBob;
    assert.equal(ack.uri, bob.contactUri);
    assert.equal(ack.get('Route'), undefined, 'our Route entry is consumed');

    // INFO DTMF alice → bob.
    const infoAtBob = bob.request('INFO', inv.callId);
    inDialog(alice, {
      ...aliceSide,
      method: 'INFO',
      cseq: 3,
      body: 'Signal=7\r\nDuration=120\r\n',
      contentType: 'application/dtmf-relay',
    });
    const info = await infoAtBob;
    bob.respond(info, 200, 'OK');
    assert.equal((await alice.response(inv.callId, 'INFO')).status, 200);

    // Hold from bob → alice, routed by alice's Contact.
    const bobSide = {
      target: alice.contactUri,
      routes: atBob.values('Record-Route'),
      callId: inv.callId,
      fromUser: 'bob',
      fromTag: bobTag,
      toUri: 'sip:alice@localhost',
      toTag: inv.fromTag,
    };
    const reinviteAtAlice = alice.request('INVITE', inv.callId);
    inDialog(bob, {
      ...bobSide,
      method: 'INVITE',
      cseq: 1,
      body: webrtcOffer().replace('a=sendrecv', 'a=sendonly'),
    });
    const reinvite = await reinviteAtAlice;
    assert.equal(reinvite.uri, alice.contactUri);
    assert.match(reinvite.body, /a=sendonly/);
    alice.respond(reinvite, 200, 'OK', { body: webrtcOffer().replace('a=sendrecv', 'a=recvonly') });
    const held = await bob.response(inv.callId, 'INVITE', (s) => s >= 200);
    assert.equal(held.status, 200);
    assert.match(held.body, /a=recvonly/);
    const ack2 = alice.request('ACK', inv.callId);
    inDialog(bob, { ...bobSide, method: 'ACK', cseq: 1 });
    await ack2;

    // MESSAGE in the dialog, then BYE from bob.
    const msgAtAlice = alice.request('MESSAGE', inv.callId);
    inDialog(bob, {
      ...bobSide,
      method: 'MESSAGE',
      cseq: 2,
      body: 'hi',
      contentType: 'text/plain',
    });
    alice.respond(await msgAtAlice, 200, 'OK');
    assert.equal((await bob.response(inv.callId, 'MESSAGE')).status, 200);

    const byeAtAlice = alice.request('BYE', inv.callId);
    inDialog(bob, { ...bobSide, method: 'BYE', cseq: 3 });
    alice.respond(await byeAtAlice, 200, 'OK');
    assert.equal((await bob.response(inv.callId, 'BYE')).status, 200);

    const [rec] = await api<CallRecord[]>(sandbox.httpUrl, '/api/calls?number=bob');
    assert.ok(rec, 'rec');
    assert.equal(rec.callId, inv.callId);
    assert.equal(rec.direction, 'relay');
    assert.equal(rec.from, 'alice');
    assert.equal(rec.finalStatus, 200);
    assert.deepEqual(rec.sentStatuses, [100, 180, 200]);
    assert.ok(rec.answeredAt && rec.endedAt, 'rec.answeredAt && rec.endedAt');
    assert.deepEqual(
      rec.dtmf.map((d) => [d.digit, d.durationMs, d.transport]),
      [['7', 120, 'info']],
    );
    for (const m of ['INVITE', 'ACK', 'INFO', 'MESSAGE', 'BYE']) {
      assert.ok(rec.receivedMethods.includes(m), m);
    }
  });

  it('relays CANCEL to the callee and the 487 back, ACKing the callee itself', async () => {
    const { inv, atBob } = await aliceCallsBob();
    const bobTag = rand(4);
    bob.respond(atBob, 180, 'Ringing', { toTag: bobTag });
    await alice.response(inv.callId, 'INVITE', (s) => s === 180);
    const cancelAtBob = bob.request('CANCEL', inv.callId);
    alice.send({
      method: 'CANCEL',
      uri: inv.uri,
      fromUser: 'alice',
      fromTag: inv.fromTag,
      callId: inv.callId,
      cseq: 2,
      branch: inv.branch,
    });
    assert.equal((await alice.response(inv.callId, 'CANCEL')).status, 200);
    const cancel = await cancelAtBob;
    assert.equal(cancel.uri, atBob.uri);
    assert.equal(cancel.values('Via')[0], atBob.values('Via')[0], 'same branch as the INVITE');
    bob.respond(cancel, 200, 'OK');
    const ackAtBob = bob.request('ACK', inv.callId);
    bob.respond(atBob, 487, 'Request Terminated', { toTag: bobTag });
    const final = await alice.response(inv.callId, 'INVITE', (s) => s >= 200);
    assert.equal(final.status, 487);
    const ack = await ackAtBob;
    assert.equal(ack.values('Via')[0], atBob.values('Via')[0], 'hop-by-hop ACK');
    const [rec] = await api<CallRecord[]>(sandbox.httpUrl, '/api/calls?number=bob').then((r) =>
      r.filter((x) => x.callId === inv.callId),
    );
    assert.ok(rec, 'rec');
    assert.equal(rec.sawCancel, true);
    assert.equal(rec.finalStatus, 487);
  });

  it('relays a callee rejection (486) and answers 480 when the callee disconnects', async () => {
    const first = await aliceCallsBob();
    bob.respond(first.atBob, 486, 'Busy Here', { toTag: rand(4) });
    const busy = await alice.response(first.inv.callId, 'INVITE', (s) => s >= 200);
    assert.equal(busy.status, 486);

    const second = await aliceCallsBob();
    bob.respond(second.atBob, 180, 'Ringing', { toTag: rand(4) });
    await alice.response(second.inv.callId, 'INVITE', (s) => s === 180);
    bob.close();
    const gone = await alice.response(second.inv.callId, 'INVITE', (s) => s >= 200);
    assert.equal(gone.status, 480);
  });

  it('relays an out-of-dialog MESSAGE after authenticating it', async () => {
    const callId = rand(8);
    const base = {
      method: 'MESSAGE',
      uri: 'sip:bob@localhost',
      fromUser: 'alice',
      callId,
      body: 'hello bob',
      contentType: 'text/plain',
    };
    alice.send({ ...base, cseq: 1 });
    const challenge = await alice.response(callId, 'MESSAGE');
    assert.equal(challenge.status, 407);
    const atBob = bob.request('MESSAGE', callId);
    const auth = digestHeader({
      challenge: challenge.get('Proxy-Authenticate') ?? '',
      user: 'alice',
      password: 'alice-sandbox',
      method: 'MESSAGE',
      uri: 'sip:bob@localhost',
    });
    alice.send({ ...base, cseq: 2, headers: [`Proxy-Authorization: ${auth}`] });
    const msg: SipMessage = await atBob;
    assert.equal(msg.body, 'hello bob');
    bob.respond(msg, 200, 'OK', { toTag: rand(4) });
    assert.equal((await alice.response(callId, 'MESSAGE')).status, 200);
  });
});
