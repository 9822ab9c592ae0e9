// The sandbox calls a user with the headers that ask a phone to answer by itself (POST
// /api/calls/outbound `headers`): only Call-Info and Alert-Info, one line each (no CR, LF or other
// control characters: nothing can be injected), sent byte for byte as UTF-8; anything else is a 400
// and no INVITE leaves.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { parseOutboundHeaders } from '../../sandbox/uac.js';
import { SipTestClient, rand, testLog } from './helpers/sip-client.js';

describe('outbound calls with auto-answer headers', () => {
  let sandbox: Sandbox;
  let bob: SipTestClient;

  before(async () => {
    sandbox = await startSandbox({ log: testLog() });
    bob = await SipTestClient.connect(sandbox.wsUrl);
    assert.equal((await bob.register('bob', 'bob-sandbox')).status, 200);
  });
  after(async () => {
    bob.close();
    await sandbox.close();
  });

  async function post(body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const res = await fetch(`${sandbox.httpUrl}/api/calls/outbound`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  async function hangUp(id: unknown): Promise<void> {
    const res = await fetch(`${sandbox.httpUrl}/api/calls/outbound/${String(id)}`, {
      method: 'DELETE',
    });
    assert.equal(res.status, 200);
    await res.body?.cancel();
  }

  it('refuses other header names, CR/LF, controls, too many, too long, malformed entries', async () => {
    const h = (name: unknown, value: unknown) => ({ name, value });
    const cases: Array<[unknown, RegExp]> = [
      ['Call-Info: <sip:x>;answer-after=0', /list/],
      [{ name: 'Call-Info', value: 'x' }, /list/],
      [[h('Via', 'SIP/2.0/WS evil;branch=z9hG4bKx')], /Call-Info, Alert-Info/],
      [[h('Call-Info\r\nVia', 'x')], /Call-Info, Alert-Info/],
      [[h('X-Call-Info', 'x')], /Call-Info, Alert-Info/],
      [[h('Call-Info', '<sip:x>;answer-after=0\r\nVia: SIP/2.0/WS evil')], /CR or LF/],
      [[h('Alert-Info', ';info=alert-autoanswer\nX-Evil: 1')], /CR or LF/],
      [[h('Alert-Info', 'a\rb')], /CR or LF/],
      [[h('Call-Info', 'nul\u0000byte')], /control characters/],
      [[h('Call-Info', 'esc\u001b[31m')], /control characters/],
      [[h('Call-Info', 'del\u007f')], /control characters/],
      [[h('Call-Info', '')], /non-empty string/],
      [[h('Call-Info', 42)], /non-empty string/],
      [[h('Call-Info', 'x'.repeat(513))], /longer than 512/],
      [[{ name: 'Call-Info', value: 'x', extra: 1 }], /only "name" and "value"/],
      [[['Call-Info', 'x']], /object/],
      [[null], /object/],
      [Array.from({ length: 5 }, () => h('Alert-Info', 'x')), /at most 4/],
    ];
    for (const [headers, error] of cases) {
      const res = await post({ to: 'bob', headers });
      assert.equal(res.status, 400, JSON.stringify(headers));
      assert.match(String(res.json['error']), error, JSON.stringify(headers));
      // The error never echoes the value back.
      assert.doesNotMatch(String(res.json['error']), /evil|Via:/i);
    }
    assert.equal(bob.received.filter((m) => m.method === 'INVITE').length, 0, 'no INVITE left');
  });

  it('the parser keeps names canonical and values as given', () => {
    assert.deepEqual(
      parseOutboundHeaders([
        { name: 'call-info', value: '<sip:127.0.0.1>;answer-after=0' },
        { name: 'ALERT-INFO', value: '\t;info=alert-autoanswer' },
      ]),
      {
        ok: true,
        headers: [
          { name: 'Call-Info', value: '<sip:127.0.0.1>;answer-after=0' },
          { name: 'Alert-Info', value: '\t;info=alert-autoanswer' },
        ],
      },
    );
    assert.deepEqual(parseOutboundHeaders([]), { ok: true, headers: [] });
  });

  it('sends Call-Info and Alert-Info in the INVITE, in order, hostile text byte for byte', async () => {
    const hostile = '<javascript:alert(1)>;answer-after="<img src=x onerror=alert(1)>" \u202Eevil';
    const headers = [
      { name: 'Call-Info', value: '<sip:127.0.0.1>;answer-after=0' },
      { name: 'Alert-Info', value: '<http://127.0.0.1>;info=alert-autoanswer' },
      { name: 'Alert-Info', value: ';info=alert-autoanswer' },
      { name: 'Call-Info', value: hostile },
    ];
    const incoming = bob.request('INVITE');
    const res = await post({ to: 'bob', from: `pager-${rand(2)}`, headers });
    assert.equal(res.status, 201, JSON.stringify(res.json));
    const inv = await incoming;
    assert.equal(inv.get('Call-ID'), res.json['callId']);
    const utf8 = (values: string[]) => values.map((v) => Buffer.from(v, 'latin1').toString('utf8'));
    assert.deepEqual(utf8(inv.values('Call-Info')), ['<sip:127.0.0.1>;answer-after=0', hostile]);
    assert.deepEqual(utf8(inv.values('Alert-Info')), [
      '<http://127.0.0.1>;info=alert-autoanswer',
      ';info=alert-autoanswer',
    ]);
    // Nothing else was added: the usual headers, once each.
    assert.equal(inv.values('Via').length, 1);
    assert.equal(inv.values('Contact').length, 1);
    await hangUp(res.json['id']);
  });

  it('without headers the INVITE carries neither', async () => {
    const incoming = bob.request('INVITE');
    const res = await post({ to: 'bob' });
    assert.equal(res.status, 201);
    const inv = await incoming;
    assert.deepEqual(inv.values('Call-Info'), []);
    assert.deepEqual(inv.values('Alert-Info'), []);
    await hangUp(res.json['id']);
  });
});
