#!/usr/bin/env node
// `npm test`: every test, in real Chromium, with the real servers it needs.
//   1. makes sure the system programs are there (apt-get on Debian as root, else says what to install);
//   2. re-runs itself inside a loopback-only network namespace (`unshare --net`, when allowed), so
//      no WebRTC or SIP packet of a test can go anywhere but 127.0.0.1;
//   3. runs the Node tests of the sandbox server, then the browser tests with @web/test-runner.
// Extra arguments go to the test runner (e.g. `npm test -- --group unit`).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { ensureSystemPackages, TEST_PROGRAMS } from './system-deps.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const INSIDE = 'SIP_PHONE_TEST_NETNS';
const args = process.argv.slice(2);

const run = (command, commandArgs, env = process.env) =>
  spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', env }).status ?? 1;

if (!process.env[INSIDE]) {
  const programs = { ...TEST_PROGRAMS };
  if (process.env.CHROMIUM_BIN) delete programs['/usr/bin/chromium'];
  ensureSystemPackages(programs);
  const canIsolate =
    process.platform === 'linux' && process.getuid?.() === 0 && existsSync('/usr/bin/unshare');
  if (canIsolate) {
    const probe = spawnSync('unshare', ['--net', 'true']);
    if (probe.status === 0) {
      console.log('[sip-phone] Running the tests inside a loopback-only network namespace.');
      process.exit(
        run('unshare', ['--net', process.execPath, fileURLToPath(import.meta.url), ...args], {
          ...process.env,
          [INSIDE]: '1',
        }),
      );
    }
  }
  console.warn(
    '[sip-phone] Cannot create a network namespace here (needs root on Linux): running on the host. ' +
      'Servers still bind to 127.0.0.1 and Chromium runs with --allow-loopback-in-peer-connection.',
  );
} else if (run('ip', ['link', 'set', 'lo', 'up']) !== 0) {
  console.error('[sip-phone] Could not bring up loopback inside the network namespace.');
  process.exit(1);
}

const started = Date.now();
const results = [];
const stage = (name, command, commandArgs) => {
  console.log(`\n[sip-phone] ── ${name} ──`);
  const status = run(command, commandArgs);
  results.push([name, status]);
  return status === 0;
};
const npm = 'npm';
// Extra arguments (e.g. `-- --group unit`) run only the browser tests they select.
if (!args.length) {
  stage('typecheck', npm, ['run', '--silent', 'typecheck']);
  stage('lint (ESLint, lit-analyzer, Prettier)', npm, ['run', '--silent', 'lint']);
  // dist/sip-phone.js is tested as the embedders' entry: build it first.
  stage('build', npm, ['run', '--silent', 'build']);
  stage('sandbox server (Node tests)', process.execPath, [
    '--import',
    'tsx',
    '--test',
    '--test-reporter=spec',
    // Node 20 does not expand globs for --test: list the files.
    ...readdirSync(join(root, 'test/sandbox'))
      .filter((name) => name.endsWith('.test.ts'))
      .map((name) => join('test/sandbox', name)),
  ]);
  // Framework users (issue 17): npm pack's contents, the JSX and Vue types under tsc / vue-tsc,
  // the React example built by Vite and run in Chromium against the sandbox. Needs the build.
  stage('framework users (Node tests)', process.execPath, [
    '--test',
    '--test-concurrency=1',
    '--test-reporter=spec',
    ...readdirSync(join(root, 'test/frameworks'))
      .filter((name) => name.endsWith('.test.mjs'))
      .map((name) => join('test/frameworks', name)),
  ]);
}
stage('browser tests (Chromium)', process.execPath, [
  join(root, 'node_modules/@web/test-runner/dist/bin.js'),
  ...args,
]);
if (!args.length) {
  // Kamailio as the presence server, proven at the SIP level before any browser (issue 17): it
  // starts the interop bed by itself, so it runs after the browser tests, not beside them.
  stage('interop bed: presence and message waiting (Node)', process.execPath, [
    '--test',
    '--test-reporter=spec',
    'test/interop/presence-node.test.mjs',
  ]);
  // The standalone dialer as a user sees it: `npm start`, Playwright, screenshots in test-artifacts/;
  // then the dialer in two and three tabs of one browser, sharing one phone (issue 17, part 3).
  // One file at a time: each starts its own `npm start`.
  stage('dialer end-to-end and shared tabs (Playwright)', process.execPath, [
    '--test',
    '--test-concurrency=1',
    '--test-reporter=spec',
    'test/e2e/dialer.test.mjs',
    'test/e2e/tabs.test.mjs',
  ]);
  // The built dialer as an installed app: manifest, service worker, offline, updates (needs the build).
  stage('installable dialer (Playwright)', process.execPath, [
    '--test',
    '--test-reporter=spec',
    'test/e2e/pwa.test.mjs',
  ]);
}

console.log(`\n[sip-phone] Test summary (${((Date.now() - started) / 1000).toFixed(1)} s):`);
for (const [name, status] of results)
  console.log(`  ${status === 0 ? 'passed' : 'FAILED'}  ${name}`);
process.exit(results.every(([, status]) => status === 0) ? 0 : 1);
