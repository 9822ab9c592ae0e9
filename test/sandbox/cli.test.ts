// The command line: the JSON ready line, clean shutdown on SIGTERM, a clear port-in-use error,
// --allow-origin as `npm start` passes it.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import WebSocket from 'ws';
import { startSandbox } from '../../sandbox/server.js';
import { api, withTimeout } from './helpers/sip-client.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function runCli(args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--import', 'tsx', 'sandbox/cli.ts', ...args], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

function collect(stream: NodeJS.ReadableStream): () => string {
  let text = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    text += chunk;
  });
  return () => text;
}

/** The status a WebSocket upgrade (subprotocol sip) from a page of `origin` gets: 101 or the refusal. */
function upgradeStatus(wsUrl: string, origin?: string): Promise<number> {
  return withTimeout(
    new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(wsUrl, 'sip', origin === undefined ? {} : { origin });
      ws.on('open', () => {
        ws.terminate();
        resolve(101);
      });
      ws.on('unexpected-response', (_req, res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      ws.on('error', reject);
    }),
    5000,
    `the upgrade from ${origin}`,
  );
}

describe('cli', () => {
  it('prints one JSON ready line first and stops cleanly on SIGTERM', async () => {
    const child = runCli(['--json', '--port', '0']);
    const stderr = collect(child.stderr);
    const exited = once(child, 'exit');
    try {
      const firstLine = await withTimeout(
        new Promise<string>((resolve) => {
          let buf = '';
          child.stdout.setEncoding('utf8');
          child.stdout.on('data', (chunk: string) => {
            buf += chunk;
            const nl = buf.indexOf('\n');
            if (nl >= 0) resolve(buf.slice(0, nl));
          });
        }),
        15000,
        'the ready line',
      );
      const ready = JSON.parse(firstLine) as Record<string, unknown>;
      assert.equal(ready['event'], 'ready');
      assert.equal(typeof ready['port'], 'number');
      assert.equal(ready['wsUrl'], `ws://127.0.0.1:${ready['port']}`);
      assert.equal(ready['httpUrl'], `http://127.0.0.1:${ready['port']}`);
      assert.equal(ready['domain'], 'localhost');
      assert.deepEqual(ready['users'], [
        { user: 'alice', password: 'alice-sandbox' },
        { user: 'bob', password: 'bob-sandbox' },
        { user: 'carol', password: 'carol-sandbox' },
      ]);
      assert.deepEqual(await api(String(ready['httpUrl']), '/api/health'), { ok: true });
      // The banner (on stderr in --json mode) lists users, passwords and test numbers.
      const banner = await withTimeout(
        (async () => {
          while (!stderr().includes('Press Ctrl-C')) await new Promise((r) => setTimeout(r, 20));
          return stderr();
        })(),
        5000,
        'the banner',
      );
      assert.match(banner, /alice \/ alice-sandbox/);
      assert.match(banner, /echo\s+Answers and echoes/);
      assert.match(banner, /607\s+Unwanted/);
      assert.match(banner, /hold-491\s+Like echo, but answers the first re-INVITE/);
      assert.match(banner, /carol \/ carol-sandbox/);
      child.kill('SIGTERM');
      const [code] = await withTimeout(exited, 10000, 'exit');
      assert.equal(code, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('--allow-origin (as npm start passes it): only those pages may connect', async () => {
    const child = runCli([
      '--json',
      '--port',
      '0',
      '--allow-origin',
      'http://127.0.0.1:5173',
      '--allow-origin',
      'http://localhost:5173',
    ]);
    const stderr = collect(child.stderr);
    const exited = once(child, 'exit');
    try {
      const stdout = collect(child.stdout);
      const ready = await withTimeout(
        (async () => {
          while (!stdout().includes('\n')) await new Promise((r) => setTimeout(r, 20));
          return JSON.parse(stdout().split('\n')[0]!) as { wsUrl: string };
        })(),
        15000,
        'the ready line',
      );
      assert.equal(await upgradeStatus(ready.wsUrl, 'http://127.0.0.1:5173'), 101);
      assert.equal(await upgradeStatus(ready.wsUrl, 'http://localhost:5173'), 101);
      assert.equal(await upgradeStatus(ready.wsUrl), 101, 'no Origin: not a browser page');
      // Another dev server on loopback is not the dialer.
      assert.equal(await upgradeStatus(ready.wsUrl, 'http://localhost:3000'), 403);
      assert.equal(await upgradeStatus(ready.wsUrl, 'https://evil.example'), 403);
      await withTimeout(
        (async () => {
          while (!stderr().includes('Press Ctrl-C')) await new Promise((r) => setTimeout(r, 20));
        })(),
        5000,
        'the banner',
      );
      assert.match(
        stderr(),
        /Browser pages allowed: http:\/\/127\.0\.0\.1:5173 http:\/\/localhost:5173\./,
      );
      child.kill('SIGTERM');
      const [code] = await withTimeout(exited, 10000, 'exit');
      assert.equal(code, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('exits with code 2 and one clear line for an --allow-origin that is not an origin', async () => {
    const child = runCli(['--allow-origin', 'localhost:5173', '--quiet']);
    const stderr = collect(child.stderr);
    const [code] = await withTimeout(once(child, 'exit'), 15000, 'exit');
    assert.equal(code, 2);
    assert.equal(
      stderr().trim(),
      'sandbox: --allow-origin: "localhost:5173" is not an origin like http://127.0.0.1:5173',
    );
  });

  it('exits with code 2 and one clear line when the port is in use', async () => {
    const busy = await startSandbox({ log: false });
    try {
      const child = runCli(['--port', String(busy.port), '--quiet']);
      const stdout = collect(child.stdout);
      const stderr = collect(child.stderr);
      const [code] = await withTimeout(once(child, 'exit'), 15000, 'exit');
      assert.equal(code, 2);
      const lines = stderr().trim().split('\n');
      assert.equal(lines.length, 1, stderr());
      assert.match(lines[0]!, new RegExp(`port ${busy.port} .*already in use`));
      assert.doesNotMatch(stderr(), /\n\s+at /, 'no stack trace');
      assert.equal(stdout(), '');
    } finally {
      await busy.close();
    }
  });
});
