#!/usr/bin/env node
// Regenerates the README's screenshot of the dialer: starts `npm start` (sandbox + dialer), calls
// the 486 test number in Debian's Chromium, and saves public/dialer.png. Run inside a loopback-only
// network namespace when you can: `unshare --net sh -c 'ip link set lo up && node scripts/screenshot.mjs'`.
/* global document -- page.evaluate() callbacks run in the browser */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const port = process.env.PORT ?? '5173';
const start = spawn(process.execPath, ['scripts/start.mjs'], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
});
try {
  await new Promise((resolve, reject) => {
    start.stdout.on('data', (chunk) => String(chunk).includes('sip-phone dialer:') && resolve());
    start.on('exit', (code) => reject(new Error(`npm start exited (${code})`)));
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      '--allow-loopback-in-peer-connection',
    ],
  });
  const page = await browser.newPage({
    viewport: { width: 960, height: 820 },
    deviceScaleFactor: 1,
  });
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForFunction(
    () => document.querySelector('sip-phone')?.registrationState === 'registered',
  );
  await page.evaluate(() => {
    const phone = document.querySelector('sip-phone');
    phone.number = '486';
    phone.call('486');
  });
  await page.waitForFunction(() => document.querySelector('sip-phone')?.callState === 'failed');
  await page.screenshot({ path: join(root, 'public/dialer.png') });
  await browser.close();
  console.log('saved public/dialer.png');
} finally {
  start.kill('SIGTERM');
}
