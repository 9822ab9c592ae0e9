// End-to-end test of the standalone dialer as a user sees it: `npm start` (sandbox + Vite), real
// Debian Chromium driven by Playwright, real calls. Screenshots of each state are written to
// test-artifacts/ (kept by CI as artefacts; one is in the README).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright';
import { CHROMIUM_ARGS, CHROMIUM_BIN } from '../../scripts/chromium.mjs';
import { startDialer } from './npm-start.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const artifacts = join(root, 'test-artifacts');

let dialer;
let browser;
let url;

before(async () => {
  await mkdir(artifacts, { recursive: true });
  dialer = await startDialer();
  url = dialer.url;
  browser = await chromium.launch({
    executablePath: CHROMIUM_BIN,
    args: CHROMIUM_ARGS,
  });
});

after(async () => {
  await browser?.close();
  await dialer?.stop();
});

/** A dialer page; `waitRegistered` waits until its phone is registered. */
async function openDialer(context, { waitRegistered = true } = {}) {
  const page = await (context ?? browser).newPage({ viewport: { width: 1000, height: 860 } });
  await page.goto(url);
  if (waitRegistered) {
    await page.waitForFunction(
      () => document.querySelector('sip-phone')?.registrationState === 'registered',
    );
  }
  return page;
}

const phoneState = (page) => page.evaluate(() => document.querySelector('sip-phone').callState);
const waitForState = (page, state) =>
  page.waitForFunction((s) => document.querySelector('sip-phone').callState === s, state, {
    timeout: 20_000,
  });
const bannerText = (page) =>
  page.evaluate(() =>
    document
      .querySelector('sip-phone')
      .shadowRoot.querySelector('[part~="banner"]')
      .textContent.replace(/\s+/g, ' ')
      .trim(),
  );

/**
 * Puts axe into the page the way devtools would: the pages forbid inline scripts (CSP, Trusted
 * Types), so a script tag with axe's text is refused, as it should be.
 */
async function injectAxe(page) {
  await page.evaluate(await readFile(join(root, 'node_modules/axe-core/axe.min.js'), 'utf8'));
}

