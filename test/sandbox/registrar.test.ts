// Registrar: digest challenge, wrong password, unknown user, un-REGISTER, and the HTTP API.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSandbox, type RegistrationInfo, type Sandbox } from '../../sandbox/server.js';
import {
  SipTestClient,
  api,
  challengeParams,
  digestHeader,
  md5,
  rand,
  testLog,
} from './helpers/sip-client.js';

describe('registrar', () => {
  let sandbox: Sandbox;
  const clients: SipTestClient[] = [];
  const connect = async () => {
    const c = await SipTestClient.connect(sandbox.wsUrl);
    clients.push(c);
    return c;
  };

  before(async () => {
    sandbox = await startSandbox({ log: testLog() });
  });
  after(async () => {
    for (const c of clients) c.close();
    await sandbox.close();
  });

  it('serves /api/health and lists the default users', async () => {
    assert.deepEqual(await api(sandbox.httpUrl, '/api/health'), { ok: true });
    assert.equal(sandbox.domain, 'localhost');
    assert.deepEqual(
      sandbox.users.map((u) => u.user),
      ['alice', 'bob', 'carol'],
    );
    assert.match(sandbox.wsUrl, /^ws:\/\/127\.0\.0\.1:\d+$/);
  });

  it('challenges with 401 (MD5, qop=auth) and accepts the right digest with 200', async () => {
    const c = await connect();
    const callId = rand(8);
    const uri = 'sip:localhost';
    const base = {
      method: 'REGISTER',
      uri,
      toUri: 'sip:alice@localhost',
      fromUser: 'alice',
      callId,
      contact: `${c.contact};+sip.ice;reg-id=1;+sip.instance="<urn:uuid:${rand(8)}>";expires=600`,
      headers: ['Expires: 600'],
    };
    c.send({ ...base, cseq: 1 });
    const challenge = await c.response(callId, 'REGISTER');
    assert.equal(challenge.status, 401);
    const www = challenge.get('WWW-Authenticate') ?? '';
    const p = challengeParams(www);
    assert.equal(p['realm'], 'localhost');
    assert.equal(p['qop'], 'auth');
    assert.equal(p['algorithm'], 'MD5');
    assert.ok((p['nonce'] ?? '').length > 10, '(p["nonce"] ?? "").length > 10');

    // Compute the digest here, independently of the sandbox's code.
    const cnonce = rand(8);
    const ha1 = md5(`alice:localhost:alice-sandbox`);
    const ha2 = md5(`REGISTER:${uri}`);
    const response = md5(`${ha1}:${p['nonce']}:00000001:${cnonce}:auth:${ha2}`);
    const auth =
      `Digest algorithm=MD5, username="alice", realm="localhost", nonce="${p['nonce']}", ` +
      `uri="${uri}", response="${response}", qop=auth, cnonce="${cnonce}", nc=00000001`;
    c.send({ ...base, cseq: 2, headers: [...base.headers, `Authorization: ${auth}`] });
    const ok = await c.response(callId, 'REGISTER');
    assert.equal(ok.status, 200);
    const contact = ok.get('Contact') ?? '';
    assert.ok(contact.includes(c.contactUri), `200 echoes our Contact: ${contact}`);
    assert.match(contact, /;expires=(600|599)\b/);
    assert.match(contact, /\+sip\.instance="<urn:uuid:/);

    const regs = await api<RegistrationInfo[]>(sandbox.httpUrl, '/api/registrations');
    const mine = regs.find((r) => r.contact.includes(c.contactUri));
    assert.ok(mine, 'registration listed');
    assert.equal(mine.user, 'alice');
    assert.ok(
      mine.expires > 590 && mine.expires <= 600,
      'mine.expires > 590 && mine.expires <= 600',
    );
    assert.ok(
      !Number.isNaN(Date.parse(mine.registeredAt)),
      '!Number.isNaN(Date.parse(mine.registeredAt))',
    );
  });

  it('accepts the RFC 2069 form without qop', async () => {
    const c = await connect();
    const callId = rand(8);
    const base = {
      method: 'REGISTER',
      uri: 'sip:localhost',
      toUri: 'sip:bob@localhost',
      fromUser: 'bob',
      callId,
      contact: `${c.contact};expires=60`,
    };
    c.send({ ...base, cseq: 1 });
    const challenge = await c.response(callId, 'REGISTER');
    const auth = digestHeader({
      challenge: challenge.get('WWW-Authenticate') ?? '',
      user: 'bob',
      password: 'bob-sandbox',
      method: 'REGISTER',
      uri: 'sip:localhost',
      qop: false,
    });
    c.send({ ...base, cseq: 2, headers: [`Authorization: ${auth}`] });
    assert.equal((await c.response(callId, 'REGISTER')).status, 200);
  });

  it('answers a wrong password with a fresh 401', async () => {
    const c = await connect();
    const callId = rand(8);
    const base = {
      method: 'REGISTER',
      uri: 'sip:localhost',
      toUri: 'sip:alice@localhost',
      fromUser: 'alice',
      callId,
      contact: c.contact,
    };
    c.send({ ...base, cseq: 1 });
    const first = await c.response(callId, 'REGISTER');
    assert.equal(first.status, 401);
    const auth = digestHeader({
      challenge: first.get('WWW-Authenticate') ?? '',
      user: 'alice',
      password: 'not-the-password',
      method: 'REGISTER',
      uri: 'sip:localhost',
    });
    c.send({ ...base, cseq: 2, headers: [`Authorization: ${auth}`] });
    const second = await c.response(callId, 'REGISTER');
    assert.equal(second.status, 401);
    const n1 = challengeParams(first.get('WWW-Authenticate') ?? '')['nonce'];
    const n2 = challengeParams(second.get('WWW-Authenticate') ?? '')['nonce'];
    assert.notEqual(n1, n2, 'a fresh nonce');
    const regs = await api<RegistrationInfo[]>(sandbox.httpUrl, '/api/registrations');
    assert.ok(
      !regs.some((r) => r.contact.includes(c.contactUri)),
      '!regs.some((r) => r.contact.includes(c.contactUri))',
    );
  });

  it('rejects a forged nonce', async () => {
    const c = await connect();
    const callId = rand(8);
    const challenge = 'Digest realm="localhost", nonce="forged.nonce.value", qop="auth"';
    const auth = digestHeader({
      challenge,
      user: 'alice',
      password: 'alice-sandbox',
      method: 'REGISTER',
      uri: 'sip:localhost',
    });
    c.send({
      method: 'REGISTER',
      uri: 'sip:localhost',
      toUri: 'sip:alice@localhost',
      fromUser: 'alice',
      callId,
      contact: c.contact,
      headers: [`Authorization: ${auth}`],
    });
    assert.equal((await c.response(callId, 'REGISTER')).status, 401);
  });

  it('answers an unknown user with 404 Not Found', async () => {
    const c = await connect();
    const res = await c.register('mallory', 'whatever');
    assert.equal(res.status, 404);
    assert.equal(res.reason, 'Not Found');
  });

  it('removes a registration on expires=0 and when the connection closes', async () => {
    const c = await connect();
    assert.equal((await c.register('bob', 'bob-sandbox', 300)).status, 200);
    const listed = async () =>
      (await api<RegistrationInfo[]>(sandbox.httpUrl, '/api/registrations')).some((r) =>
        r.contact.includes(c.contactUri),
      );
    assert.equal(await listed(), true);
    const un = await c.register('bob', 'bob-sandbox', 0);
    assert.equal(un.status, 200);
    assert.equal(await listed(), false);

    assert.equal((await c.register('bob', 'bob-sandbox', 300)).status, 200);
    assert.equal(await listed(), true);
    c.close();
    await c.closed();
    for (let i = 0; i < 40 && (await listed()); i++) await new Promise((r) => setTimeout(r, 25));
    assert.equal(await listed(), false);
  });

  it('refuses a WebSocket without the sip subprotocol', async () => {
    const { default: WebSocket } = await import('ws');
    const ws = new WebSocket(sandbox.wsUrl);
    const outcome = await new Promise<string>((resolve) => {
      ws.once('open', () => resolve('open'));
      ws.once('error', (err) => resolve(err.message));
    });
    ws.terminate();
    assert.match(outcome, /400/);
  });

  it('serves 404 JSON for unknown API paths and 405 for wrong methods', async () => {
    const r1 = await fetch(`${sandbox.httpUrl}/api/nothing`);
    assert.equal(r1.status, 404);
    assert.equal(r1.headers.get('access-control-allow-origin'), null);
    await r1.body?.cancel();
    const r2 = await fetch(`${sandbox.httpUrl}/api/health`, { method: 'POST' });
    assert.equal(r2.status, 405);
    await r2.body?.cancel();
  });
});
