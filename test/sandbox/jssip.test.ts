// Interoperability with the real JsSIP 3.13.8 user agent (the phone's SIP stack), run in Node
// with `ws` standing in for the browser's WebSocket: registration, a wrong password, and an
// out-of-dialog MESSAGE relayed between two registered users.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import JsSIP from 'jssip';
import WebSocket from 'ws';
import { startSandbox, type RegistrationInfo, type Sandbox } from '../../sandbox/server.js';
import { api, testLog, withTimeout } from './helpers/sip-client.js';

type UA = InstanceType<typeof JsSIP.UA>;

describe('JsSIP interoperability', () => {
  let sandbox: Sandbox;
  const uas: UA[] = [];
  const globals = globalThis as { WebSocket?: unknown };
  const hadWebSocket = 'WebSocket' in globals;
  const savedWebSocket = globals.WebSocket;

  before(async () => {
    globals.WebSocket = WebSocket;
    JsSIP.debug.disable();
    sandbox = await startSandbox({ log: testLog() });
  });
  after(async () => {
    for (const ua of uas) ua.stop();
    await new Promise((r) => setTimeout(r, 100));
    await sandbox.close();
    if (hadWebSocket) globals.WebSocket = savedWebSocket;
    else delete globals.WebSocket;
  });

  function makeUA(user: string, password: string): UA {
    const ua = new JsSIP.UA({
      sockets: [new JsSIP.WebSocketInterface(sandbox.wsUrl)],
      uri: `sip:${user}@${sandbox.domain}`,
      password,
      register: true,
      connection_recovery_min_interval: 30,
      connection_recovery_max_interval: 60,
    });
    uas.push(ua);
    return ua;
  }

  function registered(ua: UA): Promise<string> {
    return withTimeout(
      new Promise<string>((resolve) => {
        ua.on('registered', () => resolve('registered'));
        ua.on('registrationFailed', (e: { cause?: string }) => resolve(`failed: ${e.cause}`));
      }),
      5000,
      'registration outcome',
    );
  }

  it('registers alice and bob, and relays a MESSAGE from alice to bob', async () => {
    const alice = makeUA('alice', 'alice-sandbox');
    const bob = makeUA('bob', 'bob-sandbox');
    const aliceReg = registered(alice);
    const bobReg = registered(bob);
    alice.start();
    bob.start();
    assert.equal(await aliceReg, 'registered');
    assert.equal(await bobReg, 'registered');
    const regs = await api<RegistrationInfo[]>(sandbox.httpUrl, '/api/registrations');
    assert.deepEqual(regs.map((r) => r.user).sort(), ['alice', 'bob']);

    const received = withTimeout(
      new Promise<string>((resolve) => {
        bob.on('newMessage', (e: { originator: string; request: { body: string } }) => {
          if (e.originator === 'remote') resolve(e.request.body);
        });
      }),
      5000,
      'MESSAGE at bob',
    );
    const sent = withTimeout(
      new Promise<string>((resolve) => {
        alice.sendMessage(`sip:bob@${sandbox.domain}`, 'hello from alice', {
          eventHandlers: {
            succeeded: () => resolve('succeeded'),
            failed: (e: { cause?: string }) => resolve(`failed: ${e.cause}`),
          },
        });
      }),
      5000,
      'MESSAGE outcome',
    );
    assert.equal(await received, 'hello from alice');
    assert.equal(await sent, 'succeeded');
  });

  it('reports an authentication error for a wrong password', async () => {
    const mallory = makeUA('alice', 'wrong-password');
    const outcome = registered(mallory);
    mallory.start();
    assert.equal(await outcome, `failed: ${JsSIP.C.causes.AUTHENTICATION_ERROR}`);
  });
});