test('the dialer registers to the sandbox by itself and is accessible (axe)', async () => {
  const page = await openDialer();
  assert.match(await page.locator('#numbers-section').innerText(), /echo/);
  // Under `npm start`: the other sandbox users as busy lamps, and the sandbox's voicemail.
  await page.waitForFunction(() => {
    const root = document.querySelector('sip-phone').shadowRoot;
    const lamps = [...root.querySelectorAll('[part~="lamp"]')].map(
      (lamp) => `${lamp.dataset.target}:${lamp.dataset.state}`,
    );
    return (
      lamps.join(' ') === 'bob:idle carol:idle' &&
      root.querySelector('[part~="voicemail-button"]') !== null
    );
  });
  await injectAxe(page);
  const violations = await page.evaluate(async () =>
    (await window.axe.run(document)).violations.map(
      (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    ),
  );
  assert.deepEqual(violations, []);
  await page.screenshot({ path: join(artifacts, 'dialer-idle.png') });
  await page.close();
});

test('calls from the test-number list: failed (486) and connected (echo), kept in the history across a reload', async () => {
  const context = await browser.newContext();
  const page = await openDialer(context);
  await page.getByRole('button', { name: /^486 /, exact: false }).click();
  await waitForState(page, 'failed');
  assert.match(await bannerText(page), /^Busy/);
  await page.screenshot({ path: join(artifacts, 'dialer-failed.png') });

  await page.getByRole('button', { name: /^echo Answers/ }).click();
  await waitForState(page, 'connected');
  await page.waitForTimeout(1200);
  await page.screenshot({ path: join(artifacts, 'dialer-connected.png') });
  await page.evaluate(() => document.querySelector('sip-phone').hangup());
  await waitForState(page, 'ended');

  await page.reload();
  await page.waitForFunction(
    () =>
      document.querySelector('sip-call-history').shadowRoot.querySelectorAll('[part~="entry"]')
        .length >= 2,
  );
  const entries = await page.evaluate(() =>
    [
      ...document.querySelector('sip-call-history').shadowRoot.querySelectorAll('[part~="entry"]'),
    ].map((e) => e.textContent.replace(/\s+/g, ' ').trim()),
  );
  assert.match(entries[0], /echo/);
  assert.match(entries[0], /Talked/);
  assert.match(entries[1], /Busy \(486\)/);
  await context.close();
});

test('the self-test passes against the sandbox, and a diagnostics file holds the call without secrets', async () => {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await openDialer(context);
  const { password } = await (await page.request.get(`${url}sandbox-config.json`)).json();
  await page.getByRole('button', { name: /^echo Answers/ }).click();
  await waitForState(page, 'connected');
  await page.waitForTimeout(1500);
  await page.evaluate(() => document.querySelector('sip-phone').hangup());
  await waitForState(page, 'ended');

  await page.getByRole('button', { name: 'Run self-test' }).click();
  await page.getByRole('button', { name: 'Yes, I heard it' }).click({ timeout: 20_000 });
  const summary = page.locator('sip-self-test [part~="summary"]');
  await summary.filter({ hasText: /passed|failed/ }).waitFor({ timeout: 30_000 });
  assert.equal((await summary.innerText()).trim(), 'All checks passed: you can call.');
  await page.locator('#self-test').screenshot({ path: join(artifacts, 'dialer-self-test.png') });

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Save diagnostics (JSON)' }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^sip-phone-diagnostics-\d{8}T\d{6}Z\.json$/);
  const json = await readFile(await download.path(), 'utf8');
  const report = JSON.parse(json);
  const call = report.calls.find((c) => c.remote.includes('echo') && c.state === 'ended');
  assert.ok(call, 'the echo call is in the report');
  assert.equal(call.ladder[0].summary, 'INVITE');
  assert.ok(call.stats.pairs.some((p) => p.selected));
  assert.ok(!json.includes(password), 'no password in the JSON');
  assert.doesNotMatch(json, /response="[0-9a-f]{32}"/);
  assert.match(
    await page.locator('#diagnostics-status').innerText(),
    /^Saved sip-phone-diagnostics-/,
  );

  const [text] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Save as text' }).click(),
  ]);
  assert.match(text.suggestedFilename(), /\.txt$/);
  const readable = await readFile(await text.path(), 'utf8');
  assert.match(readable, /^sip-phone diagnostics/);
  assert.match(readable, /→ INVITE/);
  assert.ok(!readable.includes(password), 'no password in the text');
  await context.close();
});

test('an incoming call rings with the caller shown; the settings form connects a second account', async () => {
  const context = await browser.newContext();
  const alice = await openDialer(context);
  const bob = await openDialer(context, { waitRegistered: false });
  // Sign the second page in as bob through the Account form (password not remembered).
  await bob.locator('#settings-details summary').click();
  await bob.fill('#uri', 'sip:bob@localhost');
  await bob.fill('#password', 'bob-sandbox');
  await bob.fill('#displayName', 'Bob at the desk');
  await bob.getByRole('button', { name: 'Save and connect' }).click();
  await bob.waitForFunction(
    () =>
      document.querySelector('sip-phone').uri === 'sip:bob@localhost' &&
      document.querySelector('sip-phone').registrationState === 'registered',
  );
  assert.match(await bob.locator('#settings-status').innerText(), /memory only/);
  const stored = await bob.evaluate(
    () =>
      JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + location.href,
  );
  assert.doesNotMatch(stored, /bob-sandbox/, 'the password is not stored');

  await bob.evaluate(() => document.querySelector('sip-phone').call('alice'));
  await waitForState(alice, 'incoming');
  assert.match(await bannerText(alice), /Incoming call From Bob at the desk \(bob\)/);
  await alice.screenshot({ path: join(artifacts, 'dialer-ringing.png') });
  await alice.evaluate(() => document.querySelector('sip-phone').reject());
  await waitForState(bob, 'failed');
  await context.close();
});

test('several servers in the settings: each one is checked, and the error names which', async () => {
  const page = await openDialer();
  await page.locator('#settings-details summary').click();
  await page.fill('#server', 'wss://a.example.com/ws ws://pbx.example.com');
  await page.fill('#uri', 'sip:alice@example.com');
  await page.getByRole('button', { name: 'Save and connect' }).click();
  const error = await page.textContent('#server-error');
  assert.match(error, /^Server 2: Plain ws:\/\/ is only allowed for localhost/);
  assert.equal(await page.getAttribute('#server', 'aria-invalid'), 'true');
  assert.equal(await page.getAttribute('#server', 'aria-describedby'), 'server-error server-hint');
});

