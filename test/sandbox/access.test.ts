// Other web pages open in the developer's browser cannot use the sandbox: the WebSocket upgrade
// checks Origin, every request checks Host (DNS rebinding), and POST /api/calls/outbound needs
// a JSON content type (a cross-site form cannot send one).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { isAllowedHost } from '../../sandbox/access.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { SipTestClient, api, eventually, rand, withTimeout } from './helpers/sip-client.js';

interface Answer {
  status: number;
  body: string;
}

/** A WebSocket upgrade (subprotocol sip) with these headers: 101 when it opened, else the answer. */
function upgrade(wsUrl: string, headers: { origin?: string; host?: string } = {}): Promise<Answer> {
  return withTimeout(
    new Promise<Answer>((resolve, reject) => {
      const ws = new WebSocket(wsUrl, 'sip', {
        ...(headers.origin !== undefined ? { origin: headers.origin } : {}),
        ...(headers.host !== undefined ? { headers: { Host: headers.host } } : {}),
      });
      ws.on('open', () => {
        ws.terminate();
        resolve({ status: 101, body: '' });
      });
      ws.on('unexpected-response', (_req, res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      ws.on('error', reject);
      setTimeout(() => ws.terminate(), 5000).unref();
    }),
    6000,
    `the upgrade answer (${JSON.stringify(headers)})`,
  );
}

/** An HTTP request to the sandbox with exactly these headers (node:http lets us set Host). */
function http(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Answer> {
  return withTimeout(
    new Promise<Answer>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.end(body);
    }),
    5000,
    `${method} ${path}`,
  );
}

/** Raw bytes to the port; resolves with everything the server sent once it closed the socket. */
function raw(port: number, text: string): Promise<string> {
  return withTimeout(
    new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write(text));
      let received = '';
      socket.setEncoding('latin1');
      socket.on('data', (chunk: string) => (received += chunk));
      socket.on('close', () => resolve(received));
      socket.on('error', reject);
      // Without the fix the connection stays open: give up, and let the process exit.
      setTimeout(() => socket.destroy(), 5000).unref();
    }),
    6000,
    'the server to close the connection',
  );
}

function upgradeRequest(lines: string[]): string {
  return [
    'GET / HTTP/1.1',
    'Connection: Upgrade',
    'Upgrade: websocket',
    'Sec-WebSocket-Version: 13',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
    'Sec-WebSocket-Protocol: sip',
    ...lines,
    '',
    '',
  ].join('\r\n');
}

