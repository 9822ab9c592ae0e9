// Bad input gets a SIP answer or is dropped, never a crash: malformed messages, unknown methods
// and schemes, oversize frames, and every RFC 4475 / RFC 5118 torture message.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { TextDecoder } from 'node:util';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import type { SipMessage } from '../../sandbox/sip-message.js';
import { SipTestClient, rand, testLog, type RequestSpec } from './helpers/sip-client.js';

// The shared torture fixtures sit beside the checkout (../shared), or at the workplace's path.
const FIXTURES =
  [
    process.env.SIP_PHONE_FIXTURES,
    fileURLToPath(new URL('../../../shared/fixtures', import.meta.url)),
    '/work/shared/fixtures',
  ].find((dir) => dir && existsSync(dir)) ?? '/work/shared/fixtures';

function fixtureFiles(dir: string): string[] {
  return readdirSync(join(FIXTURES, dir))
    .filter((f) => f.endsWith('.dat'))
    .sort()
    .map((f) => join(FIXTURES, dir, f));
}

function isUtf8(buf: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buf);
    return true;
  } catch {
    return false;
  }
}

describe('robustness', () => {
  let sandbox: Sandbox;
  const clients: SipTestClient[] = [];
  const connect = async () => {
    const c = await SipTestClient.connect(sandbox.wsUrl);
    clients.push(c);
    return c;
  };

  /** OPTIONS on `c` gets 200: the server (and this connection) still serve. */
  const assertServing = async (c: SipTestClient) => {
    const callId = rand(8);
    c.send({ method: 'OPTIONS', uri: 'sip:localhost', fromUser: 'alice', callId });
    const res = await c.response(callId, 'OPTIONS');
    assert.equal(res.status, 200);
  };

  before(async () => {
    sandbox = await startSandbox({ log: testLog() });
  });
  after(async () => {
    for (const c of clients) c.close();
    await sandbox.close();
  });

  // Hand-written messages (what SipTestClient.send cannot build): each is answered on its CSeq
  // method with `status`; `check` asserts the rest of the answer.
  const rawRequests: Array<{
    title: string;
    lines: (c: SipTestClient, callId: string) => string[];
    cseqMethod: string;
    status: number;
    check?: (res: SipMessage, c: SipTestClient) => Promise<void> | void;
  }> = [
    {
      title: 'answers a malformed request with 400 and keeps serving',
      // CSeq method does not match, and the From is unparseable.
      lines: (c, callId) => [
        'OPTIONS sip:localhost SIP/2.0',
        `Via: SIP/2.0/WSS ${c.contactHost};branch=z9hG4bK${rand(5)}`,
        'To: <sip:localhost>',
        'From: "unbalanced <sip:alice@localhost>;tag=1',
        `Call-ID: ${callId}`,
        'CSeq: 1 INVITE',
        'Content-Length: 0',
      ],
      cseqMethod: 'INVITE',
      status: 400,
      check: async (res, c) => {
        assert.equal(res.reason, 'Bad Request');
        await assertServing(c);
      },
    },
    {
      title: 'answers a bad start line with 400 when a response can be built',
      lines: (c, callId) => [
        'OPTIONS  sip:localhost  SIP/2.0',
        `Via: SIP/2.0/WSS ${c.contactHost};branch=z9hG4bK${rand(5)}`,
        'To: <sip:localhost>',
        'From: <sip:alice@localhost>;tag=1',
        `Call-ID: ${callId}`,
        'CSeq: 1 OPTIONS',
      ],
      cseqMethod: 'OPTIONS',
      status: 400,
    },
    {
      title: 'parses compact headers, folding and a multi-value Via',
      lines: (c, callId) => [
        'OPTIONS sip:localhost SIP/2.0',
        `v: SIP/2.0/WSS ${c.contactHost};branch=z9hG4bK${rand(5)},`,
        '   SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKsecond',
        't: <sip:localhost>',
        'f: <sip:alice@localhost>',
        '   ;tag=abc',
        `i: ${callId}`,
        'CSeq: 7 OPTIONS',
        'l: 0',
      ],
      cseqMethod: 'OPTIONS',
      status: 200,
      check: (res) => {
        assert.equal(res.values('Via').length, 2, 'both Via values come back');
        assert.match(res.get('From') ?? '', /tag=abc/);
      },
    },
  ];
  for (const { title, lines, cseqMethod, status, check } of rawRequests) {
    it(title, async () => {
      const c = await connect();
      const callId = rand(8);
      c.sendRaw([...lines(c, callId), '', ''].join('\r\n'));
      const res = await c.response(callId, cseqMethod);
      assert.equal(res.status, status);
      await check?.(res, c);
    });
  }

  it('drops garbage it cannot answer and keeps serving', async () => {
    const c = await connect();
    c.sendRaw('hello, this is not SIP\r\n\r\n');
    c.sendRaw(Buffer.from([0, 1, 2, 3, 255, 254]), true);
    c.sendRaw('INVITE sip:echo@localhost SIP/2.0\r\nCSeq: 1 INVITE\r\n\r\n');
    c.sendRaw('\r\n\r\n');
    await assertServing(c);
  });

  // Well-formed requests the sandbox refuses: `status`, and what `check` asserts besides.
  const refused: Array<{
    title: string;
    request: Omit<RequestSpec, 'fromUser' | 'callId'>;
    status: number;
    check?: (res: SipMessage) => void;
  }> = [
    {
      title: 'answers an unknown method with 501 Not Implemented',
      request: { method: 'FOOBAR', uri: 'sip:localhost' },
      status: 501,
      check: (res) => assert.match(res.get('Allow') ?? '', /INVITE/),
    },
    {
      title: 'answers a known but unsupported method with 405',
      request: { method: 'PUBLISH', uri: 'sip:bob@localhost' },
      status: 405,
      check: (res) => assert.match(res.get('Allow') ?? '', /REGISTER/),
    },
    {
      title: 'answers an unknown Request-URI scheme with 416',
      request: {
        method: 'OPTIONS',
        uri: 'nobodyKnowsThisScheme:totallyopaquecontent',
        toUri: 'sip:user@localhost',
      },
      status: 416,
    },
    {
      title: 'answers an unsupported Require with 420',
      request: {
        method: 'OPTIONS',
        uri: 'sip:localhost',
        headers: ['Require: nothingSupportsThis'],
      },
      status: 420,
      check: (res) => assert.equal(res.get('Unsupported'), 'nothingSupportsThis'),
    },
  ];
  for (const { title, request, status, check } of refused) {
    it(title, async () => {
      const c = await connect();
      const callId = rand(8);
      c.send({ ...request, fromUser: 'alice', callId });
      const res = await c.response(callId, request.method);
      assert.equal(res.status, status);
      check?.(res);
    });
  }

  it('closes the connection on a frame over 64 KiB and keeps serving others', async () => {
    const c = await connect();
    c.sendRaw(`OPTIONS sip:localhost SIP/2.0\r\nX-Pad: ${'x'.repeat(70 * 1024)}\r\n\r\n`);
    const code = await c.closed();
    assert.equal(code, 1009);
    await assertServing(await connect());
  });

  for (const dir of ['rfc4475', 'rfc5118']) {
    it(`survives every ${dir} torture message and answers OPTIONS afterwards`, async () => {
      const files = fixtureFiles(dir);
      assert.ok(files.length >= 12, `fixtures found in ${dir}`);
      let c = await connect();
      for (const file of files) {
        const data = readFileSync(file);
        c.sendRaw(data, !isUtf8(data));
        try {
          await assertServing(c);
        } catch (err) {
          throw new Error(`after ${file}: ${(err as Error).message}`, { cause: err });
        }
        if (!c.isOpen) c = await connect();
      }
      await assertServing(await connect());
    });
  }

  it('answers selected torture messages as RFC 4475 expects', async () => {
    const expectations: Record<string, number> = {
      'unkscm.dat': 416,
      'novelsc.dat': 416,
      'badvers.dat': 505,
      'mismatch01.dat': 400,
      'multi01.dat': 400,
      'mcl01.dat': 400,
      'ncl.dat': 400,
      'clerr.dat': 400,
      'scalar02.dat': 400,
      'bext01.dat': 420,
      'quotbal.dat': 400,
      'lwsstart.dat': 400,
      'trws.dat': 400,
      'ltgtruri.dat': 400,
      'intmeth.dat': 501,
      'esc02.dat': 501,
    };
    const c = await connect();
    for (const [name, status] of Object.entries(expectations)) {
      const data = readFileSync(join(FIXTURES, 'rfc4475', name));
      const callId = /^(?:Call-ID|i)\s*:\s*(\S+)/im.exec(data.toString('latin1'))?.[1] ?? '';
      const res = c.waitFor((m) => !m.isRequest && m.get('Call-ID') === callId, 3000, name);
      c.sendRaw(data, !isUtf8(data));
      assert.equal((await res).status, status, name);
    }
    await assertServing(c);
  });
});
