// Transfers through the proxy: REFER, NOTIFY (message/sipfrag) and refer SUBSCRIBEs relayed in
// the dialog with Refer-To untouched, an INVITE with Replaces routed to the tab that holds the
// replaced dialog, and re-INVITEs of relayed calls recorded. Raw SIP clients play the browsers,
// sending what JsSIP 3.13.8 sends (RTCSession/ReferSubscriber.js, ReferNotifier.js).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSandbox, type CallRecord, type Sandbox } from '../../sandbox/server.js';
import type { SipMessage } from '../../sandbox/sip-message.js';
import {
  SipTestClient,
  api,
  eventually,
  rand,
  tagFrom,
  testLog,
  webrtcOffer,
} from './helpers/sip-client.js';

const uriOf = (contact: string | undefined) => /<([^>]+)>/.exec(contact ?? '')?.[1] ?? '';

/** One party's view of an established dialog: enough to send requests in it. */
class Side {
  cseq: number;
  constructor(
    readonly client: SipTestClient,
    readonly user: string,
    readonly tag: string,
    readonly peerUser: string,
    readonly peerTag: string,
    readonly callId: string,
    readonly target: string,
    readonly routes: string[],
    firstCSeq: number,
  ) {
    this.cseq = firstCSeq;
  }

  /** Send an in-dialog request; returns its CSeq number. */
  send(method: string, opts: { headers?: string[]; body?: string; contentType?: string } = {}) {
    const cseq = method === 'ACK' ? this.cseq : ++this.cseq;
    this.client.send({
      method,
      uri: this.target,
      toUri: `sip:${this.peerUser}@localhost`,
      toTag: this.peerTag,
      fromUser: this.user,
      fromTag: this.tag,
      callId: this.callId,
      cseq,
      contact: this.client.contact,
      headers: [...this.routes.map((r) => `Route: ${r}`), ...(opts.headers ?? [])],
      ...(opts.body !== undefined ? { body: opts.body } : {}),
      ...(opts.contentType !== undefined ? { contentType: opts.contentType } : {}),
    });
    return cseq;
  }

  /** Send `method` and wait until the peer's client receives it. */
  async deliver(
    peer: SipTestClient,
    method: string,
    opts: { headers?: string[]; body?: string; contentType?: string } = {},
  ): Promise<SipMessage> {
    const arriving = peer.request(method, this.callId);
    this.send(method, opts);
    return arriving;
  }
}

