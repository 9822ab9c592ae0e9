// The sandbox SIP server (sandbox/cli.ts) as a child process of a Node test: started on a free
// port, its "ready" line read, stopped by its PID. The browser tests get the same server through
// test/helpers/sandbox-plugin.mjs; a Node test that drives Chromium itself starts it here.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** Starts the sandbox; resolves with `{ info: { wsUrl, httpUrl, domain, users }, stop() }`. */
export function startSandbox() {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'sandbox/cli.ts', '--json', '--port', '0', '--quiet'],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`sandbox did not start within 30 s:\n${stderr}`));
    }, 30_000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      const info = JSON.parse(line);
      if (info.event !== 'ready') return;
      clearTimeout(timer);
      resolve({ info, stop });
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sandbox exited (${code}) before it was ready:\n${stderr}`));
    });
  });
}
