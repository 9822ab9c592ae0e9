// `npm start` for the end-to-end tests: the sandbox and the dialer on free loopback ports, stopped
// by its PID.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

/**
 * Runs `npm start` (scripts/start.mjs) until it prints the dialer's URL (at most 60 s).
 * → `{ url, stop }`: the dialer's URL, and what ends it (SIGTERM to its PID, awaited).
 */
export async function startDialer() {
  const [webPort, sipPort] = [await freePort(), await freePort()];
  const start = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: root,
    env: { ...process.env, PORT: String(webPort), SIP_SANDBOX_PORT: String(sipPort) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`npm start did not come up:\n${output}`)),
      60_000,
    );
    const read = (chunk) => {
      output += chunk;
      if (output.includes('sip-phone dialer:')) {
        clearTimeout(timer);
        resolve();
      }
    };
    start.stdout.on('data', read);
    start.stderr.on('data', read);
    start.on('exit', (code) => reject(new Error(`npm start exited (${code}):\n${output}`)));
  });
  return {
    url: `http://127.0.0.1:${webPort}/`,
    async stop() {
      if (start.exitCode !== null) return;
      const exited = new Promise((resolve) => start.once('exit', resolve));
      start.kill('SIGTERM');
      await exited;
    },
  };
}
