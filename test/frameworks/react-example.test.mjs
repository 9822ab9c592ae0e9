// The React example (docs/examples/react/) as a React user gets it: built by Vite against the
// package's own `exports` (`sip-phone/react` → dist/lib, as `npm run build` made it), served from a
// plain static server, and loaded in Debian's Chromium, where its <SipPhone> registers to the
// sandbox and places a call. What the page shows comes from the wrapper's `on…` props.
// Needs `npm run build` first (`npm test` runs it before this file).
// page.evaluate() and waitForFunction() callbacks run in the page.
/* global document, window */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright';
import { CHROMIUM_ARGS, CHROMIUM_BIN } from '../../scripts/chromium.mjs';
import { startStaticServer } from '../helpers/static-server.mjs';
import { startSandbox } from './sandbox-process.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const example = join(root, 'docs/examples/react');

let out;
let sandbox;
let server;
let browser;

before(async () => {
  assert.ok(
    existsSync(join(root, 'dist/lib/components/react/index.js')),
    'dist/lib is not built: run `npm run build` first',
  );
  out = await mkdtemp(join(tmpdir(), 'sip-phone-react-example-'));
});

after(async () => {
  await browser?.close();
  await server?.close();
  await sandbox?.stop();
  if (out) await rm(out, { recursive: true, force: true });
});

test('the React example builds with Vite, importing sip-phone/react through the package exports', async () => {
  const build = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules/vite/bin/vite.js'),
      'build',
      '--config',
      join(example, 'vite.config.ts'),
      '--outDir',
      out,
    ],
    { cwd: root, encoding: 'utf8' },
  );
  assert.equal(build.status, 0, `vite build failed:\n${build.stdout}\n${build.stderr}`);
  assert.ok(existsSync(join(out, 'index.html')));
  // The wrappers came from the built package (dist/lib), not from the TypeScript sources.
  const maps = (await readdir(join(out, 'assets'))).filter((name) => name.endsWith('.js.map'));
  const sources = [];
  for (const name of maps)
    sources.push(...JSON.parse(await readFile(join(out, 'assets', name), 'utf8')).sources);
  assert.ok(
    sources.some((source) => source.endsWith('dist/lib/components/react/index.js')),
    'the bundle has dist/lib/components/react/index.js',
  );
  assert.ok(!sources.some((source) => /components\/react\/index\.ts$/.test(source)));
});

test('in Chromium, <SipPhone> renders, registers to the sandbox and calls echo: the page shows it through onSipRegistrationChange and onSipCallChange', async () => {
  assert.ok(existsSync(join(out, 'index.html')), 'the example was built by the test before');
  sandbox = await startSandbox();
  server = await startStaticServer({ mounts: [{ prefix: '/', dir: out }] });
  browser = await chromium.launch({ executablePath: CHROMIUM_BIN, args: CHROMIUM_ARGS });
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(`${server.origin}/index.html`);

  const { wsUrl, domain, users } = sandbox.info;
  const alice = users.find((user) => user.user === 'alice');
  await page.getByLabel('Server').fill(wsUrl);
  await page.getByLabel('SIP address').fill(`sip:alice@${domain}`);
  await page.getByLabel('Password').fill(alice.password);
  await page.getByRole('button', { name: 'Sign in' }).click();

  // The element is there, upgraded, with its card rendered in its shadow root.
  await page.waitForFunction(
    () => !!document.querySelector('sip-phone')?.shadowRoot?.querySelector('[part~="base"]'),
  );
  // The page's own state, set only by the onSipRegistrationChange prop.
  await page.waitForFunction(
    () => document.querySelector('#registration')?.textContent === 'Registration: registered',
    undefined,
    { timeout: 15_000 },
  );
  assert.equal(
    await page.evaluate(() => document.querySelector('sip-phone').registrationState),
    'registered',
  );
  const registrations = await (
    await fetch(new URL('/api/registrations', sandbox.info.httpUrl))
  ).json();
  assert.ok(registrations.some((registration) => registration.user === 'alice'));

  // The props went down as properties: the account the form gave.
  assert.deepEqual(
    await page.evaluate(() => {
      const phone = document.querySelector('sip-phone');
      return { server: phone.server, uri: phone.uri, password: phone.password === '' };
    }),
    { server: wsUrl, uri: `sip:alice@${domain}`, password: false },
  );

  await page.evaluate(() => document.querySelector('sip-phone').call('echo'));
  await page.waitForFunction(
    () => document.querySelector('#calls')?.textContent.includes('connected'),
    undefined,
    { timeout: 15_000 },
  );
  await page.evaluate(() => document.querySelector('sip-phone').hangup());
  await page.waitForFunction(() => document.querySelector('#calls')?.textContent.includes('ended'));
  const states = (await page.locator('#calls').innerText())
    .replace('Call states: ', '')
    .split(' → ');
  assert.equal(states[0], 'calling');
  assert.ok(states.indexOf('connected') < states.indexOf('ended'));

  // The example page is accessible (axe, as the dialer's end-to-end test checks).
  await page.evaluate(await readFile(join(root, 'node_modules/axe-core/axe.min.js'), 'utf8'));
  const violations = await page.evaluate(async () =>
    (await window.axe.run(document)).violations.map(
      (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    ),
  );
  assert.deepEqual(violations, []);
  assert.deepEqual(errors, []);
  assert.deepEqual(
    server.requests.filter((request) => request.status !== 200).map((request) => request.path),
    [],
  );
});
