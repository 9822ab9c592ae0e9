#!/usr/bin/env node
// `npm start`: the sandbox SIP server and the dialer (Vite dev server) together, on loopback.
// Prints one URL, opens nothing by itself; Ctrl-C stops both (by PID).
// Ports: SIP_SANDBOX_PORT (default 5090) and PORT (default 5173).
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const HOST = '127.0.0.1';
const sandboxPort = Number(process.env.SIP_SANDBOX_PORT ?? 5090);
const webPort = Number(process.env.PORT ?? 5173);
const children = [];

function stopAll(code = 0) {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 300).unref();
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

function portFree(port) {
  return new Promise((resolve) => {
    const probe = createServer()
      .once('error', () => resolve(false))
      .once('listening', () => probe.close(() => resolve(true)))
      .listen(port, HOST);
  });
}

// Only the dialer's own pages may open a WebSocket to the sandbox: no other tab can register as
// its (published) users while `npm start` runs. Vite listens on HOST, also reached as localhost.
const dialerOrigins = [`http://${HOST}:${webPort}`, `http://localhost:${webPort}`];

function startSandbox() {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'sandbox/cli.ts',
        '--json',
        '--port',
        String(sandboxPort),
        ...dialerOrigins.flatMap((origin) => ['--allow-origin', origin]),
      ],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    children.push(child);
    let ready = false;
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!ready && line.startsWith('{')) {
        try {
          const info = JSON.parse(line);
          if (info.event === 'ready') {
            ready = true;
            resolve(info);
            return;
          }
        } catch {
          // A log line that happens to start with "{".
        }
      }
      console.log(`[sandbox] ${line}`);
    });
    child.on('exit', (code) => {
      if (!ready) reject(new Error(`the sandbox SIP server stopped (exit code ${code})`));
      else if (code) stopAll(code);
    });
  });
}

async function waitForHttp(url, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`the dialer did not come up at ${url}`);
}

try {
  for (const [port, name, variable] of [
    [sandboxPort, 'sandbox SIP server', 'SIP_SANDBOX_PORT'],
    [webPort, 'dialer', 'PORT'],
  ]) {
    if (!(await portFree(port))) {
      console.error(
        `Port ${port} (${name}) is in use on ${HOST}. Stop what uses it, or pick another: ${variable}=<port> npm start`,
      );
      process.exit(2);
    }
  }
  const sandbox = await startSandbox();
  const alice = sandbox.users.find((u) => u.user === 'alice') ?? sandbox.users[0];
  const vite = spawn(
    process.execPath,
    [
      join(root, 'node_modules/vite/bin/vite.js'),
      '--host',
      HOST,
      '--port',
      String(webPort),
      '--strictPort',
      '--logLevel',
      'warn',
    ],
    {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: {
        ...process.env,
        SIP_SANDBOX: JSON.stringify({
          server: sandbox.wsUrl,
          uri: `sip:${alice.user}@${sandbox.domain}`,
          password: alice.password,
          domain: sandbox.domain,
          users: sandbox.users,
        }),
      },
    },
  );
  children.push(vite);
  vite.on('exit', (code) => stopAll(code ?? 0));
  const url = `http://${HOST}:${webPort}/`;
  await waitForHttp(url);
  console.log(`\n  sip-phone dialer: ${url}\n`);
  console.log(
    `  Registered as ${alice.user} on the sandbox (${sandbox.wsUrl}). Users: ${sandbox.users
      .map((u) => `${u.user} / ${u.password}`)
      .join(', ')}. Ctrl-C stops.\n`,
  );
} catch (error) {
  console.error(`npm start failed: ${error.message}`);
  stopAll(1);
}
