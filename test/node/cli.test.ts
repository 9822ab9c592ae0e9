// The command line: the JSON ready line, clean shutdown on SIGTERM, a clear port-in-use error.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
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
