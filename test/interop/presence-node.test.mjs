// Kamailio as presence server in the interop bed, proved from Node before any browser is involved:
// SIP over WebSocket clients (sip-ws-client.mjs) with digest authentication, a sipp UAC that rings
// a user, and a UDP "voicemail server". Runs the whole bed (testbed.mjs) itself, so never at the same
// time as the browser interop group. As root, in a loopback-only namespace:
//
//   unshare --net sh -c 'ip link set lo up && node --test test/interop/presence-node.test.mjs'
//
// SIP_PHONE_INTEROP_PRINT=1 prints every NOTIFY body it reads (the shapes docs/testing.md quotes).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestBed } from './testbed.mjs';
import { bedClient, dialogStates, notifySummary, publishMwi, sendMwiNotify } from './presence.mjs';

const print = (label, m) => {
  if (!process.env.SIP_PHONE_INTEROP_PRINT) return;
  console.log(`----- ${label}\n${m.start ?? ''}\n${m.text ?? JSON.stringify(m, null, 2)}`);
};

describe('Kamailio presence server (interop bed)', { timeout: 120_000 }, () => {
  const bed = new TestBed();
  let info;
  const clients = [];
  const client = async (user, register = false, transport = 'ws') => {
    const c = await bedClient(info, user, { transport });
    clients.push(c);
    if (register) await c.register();
    return c;
  };

  before(async () => {
    info = await bed.start();
  });
  after(async () => {
    for (const c of clients) c.close();
    await bed.stop();
  });

  it('dialog: a watcher gets a dialog-info NOTIFY at once, then early and terminated while a sipp call rings the user', async () => {
    const callee = await client('1001', true);
    const watcher = await client('1002');
    const sub = await watcher.subscribe('1001', 'dialog', {
      accept: 'application/dialog-info+xml',
      expires: 120,
    });
    assert.ok([200, 202].includes(sub.response.status), sub.response.start);
    // The SUBSCRIBE was challenged first (digest, like INVITE).
    assert.ok(
      watcher.received.some((m) => m.method === 'SUBSCRIBE' && m.status === 407),
      'SUBSCRIBE challenged with 407',
    );
    print('SUBSCRIBE dialog response', sub.response);
    const first = await watcher.waitFor(
      (m) => m.method === 'NOTIFY' && m.callId === sub.dialog.callId,
      'initial dialog NOTIFY',
    );
    print('dialog NOTIFY (initial)', first);
    print('initial body as JSON', { body: first.body });
    assert.equal(first.header('event'), 'dialog');
    assert.match(first.header('subscription-state'), /^active;expires=\d+/);
    assert.equal(first.header('content-type'), 'application/dialog-info+xml');
    assert.match(first.body, /<dialog-info [^>]*state="full"[^>]*entity="sip:1001@127\.0\.0\.1"/);

    const seen = watcher.received.length;
    const ring = bed.startRinger('1001', 2500);
    const early = await watcher.waitFor(
      (m) =>
        m.method === 'NOTIFY' &&
        m.callId === sub.dialog.callId &&
        dialogStates(m.body).includes('early'),
      'early dialog NOTIFY',
      10_000,
      seen,
    );
    print('dialog NOTIFY (early, sipp rings 1001)', early);
    assert.match(early.body, /direction="recipient"/);
    const terminated = await watcher.waitFor(
      (m) =>
        m.method === 'NOTIFY' &&
        m.callId === sub.dialog.callId &&
        dialogStates(m.body).includes('terminated') &&
        m.at > early.at,
      'terminated dialog NOTIFY',
      10_000,
      seen,
    );
    print('dialog NOTIFY (terminated after CANCEL)', terminated);
    const result = await bed.waitUac(ring, 15_000);
    assert.equal(result.exitCode, 0, result.errors);
    assert.ok(
      callee.received.some((m) => m.method === 'CANCEL'),
      'the callee saw the CANCEL',
    );
    await watcher.resubscribe(sub, 0);
  });

  it('dialog: a call between two phones is early, confirmed, then terminated for a watcher of the callee', async () => {
    const caller = await client('1000', true);
    const callee = await client('1003', true);
    const watcher = await client('1002');
    const sub = await watcher.subscribe('1003', 'dialog', {
      accept: 'application/dialog-info+xml',
      expires: 120,
    });
    assert.ok([200, 202].includes(sub.response.status), sub.response.start);
    // The caller's side too (caller_confirmed: confirmed from the start, direction initiator).
    const callerWatch = await watcher.subscribe('1000', 'dialog', { expires: 120 });
    assert.equal(callerWatch.response.status, 200);
    const seen = watcher.received.length;
    const invite = caller.request('INVITE', {
      ruri: 'sip:1003@127.0.0.1',
      headers: [`Contact: ${caller.contact}`],
      body: (await import('./sip-ws-client.mjs')).dummySdp(),
      contentType: 'application/sdp',
      timeout: 15_000,
    });
    const incoming = await callee.waitFor((m) => m.method === 'INVITE' && m.ruri, 'INVITE', 5000);
    const early = await watcher.waitFor(
      (m) =>
        m.method === 'NOTIFY' &&
        m.callId === sub.dialog.callId &&
        dialogStates(m.body).includes('early'),
      'early NOTIFY',
      10_000,
      seen,
    );
    print('dialog NOTIFY (early, 1000 calls 1003)', early);
    const callerSide = await watcher.waitFor(
      (m) => m.callId === callerWatch.dialog.callId && /direction="initiator"/.test(m.body),
      "the caller's dialog",
      10_000,
      seen,
    );
    print('dialog NOTIFY (the caller 1000 while 1003 rings)', callerSide);
    callee.answerCall(incoming.callId);
    const { response, fromTag } = await invite;
    assert.equal(response.status, 200);
    const confirmed = await watcher.waitFor(
      (m) =>
        m.method === 'NOTIFY' &&
        m.callId === sub.dialog.callId &&
        dialogStates(m.body).includes('confirmed'),
      'confirmed NOTIFY',
      10_000,
      seen,
    );
    print('dialog NOTIFY (confirmed)', confirmed);
    assert.match(confirmed.body, /<local>|<remote>|local-tag=|remote-tag=/);
    const bye = await caller.request('BYE', {
      dialog: {
        callId: response.callId,
        localTag: fromTag,
        remoteTag: /tag=([^;>\s]+)/.exec(response.header('to'))[1],
        remoteUri: 'sip:1003@127.0.0.1',
        remoteTarget: /<([^>]+)>/.exec(response.header('contact'))[1],
        routeSet: [...response.headers['record-route']].reverse(),
        localSeq: 1,
      },
    });
    assert.equal(bye.response.status, 200);
    const terminated = await watcher.waitFor(
      (m) =>
        m.method === 'NOTIFY' &&
        m.callId === sub.dialog.callId &&
        m.at > confirmed.at &&
        dialogStates(m.body).includes('terminated'),
      'terminated NOTIFY',
      10_000,
      seen,
    );
    print('dialog NOTIFY (terminated after BYE)', terminated);
    // The caller's side: "Trying" (capitalised, as pua_dialoginfo writes it) while it calls,
    // confirmed once it is early (caller_confirmed), terminated at the end.
    const callerStates = await (async () => {
      await watcher.waitFor(
        (m) =>
          m.callId === callerWatch.dialog.callId &&
          m.at > confirmed.at &&
          dialogStates(m.body).includes('terminated'),
        "the caller's terminated",
        10_000,
        seen,
      );
      return watcher
        .notifies(callerWatch.dialog.callId)
        .filter((m) => /direction="initiator"/.test(m.body))
        .map((m) => dialogStates(m.body).join());
    })();
    print("the caller's states", { callerStates });
    assert.equal(callerStates[0], 'Trying');
    assert.ok(callerStates.includes('confirmed'), callerStates.join(' '));
    assert.equal(callerStates.at(-1), 'terminated');
    await watcher.resubscribe(sub, 0);
    await watcher.resubscribe(callerWatch, 0);
  });

  it('presence: a registered user is open in PIDF (pua_usrloc), an unregistered one has no tuple', async () => {
    await client('1001', true);
    const watcher = await client('1002');
    const sub = await watcher.subscribe('1001', 'presence', {
      accept: 'application/pidf+xml',
      expires: 120,
    });
    assert.ok([200, 202].includes(sub.response.status), sub.response.start);
    const notify = await watcher.waitFor(
      (m) => m.method === 'NOTIFY' && m.callId === sub.dialog.callId && /<basic>/.test(m.body),
      'PIDF NOTIFY',
    );
    print('presence NOTIFY (1001 registered)', notify);
    assert.equal(notify.header('event'), 'presence');
    assert.equal(notify.header('content-type'), 'application/pidf+xml');
    assert.match(notify.body, /<basic>open<\/basic>/);

    const other = await watcher.subscribe('sip:1900@127.0.0.1', 'presence', {
      accept: 'application/pidf+xml',
      expires: 120,
    });
    const none = await watcher.waitFor(
      (m) => m.method === 'NOTIFY' && m.callId === other.dialog.callId,
      'presence NOTIFY for a user never registered',
    );
    print('presence NOTIFY (1900 never registered)', none);
    await watcher.resubscribe(sub, 0);
    await watcher.resubscribe(other, 0);
  });

  it('message-summary: an authenticated PUBLISH reaches the subscriber as a NOTIFY; one for another user is refused', async () => {
    const phone = await client('1001', true);
    const sub = await phone.subscribe('1001', 'message-summary', {
      accept: 'application/simple-message-summary',
      expires: 120,
    });
    assert.ok([200, 202].includes(sub.response.status), sub.response.start);
    const initial = await phone.waitFor(
      (m) => m.method === 'NOTIFY' && m.callId === sub.dialog.callId,
      'initial message-summary NOTIFY',
    );
    print('message-summary NOTIFY (initial, nothing published)', initial);
    const seen = phone.received.length;
    const published = await publishMwi(info, { user: '1001', newMessages: 2, oldMessages: 5 });
    assert.equal(published.status, 200, JSON.stringify(published));
    const notify = await phone.waitFor(
      (m) =>
        m.method === 'NOTIFY' && m.callId === sub.dialog.callId && /Voice-Message/.test(m.body),
      'message-summary NOTIFY',
      5000,
      seen,
    );
    print('message-summary NOTIFY (after PUBLISH 2/5)', notify);
    assert.equal(notify.header('event'), 'message-summary');
    assert.equal(notify.header('content-type'), 'application/simple-message-summary');
    assert.match(notify.body, /^Messages-Waiting: yes\r?$/m);
    assert.match(notify.body, /^Voice-Message: 2\/5\r?$/m);

    const intruder = await client('1000');
    const refused = await intruder.publish(
      'message-summary',
      'application/simple-message-summary',
      'Messages-Waiting: yes\r\nVoice-Message: 9/9\r\n',
      { target: 'sip:1001@127.0.0.1' },
    );
    assert.equal(refused.status, 403);
    await phone.resubscribe(sub, 0);
  });

  it('message-summary: an unsolicited NOTIFY from a UDP voicemail server reaches the registered phone', async () => {
    const phone = await client('1002', true);
    const seen = phone.received.length;
    const sent = await sendMwiNotify(info, { user: '1002', newMessages: 1, oldMessages: 0 });
    assert.equal(sent.status, 200, JSON.stringify(sent));
    const notify = await phone.waitFor(
      (m) => m.method === 'NOTIFY' && m.callId === sent.callId,
      'unsolicited NOTIFY',
      5000,
      seen,
    );
    print('unsolicited message-summary NOTIFY (as the phone gets it)', notify);
    assert.equal(notify.header('event'), 'message-summary');
    assert.match(notify.body, /^Voice-Message: 1\/0\r?$/m);
    const nobody = await sendMwiNotify(info, { user: '1900' });
    assert.equal(nobody.status, 404);
    // A phone may not send one to another phone.
    const other = await client('1000');
    const refused = await other.request('NOTIFY', {
      ruri: 'sip:1002@127.0.0.1',
      headers: ['Event: message-summary', 'Subscription-State: terminated'],
      body: 'Messages-Waiting: yes\r\n',
      contentType: 'application/simple-message-summary',
    });
    assert.equal(refused.response.status, 403);
    assert.equal(notifySummary(notify).event, 'message-summary');
  });

  it('presence over WSS: open while registered, closed once the user unregisters', async () => {
    const phone = await client('1003', true, 'wss');
    const watcher = await client('1000', false, 'wss');
    const sub = await watcher.subscribe('1003', 'presence', { expires: 120 });
    assert.equal(sub.response.status, 200, sub.response.start);
    await watcher.waitFor(
      (m) => m.method === 'NOTIFY' && /<basic>open<\/basic>/.test(m.body),
      'open over WSS',
    );
    const seen = watcher.received.length;
    await phone.register(0);
    const gone = await watcher.waitFor(
      (m) => m.method === 'NOTIFY' && m.callId === sub.dialog.callId,
      'NOTIFY after the unregistration',
      5000,
      seen,
    );
    print('presence NOTIFY (1003 unregistered)', gone);
    assert.doesNotMatch(gone.body, /<basic>open<\/basic>/);
    assert.match(gone.body, /<basic>closed<\/basic>/);
    await watcher.resubscribe(sub, 0);
  });

  it('refresh and end: a re-SUBSCRIBE within the dialog is answered, Expires: 0 ends it with a terminated NOTIFY', async () => {
    await client('1001', true);
    const watcher = await client('1000');
    const sub = await watcher.subscribe('1001', 'dialog', { expires: 7200 });
    assert.equal(sub.response.status, 200);
    assert.equal(sub.response.header('expires'), '3600', 'capped at max_expires');
    const refreshed = await watcher.resubscribe(sub, 90);
    assert.ok([200, 202].includes(refreshed.status), refreshed.start);
    const seen = watcher.received.length;
    const ended = await watcher.resubscribe(sub, 0);
    assert.ok([200, 202].includes(ended.status), ended.start);
    const last = await watcher.waitFor(
      (m) => m.method === 'NOTIFY' && /^terminated/.test(m.header('subscription-state') ?? ''),
      'terminated NOTIFY',
      5000,
      seen,
    );
    print('NOTIFY after Expires: 0', last);
  });
});