describe('access from browser pages', () => {
  let sandbox: Sandbox;
  const logLines: string[] = [];
  const clients: SipTestClient[] = [];

  before(async () => {
    sandbox = await startSandbox({ log: (line) => logLines.push(line) });
  });
  after(async () => {
    for (const c of clients) c.close();
    await sandbox.close();
  });

  it("refuses another site's WebSocket: 403 with a plain reason, socket closed, logged", async () => {
    const answer = await raw(
      sandbox.port,
      upgradeRequest([`Host: 127.0.0.1:${sandbox.port}`, 'Origin: https://evil.example']),
    );
    assert.match(answer, /^HTTP\/1\.1 403 Forbidden\r\n/);
    assert.match(answer, /\r\nContent-Type: text\/plain\r\n/);
    assert.match(answer, /\r\n\r\nOrigin not allowed$/);
    assert.ok(
      logLines.some((l) =>
        /^refused WebSocket from 127\.0\.0\.1:\d+ \(403 Origin not allowed\): .*"https:\/\/evil\.example"/.test(
          l,
        ),
      ),
      logLines.join('\n'),
    );
    assert.ok(!logLines.some((l) => / connected from /.test(l)), 'no SIP connection was made');
    // Nor can such a page register as a published user.
    await assert.rejects(
      SipTestClient.connect(sandbox.wsUrl, 'localhost', { origin: 'https://evil.example' }),
      /403/,
    );
  });

  it('accepts pages served from loopback and clients without Origin by default', async () => {
    for (const origin of [
      'http://localhost:1234',
      'http://127.0.0.1:5173',
      'http://127.0.0.2:8080',
      'https://localhost',
      'http://[::1]:8080',
      undefined,
    ]) {
      const answer = await upgrade(sandbox.wsUrl, origin === undefined ? {} : { origin });
      assert.equal(answer.status, 101, `Origin ${origin}: ${answer.body}`);
    }
    for (const origin of [
      'https://evil.example',
      'http://localhost.evil.example:1234',
      'http://127.0.0.1.nip.io:5173',
      'null',
      'file://',
      'chrome-extension://abcdef',
      'ws://localhost:1234',
    ]) {
      const answer = await upgrade(sandbox.wsUrl, { origin });
      assert.deepEqual(answer, { status: 403, body: 'Origin not allowed' }, `Origin ${origin}`);
    }
    const alice = await SipTestClient.connect(sandbox.wsUrl, 'localhost', {
      origin: 'http://localhost:1234',
    });
    clients.push(alice);
    assert.equal((await alice.register('alice', 'alice-sandbox')).status, 200);
  });

  it('refuses HTTP requests and upgrades whose Host is not this machine (DNS rebinding)', async () => {
    const rebound = `evil.example:${sandbox.port}`;
    const refused = await http(sandbox.port, 'GET', '/api/registrations', { Host: rebound });
    assert.equal(refused.status, 403);
    assert.deepEqual(JSON.parse(refused.body), { error: 'Host not allowed' });
    // The rebinding page is "same origin" with its own name, so its Origin says that name too.
    for (const origin of [undefined, `http://${rebound}`, 'http://localhost:1234']) {
      const answer = await upgrade(sandbox.wsUrl, {
        host: rebound,
        ...(origin !== undefined ? { origin } : {}),
      });
      assert.deepEqual(answer, { status: 403, body: 'Host not allowed' }, `Origin ${origin}`);
    }
    assert.ok(
      logLines.some((l) => /^refused HTTP GET \/api\/registrations .*"evil\.example:/.test(l)),
    );
    for (const host of ['localhost.evil.example', '127.0.0.1.nip.io', 'localhost.', '::1']) {
      const answer = await http(sandbox.port, 'GET', '/api/health', { Host: host });
      assert.equal(answer.status, 403, `Host ${host}`);
    }
    for (const host of [
      `localhost:${sandbox.port}`,
      `127.0.0.1:${sandbox.port}`,
      `[::1]:${sandbox.port}`,
      'localhost',
      `192.0.2.7:${sandbox.port}`,
    ]) {
      const answer = await http(sandbox.port, 'GET', '/api/health', { Host: host });
      assert.equal(answer.status, 200, `Host ${host}`);
    }
    // The name given to --host (a LAN name) is this machine too; only that one.
    assert.equal(isAllowedHost('devbox.lan:5090', 'devbox.lan'), true);
    assert.equal(isAllowedHost('DEVBOX.LAN', 'devbox.lan'), true);
    assert.equal(isAllowedHost('evil.example:5090', 'devbox.lan'), false);
    // No Host at all: HTTP/1.1 requires one; HTTP/1.0 has no virtual hosts to rebind, but a
    // request without one is refused all the same.
    assert.match(await raw(sandbox.port, 'GET /api/health HTTP/1.1\r\n\r\n'), /^HTTP\/1\.1 400 /);
    assert.match(await raw(sandbox.port, 'GET /api/health HTTP/1.0\r\n\r\n'), /^HTTP\/1\.1 400 /);
  });

  it('POST /api/calls/outbound needs application/json: a form or text body gets 415, no call', async () => {
    const bob = await SipTestClient.connect(sandbox.wsUrl);
    clients.push(bob);
    assert.equal((await bob.register('bob', 'bob-sandbox')).status, 200);
    const body = JSON.stringify({ to: 'bob' });
    const headers = { Host: `127.0.0.1:${sandbox.port}` };
    // What a cross-site form, or a no-cors fetch, can send without a CORS preflight.
    for (const type of [
      'text/plain',
      'text/plain;charset=UTF-8',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      undefined,
    ]) {
      const answer = await http(
        sandbox.port,
        'POST',
        '/api/calls/outbound',
        type === undefined ? headers : { ...headers, 'Content-Type': type },
        body,
      );
      assert.equal(answer.status, 415, `Content-Type ${type}`);
      assert.deepEqual(JSON.parse(answer.body), {
        error: 'Content-Type must be application/json',
      });
    }
    // A browser page of another site is refused before that, whatever it sends.
    const foreign = await http(
      sandbox.port,
      'POST',
      '/api/calls/outbound',
      { ...headers, 'Content-Type': 'application/json', Origin: 'https://evil.example' },
      body,
    );
    assert.equal(foreign.status, 403);
    assert.deepEqual(JSON.parse(foreign.body), { error: 'Origin not allowed' });
    assert.deepEqual(await api(sandbox.httpUrl, '/api/calls/outbound'), []);
    assert.equal(bob.received.filter((m) => m.method === 'INVITE').length, 0);

    // With JSON (parameters allowed) it rings bob as before.
    const incoming = bob.request('INVITE');
    const placed = await http(
      sandbox.port,
      'POST',
      '/api/calls/outbound',
      { ...headers, 'Content-Type': 'application/json; charset=utf-8' },
      body,
    );
    assert.equal(placed.status, 201, placed.body);
    const { id } = JSON.parse(placed.body) as { id: string };
    const invite = await incoming;
    bob.respond(invite, 486, 'Busy Here', { toTag: rand(4) });
    await eventually(
      async () =>
        (await api<{ endedAt?: string }>(sandbox.httpUrl, `/api/calls/outbound/${id}`)).endedAt,
      3000,
      'the outbound call to end',
    );
  });
});

describe('access with an explicit list of origins', () => {
  let sandbox: Sandbox;

  before(async () => {
    sandbox = await startSandbox({
      log: false,
      allowedOrigins: ['http://127.0.0.1:5173', 'HTTP://LOCALHOST:5173/'],
    });
  });
  after(() => sandbox.close());

  it('accepts only the listed origins (and clients without Origin)', async () => {
    for (const origin of ['http://127.0.0.1:5173', 'http://localhost:5173', undefined]) {
      const answer = await upgrade(sandbox.wsUrl, origin === undefined ? {} : { origin });
      assert.equal(answer.status, 101, `Origin ${origin}: ${answer.body}`);
    }
    // Loopback pages that are not the listed ones: another dev server, another scheme.
    for (const origin of [
      'http://localhost:1234',
      'https://127.0.0.1:5173',
      'http://[::1]:5173',
      'https://evil.example',
    ]) {
      const answer = await upgrade(sandbox.wsUrl, { origin });
      assert.deepEqual(answer, { status: 403, body: 'Origin not allowed' }, `Origin ${origin}`);
    }
  });

  it('refuses to start with something that is not an origin', async () => {
    for (const origin of ['localhost:5173', 'http://localhost:5173/app', 'null', 'file:///x']) {
      await assert.rejects(
        // One that starts anyway is closed again, so a failure does not keep the process alive.
        startSandbox({ log: false, allowedOrigins: [origin] }).then((s) => s.close()),
        /is not an origin like http:\/\/127\.0\.0\.1:5173/,
        origin,
      );
    }
  });
});
