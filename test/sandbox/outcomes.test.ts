// Outcome numbers, unknown numbers, INVITE authentication and ring + CANCEL.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OUTCOMES, TEST_NUMBERS, TEST_NUMBER_LIST } from '../../sandbox/numbers.js';
import { startSandbox, type CallRecord, type Sandbox } from '../../sandbox/server.js';
import type { SipMessage } from '../../sandbox/sip-message.js';
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

  /** alice's INVITE to `number` with an offer, as alice with her password unless `as` differs. */
  const invite = (
    number: string,
    as: { user?: string; authUser?: string; password?: string } = {},
  ) =>
    alice.invite({ number, user: 'alice', password: 'alice-sandbox', sdp: webrtcOffer(), ...as });
  const finalResponse = (callId: string) => alice.response(callId, 'INVITE', (s) => s >= 200);
  /** The ACK of a final response to an INVITE that {@link invite} sent. */
  const ack = (
    sent: { uri: string; fromTag: string; callId: string },
    final: SipMessage,
    branch: string | undefined,
  ) =>
    alice.send({
      method: 'ACK',
      uri: sent.uri,
      fromUser: 'alice',
      fromTag: sent.fromTag,
      callId: sent.callId,
      cseq: 2,
      branch,
      toTag: tagFrom(final.get('To')),
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
    const res = await finalResponse(callId);
    assert.equal(res.status, 407);
    assert.match(res.get('Proxy-Authenticate') ?? '', /^Digest realm="localhost", nonce="/);
  });

  // INVITEs the sandbox answers with one final response (after the digest challenge, if any).
  const refusals: Array<{
    title: string;
    number: string;
    as?: { user?: string; authUser?: string; password?: string };
    status: number;
    reason?: string;
  }> = [
    {
      title: 'challenges an INVITE with a wrong password again with 407',
      number: 'echo',
      as: { password: 'wrong-password' },
      status: 407,
    },
    {
      title: 'refuses an INVITE whose caller ID differs from the auth user with the carrier 403',
      number: 'echo',
      as: { user: 'bob', authUser: 'alice' },
      status: 403,
      reason: OUTCOMES['403']!.reason,
    },
    { title: 'answers an unknown number with 404', number: 'nobody-here', status: 404 },
    { title: 'answers 480 for a known user who is not registered', number: 'bob', status: 480 },
  ];
  for (const { title, number, as, status, reason } of refusals) {
    it(title, async () => {
      const { callId } = await invite(number, as);
      const res = await finalResponse(callId);
      assert.equal(res.status, status);
      if (reason !== undefined) assert.equal(res.reason, reason);
    });
  }

  for (const [number, outcome] of Object.entries(OUTCOMES)) {
    it(`${number} answers 100 Trying then ${outcome.status} ${outcome.reason}`, async () => {
      const sent = await invite(number);
      const { callId } = sent;
      const trying = await alice.response(callId, 'INVITE', (s) => s === 100);
      assert.equal(trying.reason, 'Trying');
      const final = await finalResponse(callId);
      assert.equal(final.status, outcome.status);
      assert.equal(final.reason, outcome.reason);
      assert.doesNotMatch(final.reason, /[[\]]/, 'JsSIP drops reason phrases with brackets');
      if (number === '503') assert.equal(final.get('Retry-After'), '120');
      ack(sent, final, final.values('Via')[0]!.match(/branch=([^;]+)/)![1]);
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

  it('ring: 180 until CANCEL, then 200 for the CANCEL and 487 for the INVITE', async () => {
    const sent = await invite('ring');
    const { callId, uri, fromTag, branch } = sent;
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
    const terminated = finalResponse(callId);
    alice.send({ method: 'CANCEL', uri, fromUser: 'alice', fromTag, callId, cseq: 2, branch });
    assert.equal((await cancelOk).status, 200);
    const final = await terminated;
    assert.equal(final.status, 487);
    assert.equal(final.reason, 'Request Terminated');
    ack(sent, final, branch);
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