describe('transfers through the proxy', () => {
  let sandbox: Sandbox;
  const clients: SipTestClient[] = [];

  async function user(name: string): Promise<SipTestClient> {
    const c = await SipTestClient.connect(sandbox.wsUrl);
    clients.push(c);
    assert.equal((await c.register(name, `${name}-sandbox`)).status, 200);
    return c;
  }

  before(async () => {
    sandbox = await startSandbox({ log: testLog() });
  });
  after(async () => {
    for (const c of clients) c.close();
    await sandbox.close();
  });

  /** `a` calls `b` through the sandbox and both confirm the dialog. */
  async function call(
    a: SipTestClient,
    aUser: string,
    b: SipTestClient,
    bUser: string,
    headers: string[] = [],
  ) {
    const incoming = b.request('INVITE');
    const inv = await a.invite({
      number: bUser,
      user: aUser,
      password: `${aUser}-sandbox`,
      sdp: webrtcOffer(),
      headers,
    });
    const atB = await incoming;
    const bTag = rand(4);
    const rr = atB.values('Record-Route');
    b.respond(atB, 200, 'OK', {
      toTag: bTag,
      body: webrtcOffer(),
      headers: rr.map((r): [string, string] => ['Record-Route', r]),
    });
    const ok = await a.response(inv.callId, 'INVITE', (s) => s >= 200);
    assert.equal(ok.status, 200);
    const aSide = new Side(
      a,
      aUser,
      inv.fromTag,
      bUser,
      bTag,
      inv.callId,
      uriOf(ok.get('Contact')),
      ok.values('Record-Route').reverse(),
      inv.cseq,
    );
    const acked = b.request('ACK', inv.callId);
    aSide.send('ACK');
    await acked;
    const bSide = new Side(b, bUser, bTag, aUser, inv.fromTag, inv.callId, a.contactUri, rr, 0);
    return { callId: inv.callId, aSide, bSide, atB };
  }

  async function record(callId: string): Promise<CallRecord> {
    const rec = (await api<CallRecord[]>(sandbox.httpUrl, '/api/calls')).find(
      (r) => r.callId === callId,
    );
    assert.ok(rec, `record of ${callId}`);
    return rec;
  }

  it('blind transfer: REFER, NOTIFY and a refer SUBSCRIBE are relayed in the dialog', async () => {
    const alice = await user('alice');
    const bob = await user('bob');
    const { callId, aSide, bSide } = await call(alice, 'alice', bob, 'bob');

    // alice (transferor) → bob (transferee): REFER as JsSIP sends it.
    const referTo = '<sip:carol@localhost>';
    const refer = await aSide.deliver(bob, 'REFER', {
      headers: [`Refer-To: ${referTo}`, 'Referred-By: <sip:alice@localhost>'],
    });
    const referId = aSide.cseq; // JsSIP's refer subscription id: the REFER's CSeq
    assert.equal(refer.uri, bob.contactUri);
    assert.equal(refer.get('Refer-To'), referTo);
    assert.equal(refer.get('Referred-By'), '<sip:alice@localhost>');
    assert.equal(refer.get('Route'), undefined, 'our Route entry consumed');
    bob.respond(refer, 202, 'Accepted');
    assert.equal((await alice.response(callId, 'REFER')).status, 202);

    // bob → alice: NOTIFYs with the progress of his call to carol (message/sipfrag).
    for (const [frag, state] of [
      ['SIP/2.0 100 Trying', 'active;expires=300'],
      ['SIP/2.0 200 OK', 'terminated;reason=noresource'],
    ] as const) {
      const notify = await bSide.deliver(alice, 'NOTIFY', {
        headers: [`Event: refer;id=${referId}`, `Subscription-State: ${state}`],
        body: frag,
        contentType: 'message/sipfrag;version=2.0',
      });
      assert.equal(notify.uri, alice.contactUri);
      assert.equal(notify.body, frag);
      assert.equal(notify.get('Event'), `refer;id=${referId}`);
      assert.equal(notify.get('Subscription-State'), state);
      assert.equal(notify.get('Content-Type'), 'message/sipfrag;version=2.0');
      alice.respond(notify, 200, 'OK');
      assert.equal((await bob.response(callId, 'NOTIFY')).status, 200);
      if (frag.includes('100')) {
        // A refresh of the implicit subscription goes the other way.
        const sub = await aSide.deliver(bob, 'SUBSCRIBE', {
          headers: [`Event: refer;id=${referId}`, 'Expires: 60'],
        });
        assert.equal(sub.get('Event'), `refer;id=${referId}`);
        bob.respond(sub, 200, 'OK', { headers: [['Expires', '60']] });
        assert.equal((await alice.response(callId, 'SUBSCRIBE')).status, 200);
      }
    }
    // A failing NOTIFY answer travels back too (481: subscription unknown).
    const late = await bSide.deliver(alice, 'NOTIFY', {
      headers: ['Event: refer;id=99', 'Subscription-State: terminated'],
      body: 'SIP/2.0 503 Service Unavailable',
      contentType: 'message/sipfrag;version=2.0',
    });
    alice.respond(late, 481, 'Subscription does not exist');
    assert.equal((await bob.response(callId, 'NOTIFY')).status, 481);

    const bye = await aSide.deliver(bob, 'BYE');
    bob.respond(bye, 200, 'OK');
    await alice.response(callId, 'BYE');
    const rec = await record(callId);
    for (const m of ['REFER', 'NOTIFY', 'SUBSCRIBE', 'BYE']) {
      assert.ok(rec.receivedMethods.includes(m), `${m} in ${rec.receivedMethods.join(' ')}`);
    }
  });

  it('attended transfer: Replaces in Refer-To intact; the INVITE with Replaces reaches the right tab', async () => {
    const alice = await user('alice');
    const bob = await user('bob');
    const carol1 = await user('carol');
    const first = await call(alice, 'alice', bob, 'bob');
    const second = await call(alice, 'alice', carol1, 'carol');
    // carol opens a second tab: plain calls to carol now reach it, not the first one.
    const carol2 = await user('carol');

    const replaces = `${second.callId};to-tag=${second.aSide.peerTag};from-tag=${second.aSide.tag}`;
    const referTo = `<sip:carol@localhost?Replaces=${encodeURIComponent(replaces)}>`;
    assert.match(referTo, /%3Bto-tag%3D/, 'escaped as JsSIP escapes it');
    const refer = await first.aSide.deliver(bob, 'REFER', {
      headers: [`Refer-To: ${referTo}`, 'Referred-By: <sip:alice@localhost>'],
    });
    assert.equal(refer.get('Refer-To'), referTo, 'Refer-To byte for byte');
    bob.respond(refer, 202, 'Accepted');
    assert.equal((await alice.response(first.callId, 'REFER')).status, 202);

    // bob's INVITE with Replaces (and Require: replaces, end to end: no 420 from the proxy)
    // reaches carol's first tab, where the replaced dialog lives.
    const atCarol2 = carol2.request('INVITE', undefined, 1500).then(
      () => 'carol2',
      () => 'none',
    );
    const { aSide: bobToCarol, atB: atCarol1 } = await call(bob, 'bob', carol1, 'carol', [
      `Replaces: ${replaces}`,
      'Require: replaces',
    ]);
    assert.equal(atCarol1.get('Replaces'), replaces);
    assert.equal(atCarol1.uri, carol1.contactUri);
    assert.equal(await atCarol2, 'none', 'the second tab got nothing');

    // Without Replaces (or with one naming an unknown dialog) the latest registration wins.
    const plain = await call(bob, 'bob', carol2, 'carol', [
      `Replaces: nosuchcall;to-tag=1;from-tag=2`,
    ]);
    assert.equal(plain.atB.uri, carol2.contactUri);

    // The transferor hears the outcome and hangs up; the replaced call ends at carol.
    const notify = await first.bSide.deliver(alice, 'NOTIFY', {
      headers: [`Event: refer;id=${first.aSide.cseq}`, 'Subscription-State: terminated'],
      body: 'SIP/2.0 200 OK',
      contentType: 'message/sipfrag;version=2.0',
    });
    alice.respond(notify, 200, 'OK');
    await bob.response(first.callId, 'NOTIFY');
    const bye = await second.bSide.deliver(alice, 'BYE');
    alice.respond(bye, 200, 'OK');
    assert.equal((await carol1.response(second.callId, 'BYE')).status, 200);
    const rec = await record(bobToCarol.callId);
    assert.equal(rec.direction, 'relay');
    assert.equal(rec.from, 'bob');
    assert.equal(rec.finalStatus, 200);
  });

  it('an INVITE with Replaces to a test number replaces the sandbox call (BYE to the old peer)', async () => {
    const alice = await user('alice');
    const bob = await user('bob');
    const inv = await alice.invite({
      number: 'echo',
      user: 'alice',
      password: 'alice-sandbox',
      sdp: webrtcOffer(),
    });
    const ok = await alice.response(inv.callId, 'INVITE', (s) => s >= 200);
    assert.equal(ok.status, 200);
    const echoTag = tagFrom(ok.get('To'))!;
    alice.send({
      method: 'ACK',
      uri: uriOf(ok.get('Contact')),
      fromUser: 'alice',
      fromTag: inv.fromTag,
      toUri: inv.uri,
      toTag: echoTag,
      callId: inv.callId,
      cseq: inv.cseq,
    });

    // A Replaces naming no call of the sandbox: 481.
    const wrong = await bob.invite({
      number: 'echo',
      user: 'bob',
      password: 'bob-sandbox',
      sdp: webrtcOffer(),
      headers: [`Replaces: ${inv.callId};to-tag=${echoTag};from-tag=wrong`],
    });
    assert.equal((await bob.response(wrong.callId, 'INVITE', (s) => s >= 200)).status, 481);

    const byeAtAlice = alice.request('BYE', inv.callId);
    const repl = await bob.invite({
      number: 'echo',
      user: 'bob',
      password: 'bob-sandbox',
      sdp: webrtcOffer(),
      headers: [`Replaces: ${inv.callId};to-tag=${echoTag};from-tag=${inv.fromTag}`],
    });
    const replOk = await bob.response(repl.callId, 'INVITE', (s) => s >= 200);
    assert.equal(replOk.status, 200);
    const bye = await byeAtAlice;
    assert.equal(tagFrom(bye.get('From')), echoTag);
    alice.respond(bye, 200, 'OK');
    const old = await eventually(async () => {
      const r = await record(inv.callId);
      return r.endedAt ? r : undefined;
    });
    assert.equal(old.endReason, `replaced by call ${repl.callId}`);
    assert.deepEqual(old.sentMethods, ['BYE']);
    bob.send({
      method: 'BYE',
      uri: uriOf(replOk.get('Contact')),
      fromUser: 'bob',
      fromTag: repl.fromTag,
      toUri: repl.uri,
      toTag: tagFrom(replOk.get('To')),
      callId: repl.callId,
      cseq: repl.cseq + 1,
    });
    assert.equal((await bob.response(repl.callId, 'BYE')).status, 200);
  });

  it('records re-INVITEs of relayed calls with the offered direction and the answer', async () => {
    const alice = await user('alice');
    const bob = await user('bob');
    const { callId, aSide, bSide } = await call(alice, 'alice', bob, 'bob');
    const offer = webrtcOffer();
    const steps: Array<[string, SipTestClient, Side, number]> = [
      ['sendonly', bob, aSide, 491],
      ['sendonly', bob, aSide, 200],
      ['inactive', alice, bSide, 200],
      ['sendrecv', bob, aSide, 200],
    ];
    for (const [dir, peer, side, status] of steps) {
      const reinvite = await side.deliver(peer, 'INVITE', {
        body: offer.replace('a=sendrecv', `a=${dir}`),
      });
      peer.respond(reinvite, status, status === 200 ? 'OK' : 'Request Pending', {
        ...(status === 200 ? { body: offer } : {}),
      });
      const final = await side.client.response(callId, 'INVITE', (s) => s >= 200);
      assert.equal(final.status, status);
      if (status === 200) {
        const acked = peer.request('ACK', callId);
        side.send('ACK');
        await acked;
      }
    }
    const rec = await record(callId);
    assert.deepEqual(
      rec.reinvites.map((r) => [r.direction, r.status]),
      steps.map(([dir, , , status]) => [dir, status]),
    );
    for (const r of rec.reinvites) assert.ok(!Number.isNaN(Date.parse(r.at)));
  });
});
