// SIP events at the sandbox: busy lamps (`dialog`), presence (PIDF) and voicemail
// (`message-summary`) by SUBSCRIBE / NOTIFY, refreshes and un-SUBSCRIBE, the refusals, the
// unsolicited message-summary NOTIFY, and the `voicemail` number marking messages heard.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import type { SipMessage } from '../../sandbox/sip-message.js';
import type { SubscriptionInfo } from '../../sandbox/events.js';
import {
  SipTestClient,
  api,
  digestHeader,
  eventually,
  rand,
  tagFrom,
  testLog,
  webrtcOffer,
} from './helpers/sip-client.js';

const PASSWORDS: Record<string, string> = {
  alice: 'alice-sandbox',
  bob: 'bob-sandbox',
  carol: 'carol-sandbox',
};

describe('events: SUBSCRIBE / NOTIFY', () => {
  let sandbox: Sandbox;
  const clients: SipTestClient[] = [];
  const connect = async (user?: string) => {
    const c = await SipTestClient.connect(sandbox.wsUrl);
    clients.push(c);
    if (user) assert.equal((await c.register(user, PASSWORDS[user]!)).status, 200);
    return c;
  };

  before(async () => {
    sandbox = await startSandbox({ log: testLog() });
  });
  after(async () => {
    for (const c of clients) c.close();
    await sandbox.close();
  });

  /** An authenticated initial SUBSCRIBE; resolves with the final response and the dialog. */
  async function subscribe(
    c: SipTestClient,
    user: string,
    target: string,
    event: string,
    opts: { expires?: number; accept?: string } = {},
  ) {
    const callId = rand(10);
    const fromTag = rand(4);
    const uri = `sip:${target}@localhost`;
    const headers = [`Event: ${event}`, `Expires: ${opts.expires ?? 600}`];
    if (opts.accept) headers.push(`Accept: ${opts.accept}`);
    const base = { method: 'SUBSCRIBE', uri, fromUser: user, fromTag, callId, contact: c.contact };
    // The first NOTIFY follows the 200 at once: wait for it before sending.
    const first = notifyOf(c, callId);
    first.catch(() => undefined);
    c.send({ ...base, cseq: 1, headers });
    let res = await c.response(callId, 'SUBSCRIBE', (s) => s >= 200);
    if (res.status === 407) {
      const auth = digestHeader({
        challenge: res.get('Proxy-Authenticate') ?? '',
        user,
        password: PASSWORDS[user]!,
        method: 'SUBSCRIBE',
        uri,
      });
      c.send({ ...base, cseq: 2, headers: [...headers, `Proxy-Authorization: ${auth}`] });
      res = await c.response(callId, 'SUBSCRIBE', (s) => s >= 200);
    }
    const toTag = tagFrom(res.get('To'));
    let cseq = 2;
    /** A SUBSCRIBE in the dialog (a refresh, or an un-SUBSCRIBE with 0). */
    const refresh = (expires: number) => {
      c.send({
        ...base,
        uri: /<([^>]+)>/.exec(res.get('Contact') ?? '')?.[1] ?? uri,
        toUri: uri,
        toTag,
        cseq: ++cseq,
        headers: [`Event: ${event}`, `Expires: ${expires}`],
      });
      return c.response(callId, 'SUBSCRIBE', (s) => s >= 200);
    };
    return { res, callId, refresh, first };
  }

  /** The next NOTIFY of a subscription; answered 200. */
  async function notifyOf(
    c: SipTestClient,
    callId: string,
    pred: (m: SipMessage) => boolean = () => true,
  ) {
    const m = await c.waitFor(
      (msg) =>
        msg.isRequest && msg.method === 'NOTIFY' && msg.get('Call-ID') === callId && pred(msg),
      5000,
      `NOTIFY for ${callId}`,
    );
    c.respond(m, 200, 'OK');
    return m;
  }

  it('serves dialog state: idle, then early while a number rings, then idle after CANCEL', async () => {
    const alice = await connect('alice');
    const sub = await subscribe(alice, 'alice', 'ring', 'dialog', {
      accept: 'application/dialog-info+xml',
    });
    assert.equal(sub.res.status, 200);
    assert.equal(sub.res.get('Expires'), '600');
    assert.match(sub.res.get('Contact') ?? '', /^<sip:ring@/);
    const first = await sub.first;
    assert.equal(first.get('Event'), 'dialog');
    assert.equal(first.get('Content-Type'), 'application/dialog-info+xml');
    assert.match(first.get('Subscription-State') ?? '', /^active;expires=\d+$/);
    assert.match(
      first.body,
      /<dialog-info [^>]*version="0" state="full" entity="sip:ring@localhost"/,
    );
    assert.doesNotMatch(first.body, /<dialog /);

    const bob = await connect('bob');
    const ringing = notifyOf(alice, sub.callId, (m) => m.body.includes('<state>early</state>'));
    const inv = await bob.invite({
      number: 'ring',
      user: 'bob',
      password: 'bob-sandbox',
      sdp: webrtcOffer(),
    });
    const early = await ringing;
    assert.match(early.body, /version="1"/);
    assert.match(early.body, /direction="recipient"/);
    const idle = notifyOf(alice, sub.callId, (m) => !m.body.includes('<dialog '));
    bob.send({
      method: 'CANCEL',
      uri: inv.uri,
      fromUser: 'bob',
      fromTag: inv.fromTag,
      callId: inv.callId,
      cseq: inv.cseq,
      branch: inv.branch,
    });
    assert.match((await idle).body, /version="2"/);
  });

  it('shows a user calling out as the initiator, and presence as open while registered', async () => {
    const alice = await connect('alice');
    const carol = await connect('carol');
    const dialog = await subscribe(alice, 'alice', 'carol', 'dialog');
    await dialog.first;
    const presence = await subscribe(alice, 'alice', 'carol', 'presence');
    assert.equal(presence.res.status, 200);
    const open = await presence.first;
    assert.equal(open.get('Content-Type'), 'application/pidf+xml');
    assert.match(open.body, /<basic>open<\/basic>/);
    const calling = notifyOf(alice, dialog.callId, (m) => m.body.includes('direction="initiator"'));
    await carol.invite({
      number: 'ring',
      user: 'carol',
      password: 'carol-sandbox',
      sdp: webrtcOffer(),
    });
    assert.match((await calling).body, /<state>early<\/state>/);
    const closed = notifyOf(alice, presence.callId, (m) => m.body.includes('closed'));
    carol.close();
    await closed;
  });

  it('refreshes in the dialog with a NOTIFY, and ends on Expires: 0 with a terminated NOTIFY', async () => {
    const alice = await connect('alice');
    const sub = await subscribe(alice, 'alice', 'echo', 'dialog', { expires: 120 });
    await sub.first;
    const again = notifyOf(alice, sub.callId);
    const refreshed = await sub.refresh(300);
    assert.equal(refreshed.status, 200);
    assert.equal(refreshed.get('Expires'), '300');
    await again;
    const mine = (list: SubscriptionInfo[]) =>
      list.filter((s) => s.subscriber === 'alice' && s.target === 'echo');
    const listed = mine(await api<SubscriptionInfo[]>(sandbox.httpUrl, '/api/subscriptions'));
    assert.equal(listed.length, 1);
    assert.equal(listed[0]!.subscribes, 2);
    const last = notifyOf(alice, sub.callId);
    assert.equal((await sub.refresh(0)).status, 200);
    assert.match((await last).get('Subscription-State') ?? '', /^terminated/);
    assert.equal(
      mine(await api<SubscriptionInfo[]>(sandbox.httpUrl, '/api/subscriptions')).length,
      0,
    );
  });

  it("refuses an unknown package (489), another user's mailbox (403), an unknown target (404)", async () => {
    const alice = await connect('alice');
    const bad = await subscribe(alice, 'alice', 'bob', 'conference');
    assert.equal(bad.res.status, 489);
    assert.match(bad.res.get('Allow-Events') ?? '', /dialog, presence, message-summary/);
    assert.equal((await subscribe(alice, 'alice', 'bob', 'message-summary')).res.status, 403);
    assert.equal((await subscribe(alice, 'alice', 'nobody', 'dialog')).res.status, 404);
    assert.equal(
      (await subscribe(alice, 'alice', 'bob', 'dialog', { accept: 'text/plain' })).res.status,
      406,
    );
  });

  it('tells a subscriber its voicemail counts, and a phone that did not subscribe by an unsolicited NOTIFY', async () => {
    const alice = await connect('alice');
    const sub = await subscribe(alice, 'alice', 'alice', 'message-summary');
    const empty = await sub.first;
    assert.equal(empty.get('Content-Type'), 'application/simple-message-summary');
    assert.match(empty.body, /^Messages-Waiting: no\r\n/);
    const waiting = notifyOf(alice, sub.callId, (m) => m.body.includes('yes'));
    const put = await fetch(`${sandbox.httpUrl}/api/voicemail/alice`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ newMessages: 2, oldMessages: 1 }),
    });
    assert.equal(put.status, 200);
    assert.match((await waiting).body, /Voice-Message: 2\/1 \(0\/0\)/);

    const bob = await connect('bob');
    const unsolicited = bob.waitFor(
      (m) => m.isRequest && m.method === 'NOTIFY' && m.get('Event') === 'message-summary',
    );
    await fetch(`${sandbox.httpUrl}/api/voicemail/bob`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ newMessages: 1, oldMessages: 0 }),
    });
    const n = await unsolicited;
    assert.equal(tagFrom(n.get('To')), undefined);
    assert.match(
      n.body,
      /Messages-Waiting: yes\r\nMessage-Account: sip:voicemail@localhost\r\nVoice-Message: 1\/0/,
    );
    const refused = await fetch(`${sandbox.httpUrl}/api/voicemail/bob`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ newMessages: -1, oldMessages: 'x' }),
    });
    assert.equal(refused.status, 400);
  });

  it('marks new messages heard when the owner calls voicemail', async () => {
    const carol = await connect('carol');
    await fetch(`${sandbox.httpUrl}/api/voicemail/carol`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ newMessages: 2, oldMessages: 1 }),
    });
    const inv = await carol.invite({
      number: 'voicemail',
      user: 'carol',
      password: 'carol-sandbox',
      sdp: webrtcOffer(),
    });
    const ok = await carol.response(inv.callId, 'INVITE', (s) => s >= 200);
    assert.equal(ok.status, 200);
    carol.send({
      method: 'ACK',
      uri: inv.uri,
      fromUser: 'carol',
      fromTag: inv.fromTag,
      callId: inv.callId,
      cseq: inv.cseq,
      toTag: tagFrom(ok.get('To')),
    });
    const heard = await eventually(
      async () => {
        const box = await api<{ newMessages: number; oldMessages: number }>(
          sandbox.httpUrl,
          '/api/voicemail/carol',
        );
        return box.newMessages === 0 ? box : undefined;
      },
      5000,
      'messages heard',
    );
    assert.deepEqual(heard, { newMessages: 0, oldMessages: 3 });
  });
});
