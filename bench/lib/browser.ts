// Chromium for the browser benchmarks: Debian's /usr/bin/chromium (never a downloaded browser)
// with the flags the browser tests use, the benchmark pages (bench/pages/, bundled by esbuild)
// served from a loopback HTTP server, and a STUN server that never answers.
import { createSocket, type Socket } from 'node:dgram';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type CDPSession, type Page } from 'playwright';
import type {
  AccountOptions,
  DtmfOptions,
  MediaCounts,
  PageEvent,
  RegisterTiming,
} from '../pages/types.js';
import { announceExited, announcePid } from './report.js';
import { ROOT } from './sandbox-process.js';

import { CHROMIUM_BIN as CHROMIUM, CHROMIUM_ARGS } from '../../scripts/chromium.mjs';

export { CHROMIUM, CHROMIUM_ARGS };

const PAGES = join(ROOT, 'bench/pages');
const LAUNCH_TIMEOUT_MS = 30_000;

export type Subject = 'phone' | 'bare' | 'floor';

export const SUBJECT_LABEL: Record<Subject, string> = {
  phone: '<sip-phone>',
  bare: 'bare JsSIP',
  floor: 'Chromium floor',
};

/** The pages' scripts, bundled by esbuild (JsSIP is CommonJS: esbuild converts it). */
async function bundlePages(): Promise<Map<string, string>> {
  const result = await build({
    entryPoints: {
      phone: join(PAGES, 'phone.ts'),
      bare: join(PAGES, 'bare-jssip.ts'),
      floor: join(PAGES, 'floor.ts'),
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    minify: true,
    write: false,
    outdir: '/pages',
    logLevel: 'warning',
  });
  const instrument = await build({
    entryPoints: [join(PAGES, 'instrument.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'warning',
  });
  const files = new Map<string, string>();
  for (const f of result.outputFiles) files.set(f.path, f.text);
  files.set('instrument', instrument.outputFiles[0]!.text);
  return files;
}

/**
 * The markup every subject's page has before start, the same for all: the Call button the bare
 * JsSIP and floor pages listen to (on the `<sip-phone>` page nothing listens to it; its Call is the
 * element's). So no subject lays out the page's first text after start while another did it before
 * (the `<sip-phone>` page used to have an empty body: its cold first frame paid the page's first
 * style and layout inside start → registered, about 50 ms in an earlier session's trace).
 */
const PAGE_MARKUP = '<button id="go" type="button">Call</button>';

function html(subject: Subject): string {
  const scripts =
    subject === 'phone'
      ? '<script type="module" src="/sip-phone.js"></script>\n' +
        '<script type="module" src="/pages/phone.js"></script>'
      : `<script type="module" src="/pages/${subject}.js"></script>`;
  return (
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${subject}</title>` +
    `</head><body>${PAGE_MARKUP}\n${scripts}</body></html>\n`
  );
}

/** Serves the pages of the three subjects and the built CDN file on 127.0.0.1. */
export class PageServer {
  private constructor(
    private readonly server: Server,
    readonly origin: string,
    readonly instrument: string,
  ) {}

  static async start(cdnFile: string): Promise<PageServer> {
    const scripts = await bundlePages();
    const files = new Map<string, { type: string; body: string | Buffer }>();
    files.set('/sip-phone.js', { type: 'text/javascript', body: readFileSync(cdnFile) });
    // Its chunks, beside it, as a CDN serves the package folder.
    const chunks = join(dirname(cdnFile), 'chunks');
    for (const name of existsSync(chunks) ? readdirSync(chunks) : []) {
      if (!name.endsWith('.js')) continue;
      files.set(`/chunks/${name}`, {
        type: 'text/javascript',
        body: readFileSync(join(chunks, name)),
      });
    }
    for (const subject of ['phone', 'bare', 'floor'] as const) {
      files.set(`/${subject}.html`, { type: 'text/html', body: html(subject) });
      files.set(`/pages/${subject}.js`, {
        type: 'text/javascript',
        body: scripts.get(`/pages/${subject}.js`)!,
      });
    }
    const server = createServer((request, response) => {
      const file = files.get(new URL(request.url ?? '/', 'http://x').pathname);
      if (!file) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' });
      response.end(file.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return new PageServer(server, `http://127.0.0.1:${port}`, scripts.get('instrument')!);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}

/** Pids of the live child processes of `pid` (from /proc). */
function childPids(pid: number): number[] {
  const out: number[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return out;
  }
  for (const e of entries) {
    try {
      const text = readFileSync(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(e));
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}

/** One Chromium, its pid announced to run.mjs (which kills it if this benchmark dies). */
export class BenchBrowser {
  private constructor(
    readonly browser: Browser,
    readonly pids: number[],
  ) {}

  static async launch(extraArgs: string[] = []): Promise<BenchBrowser> {
    const before = new Set(childPids(process.pid));
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_ARGS, ...extraArgs],
      timeout: LAUNCH_TIMEOUT_MS,
    });
    const pids = childPids(process.pid).filter((p) => !before.has(p));
    for (const pid of pids) announcePid(pid, 'chromium');
    const b = new BenchBrowser(browser, pids);
    live.add(b);
    return b;
  }

  /** A new page of `subject` with the instrumentation, loaded and ready. */
  async open(server: PageServer, subject: Subject): Promise<SubjectPageHandle> {
    const context = await this.browser.newContext();
    const page = await context.newPage();
    await page.addInitScript({ content: server.instrument });
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`${server.origin}/${subject}.html`, { timeout: 15_000 });
    await page.waitForFunction('window.__page !== undefined', undefined, { timeout: 15_000 });
    return new SubjectPageHandle(page, subject, errors);
  }

  async close(): Promise<void> {
    live.delete(this);
    await this.browser.close().catch(() => undefined);
    for (const pid of this.pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Exited with the browser, as it should.
      }
      announceExited(pid);
    }
  }

  /** Synchronous last resort for a process 'exit' handler. */
  killNow(): void {
    for (const pid of this.pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
}

const live = new Set<BenchBrowser>();
/** Kill every browser still open (exit / signal handlers). */
export function killBrowsers(): void {
  for (const b of live) b.killNow();
}

/**
 * A subject's page. Calls into the page go as expressions (`window.__page.setup(…)`), not as
 * functions: tsx compiles this file, and a compiled function may name helpers the page lacks.
 */
export class SubjectPageHandle {
  private cdp: CDPSession | undefined;

  constructor(
    readonly page: Page,
    readonly subject: Subject,
    readonly errors: string[],
  ) {}

  /** Load the page again (a fresh document in the same, warm, browser). */
  async reload(): Promise<void> {
    await this.page.reload({ timeout: 15_000 });
    await this.page.waitForFunction('window.__page !== undefined', undefined, { timeout: 15_000 });
  }

  eval<T>(expression: string): Promise<T> {
    return this.page.evaluate(expression) as Promise<T>;
  }

  /**
   * Resolves after the page has rendered two frames: its markup is styled, laid out and painted
   * (what a page the user sees has done before anything starts).
   */
  async settle(): Promise<void> {
    await this.eval(
      'new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(true))))',
    );
  }

  /** Paths of the scripts from the page's origin whose fetch started before `at` (resource timing). */
  scriptsFetchedBefore(at: number): Promise<string[]> {
    return this.eval(
      `performance.getEntriesByType('resource')` +
        `.filter((e) => e.startTime < ${at} && e.name.startsWith(location.origin + '/') && ` +
        `new URL(e.name).pathname.endsWith('.js'))` +
        `.map((e) => new URL(e.name).pathname)`,
    );
  }

  private invoke<T>(method: string, ...args: unknown[]): Promise<T> {
    const list = args.map((a) => JSON.stringify(a) ?? 'undefined').join(', ');
    return this.eval<T>(`window.__page.${method}(${list})`);
  }

  setup(options: AccountOptions, timeoutMs = 10_000): Promise<RegisterTiming> {
    return this.invoke('setup', options, timeoutMs);
  }

  prepare(target: string, iceServers?: RTCIceServer[]): Promise<void> {
    return this.invoke('prepare', target, iceServers);
  }

  /** Place a call from script (no click): `el.call()` / `ua.call()`. */
  call(): Promise<void> {
    return this.invoke('call');
  }

  now(): Promise<number> {
    return this.eval('performance.now()');
  }

  /** Click the subject's call button like a user (Playwright's mouse, shadow DOM pierced). */
  async click(): Promise<void> {
    const selector = this.subject === 'phone' ? 'sip-phone [part~="call-button"]' : '#go';
    await this.page.locator(selector).click({ timeout: 10_000 });
  }

  lastClick(): Promise<number | undefined> {
    return this.eval('window.__bench.lastClick()');
  }

  waitFor(name: string, after: number, timeoutMs: number): Promise<PageEvent | null> {
    return this.eval(
      `window.__bench.waitFor(${JSON.stringify(name)}, ${after}, ${Math.round(timeoutMs)})`,
    );
  }

  waitConnected(timeoutMs = 10_000): Promise<boolean> {
    return this.invoke('waitConnected', timeoutMs);
  }

  waitMedia(timeoutMs = 5_000): Promise<boolean> {
    return this.invoke('waitMedia', timeoutMs);
  }

  hangup(): Promise<void> {
    return this.invoke('hangup');
  }

  waitIdle(timeoutMs = 10_000): Promise<boolean> {
    return this.invoke('waitIdle', timeoutMs);
  }

  sendDtmf(digits: string, options?: DtmfOptions): Promise<number> {
    return this.invoke('sendDtmf', digits, options);
  }

  /** Move the pointer off the page, then onto the call button, as a user about to press it. */
  async hover(): Promise<void> {
    const selector = this.subject === 'phone' ? 'sip-phone [part~="call-button"]' : '#go';
    await this.page.mouse.move(0, 0);
    await this.page.locator(selector).hover({ timeout: 10_000 });
  }

  prewarmed(): Promise<boolean> {
    return this.invoke('prewarmed');
  }

  listenerCount(): Promise<number | null> {
    return this.invoke('listenerCount');
  }

  /** Counts of the page's media objects; `olderThanMs`: see peerConnectionsReachableOld. */
  media(olderThanMs = 0): Promise<MediaCounts> {
    return this.eval(`window.__bench.media(${Math.round(olderThanMs)})`);
  }

  teardown(timeoutMs = 5_000): Promise<boolean> {
    return this.invoke('teardown', timeoutMs);
  }

  private async devtools(): Promise<CDPSession> {
    this.cdp ??= await this.page.context().newCDPSession(this.page);
    return this.cdp;
  }

  /** The JS heap in use after forcing garbage collection (CDP), bytes. */
  async heapAfterGc(): Promise<number> {
    const cdp = await this.devtools();
    for (let i = 0; i < 3; i++) {
      await cdp.send('HeapProfiler.collectGarbage');
      await new Promise((r) => setTimeout(r, 30));
    }
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    return usedSize;
  }

  /** Event listeners registered on window and document (CDP DOMDebugger). */
  async globalListeners(): Promise<number> {
    const cdp = await this.devtools();
    let total = 0;
    for (const expression of ['window', 'document']) {
      const { result } = await cdp.send('Runtime.evaluate', { expression });
      if (!result.objectId) continue;
      const { listeners } = await cdp.send('DOMDebugger.getEventListeners', {
        objectId: result.objectId,
      });
      total += listeners.length;
      await cdp.send('Runtime.releaseObject', { objectId: result.objectId });
    }
    return total;
  }

  async close(): Promise<void> {
    await this.page
      .context()
      .close()
      .catch(() => undefined);
  }
}

/** A UDP socket on 127.0.0.1 that swallows every packet: a STUN server that never answers. */
export async function silentStun(): Promise<{ url: string; close: () => void }> {
  const socket: Socket = createSocket('udp4');
  socket.on('message', () => undefined);
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { url: `stun:127.0.0.1:${socket.address().port}`, close: () => socket.close() };
}
