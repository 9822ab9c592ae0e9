// Hold / resume against the hold test numbers (a werift peer plays the browser): `hold-491`
// answers the first re-INVITE 491 Request Pending and later ones normally, `hold-fail` answers
// every re-INVITE 488 and the call goes on. Every re-INVITE is in the call record.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSandbox, type CallRecord, type Sandbox } from '../../sandbox/server.js';
import {
  SipTestClient,
  api,
  eventually,
  rand,
  tagFrom,
  testLog,
  type RequestSpec,
} from './helpers/sip-client.js';
import { WeriftCaller } from './helpers/werift-caller.js';

describe('hold numbers', () => {
  let sandbox: Sandbox;
  let alice: SipTestClient;
  const callers: WeriftCaller[] = [];

  before(async () => {
    sandbox = await startSandbox({ log: testLog() });
    alice = await SipTestClient.connect(sandbox.wsUrl);
    assert.equal((await alice.register('alice', 'alice-sandbox')).status, 200);
  });
  after(async () => {
    await Promise.all(callers.map((c) => c.close()));
    alice.close();
    await sandbox.close();
  });

  /** Call `number` from a werift peer, confirm the call and wait for the echo. */
  async function connectedCall(number: string) {
    const { caller, sdp } = await WeriftCaller.create();
    callers.push(caller);
    const inv = await alice.invite({ number, user: 'alice', password: 'alice-sandbox', sdp });
    const ok = await alice.response(inv.callId, 'INVITE', (s) => s >= 200);
    assert.equal(ok.status, 200);
    const toTag = tagFrom(ok.get('To'));
    let cseq = inv.cseq;
    const dialog = (method: string, extra: Partial<RequestSpec> = {}): RequestSpec => ({
      method,
      uri: inv.uri,
      fromUser: 'alice',
      fromTag: inv.fromTag,
      callId: inv.callId,
      cseq: method === 'ACK' ? cseq : ++cseq,
      toTag,
      ...extra,
    });
    alice.send(dialog('ACK'));
    await caller.accept(ok.body);
    await echoFlows(caller);
    const offer = (await caller.pc.createOffer()).sdp;

    /** Send a re-INVITE offering `dir`; ACK its final response; resolve with it. */
    async function reinvite(dir: string) {
      const branch = `z9hG4bK${rand(6)}`;
      alice.send(
        dialog('INVITE', {
          branch,
          body: offer.replace(/a=sendrecv/g, `a=${dir}`),
          contact: alice.contact,
        }),
      );
      const final = await alice.response(inv.callId, 'INVITE', (s) => s >= 200);
      // A non-2xx is ACKed in its transaction (same branch), a 2xx in the dialog.
      alice.send(dialog('ACK', final.status >= 300 ? { branch } : {}));
      return final;
    }
    return { caller, inv, dialog, reinvite };
  }

  /** Audio sent now comes back (echo). */
  async function echoFlows(caller: WeriftCaller): Promise<void> {
    const before = caller.received.length;
    await caller.sendAudio(10);
    await eventually(
      () => (caller.received.length >= before + 5 ? true : undefined),
      2000,
      'echoed audio',
    );
  }

  async function record(callId: string): Promise<CallRecord> {
    const rec = (await api<CallRecord[]>(sandbox.httpUrl, '/api/calls')).find(
      (r) => r.callId === callId,
    );
    assert.ok(rec, `record of ${callId}`);
    return rec;
  }

  it('hold-491: the first re-INVITE gets 491, the retry and later ones the mirrored direction', async () => {
    const { caller, inv, dialog, reinvite } = await connectedCall('hold-491');
    const glare = await reinvite('sendonly');
    assert.equal(glare.status, 491);
    assert.equal(glare.reason, 'Request Pending');

    const held = await reinvite('sendonly');
    assert.equal(held.status, 200);
    assert.match(held.body, /^a=recvonly\r?$/m);
    await new Promise((r) => setTimeout(r, 100));
    const before = caller.received.length;
    await caller.sendAudio(8);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(caller.received.length, before, 'no echo while held');

    const inactive = await reinvite('inactive');
    assert.equal(inactive.status, 200);
    assert.match(inactive.body, /^a=inactive\r?$/m);
    const resumed = await reinvite('sendrecv');
    assert.equal(resumed.status, 200);
    assert.match(resumed.body, /^a=sendrecv\r?$/m);
    await echoFlows(caller);

    alice.send(dialog('BYE'));
    assert.equal((await alice.response(inv.callId, 'BYE')).status, 200);
    const rec = await record(inv.callId);
    assert.deepEqual(
      rec.reinvites.map((r) => [r.direction, r.status]),
      [
        ['sendonly', 491],
        ['sendonly', 200],
        ['inactive', 200],
        ['sendrecv', 200],
      ],
    );
    assert.ok(rec.reinvites.every((r) => !Number.isNaN(Date.parse(r.at))));
    assert.equal(rec.endReason, 'BYE from the caller');
  });

  it('hold-fail: every re-INVITE gets 488 and the call goes on', async () => {
    const { caller, inv, dialog, reinvite } = await connectedCall('hold-fail');
    for (const dir of ['sendonly', 'inactive', 'sendrecv']) {
      const res = await reinvite(dir);
      assert.equal(res.status, 488);
      assert.equal(res.reason, 'Not Acceptable Here');
      assert.match(res.get('Warning') ?? '', /^399 \S+ ".*re-INVITE.*"$/);
    }
    // Still connected: audio is echoed, INFO digits are decoded.
    await echoFlows(caller);
    alice.send(
      dialog('INFO', {
        body: 'Signal=4\r\nDuration=100\r\n',
        contentType: 'application/dtmf-relay',
      }),
    );
    assert.equal((await alice.response(inv.callId, 'INFO')).status, 200);
    alice.send(dialog('BYE'));
    assert.equal((await alice.response(inv.callId, 'BYE')).status, 200);
    const rec = await record(inv.callId);
    assert.deepEqual(
      rec.reinvites.map((r) => [r.direction, r.status]),
      [
        ['sendonly', 488],
        ['inactive', 488],
        ['sendrecv', 488],
      ],
    );
    assert.deepEqual(
      rec.dtmf.map((d) => d.digit),
      ['4'],
    );
    assert.equal(rec.finalStatus, 200);
    assert.ok(rec.rtp.packetsIn > 0 && rec.rtp.packetsOut > 0);
  });

  it('echo records re-INVITEs too (an offerless one as direction null)', async () => {
    const { inv, dialog, reinvite } = await connectedCall('echo');
    assert.equal((await reinvite('sendonly')).status, 200);
    const branch = `z9hG4bK${rand(6)}`;
    alice.send(dialog('INVITE', { branch, contact: alice.contact }));
    const offerless = await alice.response(inv.callId, 'INVITE', (s) => s >= 200);
    assert.equal(offerless.status, 200);
    assert.match(offerless.body, /^v=0/m, 'the 200 carries an offer');
    alice.send(dialog('ACK'));
    alice.send(dialog('BYE'));
    assert.equal((await alice.response(inv.callId, 'BYE')).status, 200);
    const rec = await record(inv.callId);
    assert.deepEqual(
      rec.reinvites.map((r) => [r.direction, r.status]),
      [
        ['sendonly', 200],
        [null, 200],
      ],
    );
  });
});