test('settings are checked field by field', async () => {
  const page = await openDialer();
  await page.locator('#settings-details summary').click();
  await page.fill('#server', 'ws://pbx.example.com');
  await page.fill('#uri', 'alice');
  await page.fill('#displayName', 'Eve');
  await page.fill('#iceServers', 'turn:turn.example.com');
  await page.getByRole('button', { name: 'Save and connect' }).click();
  const errors = await page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll('.field-error')].map((e) => [e.id, e.textContent]),
    ),
  );
  assert.match(errors['server-error'], /Plain ws:\/\/ is only allowed for localhost/);
  assert.match(errors['uri-error'], /not a SIP address/);
  assert.match(errors['iceServers-error'], /needs a username and a password/);
  assert.equal(errors['displayName-error'], '');
  assert.equal(await page.getAttribute('#server', 'aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'server');
  // The phone keeps its working configuration.
  assert.equal(
    await page.evaluate(() => document.querySelector('sip-phone').registrationState),
    'registered',
  );
  await page.close();
});

test('usable at 320 px wide: nothing scrolls sideways', async () => {
  const page = await browser.newPage({ viewport: { width: 320, height: 800 } });
  await page.goto(url);
  await page.waitForFunction(
    () => document.querySelector('sip-phone')?.registrationState === 'registered',
  );
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - window.innerWidth,
  );
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
  await page.screenshot({ path: join(artifacts, 'dialer-320px.png'), fullPage: false });
  assert.equal(await phoneState(page), 'idle');
  await page.close();
});

test('installable: the manifest and its icons are served', async () => {
  const page = await browser.newPage();
  await page.goto(url);
  const manifest = await page.evaluate(async () => {
    const href = document.querySelector('link[rel="manifest"]').href;
    const json = await (await fetch(href)).json();
    const icons = await Promise.all(
      json.icons.map(async (i) => (await fetch(new URL(i.src, href))).status),
    );
    return { json, icons };
  });
  assert.equal(manifest.json.display, 'standalone');
  assert.ok(manifest.json.icons.some((i) => i.sizes === '512x512'));
  assert.deepEqual([...new Set(manifest.icons)], [200]);
  await page.close();
});

test('a call link (?call=) fills the number and focuses Call, never dials; Call then calls; another domain is refused', async () => {
  const page = await browser.newPage();
  await page.goto(`${url}?call=${encodeURIComponent('web+sip:echo@localhost')}`);
  await page.waitForFunction(
    () => document.querySelector('sip-phone')?.registrationState === 'registered',
  );
  await page.waitForFunction(() => document.querySelector('sip-phone').number !== '');
  const filled = await page.evaluate(() => ({
    number: document.querySelector('sip-phone').number,
    focus: document.querySelector('sip-phone').shadowRoot.activeElement?.getAttribute('part'),
    search: location.search,
  }));
  assert.deepEqual(filled, { number: 'sip:echo@localhost', focus: 'call-button', search: '' });
  assert.equal(await phoneState(page), 'idle', 'not dialled');
  await page.keyboard.press('Enter');
  await waitForState(page, 'connected');
  await page.evaluate(() => document.querySelector('sip-phone').hangup());
  await waitForState(page, 'ended');

  await page.goto(`${url}?call=${encodeURIComponent('sip:bob@evil.example')}`);
  await page.waitForFunction(() => document.querySelector('#call-link-status').textContent);
  assert.match(
    await page.textContent('#call-link-status'),
    /^This call link cannot be dialled: Calls to other domains \(evil\.example\) are not allowed/,
  );
  assert.equal(await page.evaluate(() => document.querySelector('sip-phone').number), '');
  await page.close();
});

