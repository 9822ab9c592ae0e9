// Outcome numbers, unknown numbers, INVITE authentication and ring + CANCEL.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OUTCOMES, TEST_NUMBERS, TEST_NUMBER_LIST } from '../../sandbox/numbers.js';
import { startSandbox, type CallRecord, type Sandbox } from '../../sandbox/server.js';
import { SipTestClient, api, rand, tagFrom, testLog, webrtcOffer } from './helpers/sip-client.js';

describe('outcome numbers', () => {
  let sandbox: Sandbox;
  let alice: SipTestClient;

  before(async () => {
    sandbox = await startSandbox({ log: testLog() });
    alice = await SipTestClient.connect(sandbox.wsUrl);
    assert.equal((await alice.register('alice', 'alice-sandbox')).status, 200);
  });
  after(async () => {
    alice.close();
    await sandbox.close();
  });

  it('lists every test number with a description', () => {
    for (const n of ['echo', 'tone', 'early', 'progress', 'ring', ...Object.keys(OUTCOMES)]) {
      assert.ok((TEST_NUMBERS[n] ?? '').length > 10, `description for ${n}`);
    }
    assert.equal(TEST_NUMBER_LIST[0]?.number, 'echo');
    assert.equal(TEST_NUMBER_LIST.length, Object.keys(TEST_NUMBERS).length);
  });

  it('challenges an INVITE without credentials with 407', async () => {
    const callId = rand(8);
    alice.send({
      method: 'INVITE',
      uri: 'sip:echo@localhost',
      fromUser: 'alice',
      callId,
      contact: alice.contact,
      body: webrtcOffer(),
    });
    const res = await alice.response(callId, 'INVITE', (s) => s >= 200);
    assert.equal(res.status, 407);
    assert.match(res.get('Proxy-Authenticate') ?? '', /^Digest realm="localhost", nonce="/);
  });

  it('challenges an INVITE with a wrong password again with 407', async () => {
    const { callId } = await alice.invite({
      number: 'echo',
      user: 'alice',
      password: 'wrong-password',
      sdp: webrtcOffer(),
    });
    const res = await alice.response(callId, 'INVITE', (s) => s >= 200);
    assert.equal(res.status, 407);
  });

  it('refuses an INVITE whose caller ID differs from the auth user with the carrier 403', async () => {
    const { callId } = await alice.invite({
      number: 'echo',
      user: 'bob',
      authUser: 'alice',
      password: 'alice-sandbox',
      sdp: webrtcOffer(),
    });
    const res = await alice.response(callId, 'INVITE', (s) => s >= 200);
    assert.equal(res.status, 403);
    assert.equal(res.reason, OUTCOMES['403']!.reason);
  });

  for (const [number, outcome] of Object.entries(OUTCOMES)) {
    it(`${number} answers 100 Trying then ${outcome.status} ${outcome.reason}`, async () => {
      const { callId, uri, fromTag } = await alice.invite({
        number,
        user: 'alice',
        password: 'alice-sandbox',
        sdp: webrtcOffer(),
      });
      const trying = await alice.response(callId, 'INVITE', (s) => s === 100);
      assert.equal(trying.reason, 'Trying');
      const final = await alice.response(callId, 'INVITE', (s) => s >= 200);
      assert.equal(final.status, outcome.status);
      assert.equal(final.reason, outcome.reason);
      assert.doesNotMatch(final.reason, /[[\]]/, 'JsSIP drops reason phrases with brackets');
      if (number === '503') assert.equal(final.get('Retry-After'), '120');
      alice.send({
        method: 'ACK',
        uri,
        fromUser: 'alice',
        fromTag,
        callId,
        cseq: 2,
        branch: final.values('Via')[0]!.match(/branch=([^;]+)/)![1],
        toTag: tagFrom(final.get('To')),
      });
      const records = await api<CallRecord[]>(sandbox.httpUrl, `/api/calls?number=${number}`);
      const rec = records.find((r) => r.callId === callId);
      assert.ok(rec, 'call record');
      assert.equal(rec.finalStatus, outcome.status);
      assert.equal(rec.finalReason, outcome.reason);
      assert.deepEqual(rec.sentStatuses, [100, outcome.status]);
      assert.equal(rec.direction, 'inbound');
      assert.equal(rec.from, 'alice');
      assert.ok(rec.endedAt, 'rec.endedAt');
      assert.deepEqual(rec.offer.codecs, ['PCMU/8000', 'PCMA/8000', 'telephone-event/8000']);
    });
  }

  it('the 403 reason is the carrier explanation', () => {
    assert.match(OUTCOMES['403']!.reason, /^Forbidden - Caller ID must match the auth username/);
  });

  it('answers an unknown number with 404', async () => {
    const { callId } = await alice.invite({
      number: 'nobody-here',
      user: 'alice',
      password: 'alice-sandbox',
      sdp: webrtcOffer(),
    });
    const final = await alice.response(callId, 'INVITE', (s) => s >= 200);
    assert.equal(final.status, 404);
  });

  it('answers 480 for a known user who is not registered', async () => {
    const { callId } = await alice.invite({
      number: 'bob',
      user: 'alice',
      password: 'alice-sandbox',
      sdp: webrtcOffer(),
    });
    const final = await alice.response(callId, 'INVITE', (s) => s >= 200);
    assert.equal(final.status, 480);
  });

  it('ring: 180 until CANCEL, then 200 for the CANCEL and 487 for the INVITE', async () => {
    const { callId, uri, fromTag, branch } = await alice.invite({
      number: 'ring',
      user: 'alice',
      password: 'alice-sandbox',
      sdp: webrtcOffer(),
    });
    const ringing = await alice.response(callId, 'INVITE', (s) => s === 180);
    assert.ok(tagFrom(ringing.get('To')), 'tagFrom(ringing.get("To"))');
    // Still ringing a little later: no final response.
    await new Promise((r) => setTimeout(r, 300));
    const finals = alice.received.filter(
      (m) => !m.isRequest && m.get('Call-ID') === callId && m.status >= 200 && m.status !== 407,
    );
    assert.deepEqual(
      finals.map((m) => m.status),
      [],
    );
    const cancelOk = alice.response(callId, 'CANCEL');
    const terminated = alice.response(callId, 'INVITE', (s) => s >= 200);
    alice.send({ method: 'CANCEL', uri, fromUser: 'alice', fromTag, callId, cseq: 2, branch });
    assert.equal((await cancelOk).status, 200);
    const final = await terminated;
    assert.equal(final.status, 487);
    assert.equal(final.reason, 'Request Terminated');
    alice.send({
      method: 'ACK',
      uri,
      fromUser: 'alice',
      fromTag,
      callId,
      cseq: 2,
      branch,
      toTag: tagFrom(final.get('To')),
    });
    const [rec] = await api<CallRecord[]>(sandbox.httpUrl, '/api/calls?number=ring');
    assert.ok(rec, 'rec');
    assert.equal(rec.callId, callId);
    assert.equal(rec.sawCancel, true);
    assert.deepEqual(rec.sentStatuses, [100, 180, 487]);
    assert.equal(rec.finalStatus, 487);
    assert.ok(rec.receivedMethods.includes('CANCEL'), 'rec.receivedMethods.includes("CANCEL")');
  });

  it('filters and clears call records', async () => {
    const all = await api<CallRecord[]>(sandbox.httpUrl, '/api/calls');
    assert.ok(
      all.length >= Object.keys(OUTCOMES).length,
      'all.length >= Object.keys(OUTCOMES).length',
    );
    const started = all.map((r) => Date.parse(r.startedAt));
    assert.deepEqual(
      started,
      [...started].sort((a, b) => a - b),
      'newest last',
    );
    assert.deepEqual(await api(sandbox.httpUrl, '/api/calls?number=no-such'), []);
    const cleared = await api<{ ok: boolean }>(sandbox.httpUrl, '/api/calls', 'DELETE');
    assert.equal(cleared.ok, true);
    assert.deepEqual(await api(sandbox.httpUrl, '/api/calls'), []);
    assert.deepEqual(sandbox.calls(), []);
  });
});
