// Command line for the sandbox SIP server:
//   tsx sandbox/cli.ts [--host H] [--port P] [--domain D] [--users file]
//                      [--media-address A] [--early-media-ms N] [--allow-origin O]...
//                      [--quiet] [--json]
import { parseArgs } from 'node:util';
import { normalizeOrigin } from './access.js';
import { TEST_NUMBER_LIST } from './numbers.js';
import { isLoopbackHost, loadUsers, startSandbox, type Sandbox } from './server.js';

const USAGE = `Usage: tsx sandbox/cli.ts [options]
  --host H             interface to listen on (default 127.0.0.1; others print a warning)
  --port P             TCP port for WebSocket + HTTP (default 0 = any free port)
  --domain D           SIP domain and digest realm (default localhost)
  --users FILE         JSON array of { "user", "password" } (default sandbox/users.json)
  --media-address A    address for ICE candidates (default 127.0.0.1, or --host when that is
                       a specific non-loopback IPv4 address)
  --early-media-ms N   how long "early" plays its 183 tone before answering (default 3000)
  --allow-origin O     a browser origin (http://127.0.0.1:5173) whose pages may connect;
                       repeatable. Given: only these. Default: any page served from loopback
  --quiet              no per-message log lines
  --verbose            also print every SIP message in full (credentials redacted)
  --json               print one JSON "ready" line on stdout first; everything else on stderr
  --help               this text`;

function fail(message: string): never {
  console.error(`sandbox: ${message}`);
  process.exit(2);
}

function parsePort(value: string | undefined, name: string, def: number): number {
  if (value === undefined) return def;
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) fail(`${name} must be 0-65535`);
  return Number(value);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        domain: { type: 'string' },
        users: { type: 'string' },
        'media-address': { type: 'string' },
        'early-media-ms': { type: 'string' },
        'allow-origin': { type: 'string', multiple: true },
        quiet: { type: 'boolean', default: false },
        verbose: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    fail(`${(err as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const json = values.json;
  const out = json ? console.error : console.log;
  const host = values.host ?? '127.0.0.1';
  const port = parsePort(values.port, '--port', 0);
  const earlyMediaMs = parsePort(values['early-media-ms'], '--early-media-ms', 3000);
  let allowedOrigins: string[] | undefined;
  try {
    allowedOrigins = values['allow-origin']?.map(normalizeOrigin);
  } catch (err) {
    fail(`--allow-origin: ${(err as Error).message}`);
  }
  let users;
  try {
    users = loadUsers(values.users);
  } catch (err) {
    fail(`cannot load users: ${(err as Error).message}`);
  }
  const stamp = () => new Date().toISOString().slice(11, 23);
  const log = values.quiet ? false : (line: string) => out(`${stamp()} ${line}`);

  let sandbox: Sandbox;
  try {
    sandbox = await startSandbox({
      host,
      port,
      users,
      earlyMediaMs,
      log,
      logMessages: values.verbose,
      ...(values.domain !== undefined ? { domain: values.domain } : {}),
      ...(values['media-address'] !== undefined ? { mediaAddress: values['media-address'] } : {}),
      ...(allowedOrigins ? { allowedOrigins } : {}),
    });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') fail(`port ${port} on ${host} is already in use (try --port)`);
    if (e.code === 'EADDRNOTAVAIL') fail(`address ${host} is not available on this machine`);
    if (e.code === 'EACCES') fail(`not allowed to listen on ${host}:${port}`);
    fail(e.message);
  }

  if (json) {
    process.stdout.write(
      `${JSON.stringify({
        event: 'ready',
        wsUrl: sandbox.wsUrl,
        httpUrl: sandbox.httpUrl,
        port: sandbox.port,
        domain: sandbox.domain,
        users: sandbox.users,
      })}\n`,
    );
  }
  if (!json || !values.quiet) {
    const width = Math.max(...TEST_NUMBER_LIST.map((t) => t.number.length)) + 2;
    const lines = [
      'sip-phone sandbox SIP server',
      `  SIP over WebSocket  ${sandbox.wsUrl}  (subprotocol "sip")`,
      `  HTTP API            ${sandbox.httpUrl}/api/health  /api/calls  /api/registrations`,
      `                      POST /api/calls/outbound {"to":"alice"} makes the sandbox call a user`,
      `  Domain / realm      ${sandbox.domain}`,
      `  Users (user / password):`,
      ...sandbox.users.map((u) => `    ${u.user} / ${u.password}`),
      `  Test numbers (dial e.g. sip:echo@${sandbox.domain}):`,
      ...TEST_NUMBER_LIST.map((t) => `    ${t.number.padEnd(width)}${t.description}`),
      isLoopbackHost(host) ? '  Listening on loopback only.' : `  Listening on ${host}.`,
      allowedOrigins
        ? `  Browser pages allowed: ${allowedOrigins.join(' ') || 'none'}.`
        : '  Browser pages allowed: any served from loopback (localhost, 127.x.x.x, [::1]).',
      'Press Ctrl-C to stop.',
    ];
    out(lines.join('\n'));
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    out(`${stamp()} ${signal}: stopping`);
    const force = setTimeout(() => process.exit(1), 5000);
    force.unref();
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('unhandledRejection', (reason) => {
    console.error(`${stamp()} unhandled rejection (ignored): ${String(reason)}`);
  });
}

main().catch((err: unknown) => fail((err as Error).message));
