#!/usr/bin/env node
// prestart/pretest: installs the npm dependencies with `npm ci` when node_modules is missing or
// older than package-lock.json, so `npm start` and `npm test` work on a fresh clone by themselves.
// Uses nothing but Node's standard library (it runs before any dependency exists).
import { existsSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lock = join(root, 'package-lock.json');
// npm writes this file at the end of every install: its age is the age of node_modules.
const marker = join(root, 'node_modules', '.package-lock.json');

const stale = !existsSync(marker) || statSync(marker).mtimeMs < statSync(lock).mtimeMs;
if (stale) {
  console.log(
    '[sip-phone] node_modules is missing or older than package-lock.json: running npm ci…',
  );
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: 'inherit',
    // The tests use Debian's Chromium; no package may download a browser of its own.
    env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1', PUPPETEER_SKIP_DOWNLOAD: '1' },
  });
  if (result.status !== 0) {
    console.error('[sip-phone] npm ci failed; see the output above.');
    process.exit(result.status ?? 1);
  }
}
