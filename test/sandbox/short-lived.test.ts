// The sandbox's short-lived credentials (POST /api/credentials): one-off digest passwords and
// bearer tokens that a REGISTER is accepted with until they expire, and refused with after.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { SipTestClient, digestHeader, rand, testLog } from './helpers/sip-client.js';

async function issue(
  sandbox: Sandbox,
  body: object,
): Promise<{ status: number; body: { password?: string; token?: string; expiresAt?: number } }> {
  const res = await fetch(`${sandbox.httpUrl}/api/credentials`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { password?: string } };
}

describe('sandbox: short-lived credentials', () => {
  let sandbox: Sandbox;
  const clients: SipTestClient[] = [];

  before(async () => {
    sandbox = await startSandbox({ log: testLog() });
  });
  after(async () => {
    for (const c of clients) c.close();
    await sandbox.close();
  });

  /** A REGISTER for alice with `authorization` (a function of the challenge); its final status. */
  async function register(authorization: (challenge: string) => string | undefined) {
    const c = await SipTestClient.connect(sandbox.wsUrl);
    clients.push(c);
    const callId = rand(8);
    const base = {
      method: 'REGISTER',
      uri: 'sip:localhost',
      toUri: 'sip:alice@localhost',
      fromUser: 'alice',
      callId,
      contact: `${c.contact};expires=60`,
      headers: ['Expires: 60'],
    };
    const first = authorization('');
    c.send({ ...base, cseq: 1, headers: first ? [...base.headers, first] : base.headers });
    const answer = await c.response(callId, 'REGISTER');
    if (first || answer.status !== 401) return answer.status;
    const header = authorization(answer.get('WWW-Authenticate') ?? '');
    c.send({ ...base, cseq: 2, headers: [...base.headers, header!] });
    return (await c.response(callId, 'REGISTER')).status;
  }

  const digestWith = (password: string) => (challenge: string) =>
    challenge
      ? `Authorization: ${digestHeader({ challenge, user: 'alice', password, method: 'REGISTER', uri: 'sip:localhost' })}`
      : undefined;

  it('a one-off password registers until it expires, then it is refused', async () => {
    const { status, body } = await issue(sandbox, { user: 'alice', kind: 'password', ttlMs: 400 });
    assert.equal(status, 201);
    assert.ok(body.password && body.password !== 'alice-sandbox');
    assert.ok(body.expiresAt! > Date.now());
    assert.equal(await register(digestWith(body.password)), 200);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(await register(digestWith(body.password)), 401);
    assert.equal(
      await register(digestWith('alice-sandbox')),
      200,
      'the fixed password still works',
    );
  });

  it('a bearer token registers its own user at once; forged, expired or another user’s: 401', async () => {
    const { body } = await issue(sandbox, { user: 'alice', kind: 'token', ttlMs: 400 });
    const token = body.token!;
    assert.match(token, /^eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+$/);
    assert.equal(await register(() => `Authorization: Bearer ${token}`), 200);
    const forged = `${token.slice(0, token.lastIndexOf('.'))}.AAAA`;
    assert.equal(await register(() => `Authorization: Bearer ${forged}`), 401);
    const bob = (await issue(sandbox, { user: 'bob', kind: 'token', ttlMs: 5000 })).body.token!;
    assert.equal(await register(() => `Authorization: Bearer ${bob}`), 401);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(await register(() => `Authorization: Bearer ${token}`), 401);
  });

  it('refuses unknown users, unknown kinds and silly lifetimes', async () => {
    assert.equal((await issue(sandbox, { user: 'mallory' })).status, 404);
    assert.equal((await issue(sandbox, { user: 'alice', kind: 'ha1' })).status, 400);
    assert.equal((await issue(sandbox, { user: 'alice', ttlMs: 0 })).status, 400);
    assert.equal((await issue(sandbox, { user: 'alice', ttlMs: 1e12 })).status, 400);
  });
});