test('the network drops: the page says there is no network, the phone that it is not connected; both clear once it is back', async () => {
  const context = await browser.newContext();
  const page = await openDialer(context);
  // Chromium's `navigator.onLine` follows the machine's interfaces (loopback only here): the page
  // is told what the network does through the DevTools protocol, and hears `online`/`offline`.
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const network = (online) =>
    cdp.send('Network.emulateNetworkConditions', {
      offline: !online,
      latency: 0,
      downloadThroughput: online ? 1e9 : 0,
      uploadThroughput: online ? 1e9 : 0,
    });
  const said = () => page.evaluate(() => document.querySelector('#network-status').textContent);
  await network(true);
  assert.equal(await said(), '', 'registered and online: nothing to say');
  await network(false);
  await page.waitForFunction(
    () =>
      document.querySelector('#network-status').textContent ===
      'No network — calls will work again when you are back online',
  );
  assert.match(await bannerText(page), /^Not connected/, 'the phone says its part, once');
  await network(true);
  await page.waitForFunction(
    () =>
      document.querySelector('sip-phone').registrationState === 'registered' &&
      document.querySelector('#network-status').textContent === '',
    null,
    { timeout: 20_000 },
  );
  await context.close();
});

test('the kiosk example: paints without JsSIP, calls on one press, and is accessible', async () => {
  const page = await browser.newPage({ viewport: { width: 800, height: 600 } });
  await page.goto(new URL('kiosk.html', url).href);
  const button = page.locator('sip-call-button').getByRole('button', { name: 'Call reception' });
  await button.waitFor();
  const jssip = () =>
    page.evaluate(() =>
      performance.getEntriesByType('resource').some((e) => /jssip/i.test(e.name)),
    );
  assert.equal(await jssip(), false, 'JsSIP not loaded before anyone comes near the button');
  await page.screenshot({ path: join(artifacts, 'kiosk-idle.png') });
  await button.hover();
  await page.waitForFunction(
    () => document.querySelector('sip-call-button').registrationState === 'registered',
  );
  assert.equal(await jssip(), true, 'loaded on hover');
  await button.click();
  await page.waitForFunction(
    () => document.querySelector('sip-call-button').callState === 'connected',
  );
  await page.waitForTimeout(1200);
  await page.screenshot({ path: join(artifacts, 'kiosk-in-call.png') });
  await injectAxe(page);
  const violations = await page.evaluate(async () =>
    (await window.axe.run(document)).violations.map((v) => v.id),
  );
  assert.deepEqual(violations, []);
  await page.locator('sip-call-button').getByRole('button', { name: 'Hang up' }).click();
  await page.waitForFunction(
    () => document.querySelector('sip-call-button').callState === 'idle',
    null,
    { timeout: 15_000 },
  );
  await page.close();
});

test('the embedding example: the phone beside page content, its events feeding the page', async () => {
  const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
  await page.goto(new URL('embed.html', url).href);
  await page.waitForFunction(
    () => document.querySelector('sip-phone')?.registrationState === 'registered',
  );
  await page.evaluate(() => document.querySelector('sip-phone').call());
  await waitForState(page, 'connected');
  await page.waitForTimeout(1200);
  await page.screenshot({ path: join(artifacts, 'embedded-in-call.png') });
  await page.evaluate(() => document.querySelector('sip-phone').hangup());
  await page.waitForFunction(() => document.querySelector('#log li'));
  assert.match(await page.locator('#log li').first().innerText(), /echo: ended/);
  await page.close();
});

test("only the dialer's pages may open a WebSocket to the sandbox, not another page on loopback", async () => {
  const other = createHttpServer((_request, response) => {
    response.setHeader('Content-Type', 'text/html');
    response.end('<!doctype html><title>Another local app</title>');
  });
  await new Promise((resolve) => other.listen(0, '127.0.0.1', resolve));
  const dialer = await browser.newPage();
  const stranger = await browser.newPage();
  try {
    await dialer.goto(url);
    const { server } = await (await dialer.request.get(`${url}sandbox-config.json`)).json();
    const tryConnect = (page) =>
      page.evaluate(
        (wsUrl) =>
          new Promise((resolve) => {
            const ws = new WebSocket(wsUrl, 'sip');
            ws.onopen = () => {
              ws.close();
              resolve('open');
            };
            ws.onclose = (event) => resolve(`closed ${event.code}`);
          }),
        server,
      );
    await stranger.goto(`http://127.0.0.1:${other.address().port}/`);
    assert.equal(await tryConnect(stranger), 'closed 1006', 'the handshake is refused');
    assert.equal(await tryConnect(dialer), 'open');
  } finally {
    await Promise.all([dialer.close(), stranger.close()]);
    other.close();
  }
});
