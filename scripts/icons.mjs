#!/usr/bin/env node
// Renders public/favicon.svg to the PNG icons the web app manifest lists (192 and 512 px), with
// Debian's Chromium. Run after changing the SVG: `node scripts/icons.mjs`.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright';
import { CHROMIUM_BIN } from './chromium.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const svg = await readFile(join(root, 'public/favicon.svg'), 'utf8');
const browser = await chromium.launch({
  executablePath: CHROMIUM_BIN,
});
for (const size of [192, 512]) {
  const page = await browser.newPage({ viewport: { width: size, height: size } });
  await page.setContent(
    `<style>html,body{margin:0}svg{width:${size}px;height:${size}px;display:block}</style>${svg}`,
  );
  await page.screenshot({ path: join(root, `public/icon-${size}.png`), omitBackground: true });
  await page.close();
}
await browser.close();
console.log('wrote public/icon-192.png and public/icon-512.png');
