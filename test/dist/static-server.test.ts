// Issue 16: every chunk of the CDN file works offline from the package folder. A plain static
// server (test/helpers/static-server.mjs) serves a COPY of the package's CDN files (dist/sip-phone.js
// and dist/chunks/, as `files` in package.json ships them) under a prefix that is not dist/, and
// 404s every other path but the page's own; every answer carries a strict Content-Security-Policy
// (script-src 'self', no 'unsafe-…') that reports to the server too. The page (static-page/), in a
// frame on the server's origin, loads the CDN file from the prefix; the test drives it by
// postMessage against the real sandbox. A baked-in absolute path (/dist/…, /chunks/…) shows as a
// request outside the prefix and a 404, a CDN host as a violation. `npm test` builds dist/ first.
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { passwordOf, sandbox, sandboxCalls, waitFor } from '../helpers/sandbox.js';

const PREFIX = '/cdn/sip-phone@1.0.0/';
const SITE = '/site/';
const REPORT_PATH = `${SITE}csp-report`;
const PAGE_FILES = [`${SITE}index.html`, `${SITE}page.js`];
const TAGS = [
  'sip-phone',
  'sip-dialpad',
  'sip-call-banner',
  'sip-call-history',
  'sip-device-settings',
  'sip-call-button',
  'sip-self-test',
];

interface Mount {
  prefix: string;
  files: string[];
  missing: string[];
}
interface Started {
  id: string;
  origin: string;
  mounts: Mount[];
}
interface Request {
  method: string;
  path: string;
  status: number;
  dest?: string;
}
interface Log {
  requests: Request[];
  reports: string[];
}
interface PageMessage {
  source: 'static-page';
  type: string;
  state?: string;
  status?: number;
  callId?: string;
  defined?: Record<string, boolean>;
  violations?: string[];
  errors?: string[];
  failed?: string[];
}

const command = <T>(action: string, payload: object = {}) =>
  executeServerCommand<T, object>('static-server', { action, ...payload });

/** A strict policy: scripts, styles and everything else from this origin only; no 'unsafe-…'. */
function policy(sandboxWs: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    // The one WebSocket the phone needs: the sandbox, by its exact origin.
    `connect-src 'self' ${new URL(sandboxWs).origin}`,
    "media-src 'self' blob:",
    "img-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${location.origin}`,
    `report-uri ${REPORT_PATH}`,
  ].join('; ');
}

describe('dist/sip-phone.js from a package folder on a plain static server, under another prefix', () => {
  let server: Started;
  let cdn: Mount;
  let csp: string;
  let frame: HTMLIFrameElement | undefined;
  let pageFrom = 0; // the first request of the page in the server's log
  const messages: PageMessage[] = [];
  const onMessage = (event: MessageEvent<PageMessage>) => {
    if (event.source === frame?.contentWindow && event.data?.source === 'static-page')
      messages.push(event.data);
  };

  const log = () => command<Log>('log', { id: server.id });
  const send = (data: object) =>
    frame!.contentWindow!.postMessage({ source: 'static-test', ...data }, server.origin);
  const message = (what: string, accept: (m: PageMessage) => boolean, timeout?: number) =>
    waitFor(() => messages.find(accept), what, timeout);

  /** The page in a frame on the server's origin, once: `ready` when its modules have run. */
  async function page(): Promise<PageMessage> {
    if (!frame) {
      pageFrom = (await log()).requests.length;
      frame = document.createElement('iframe');
      frame.allow = 'microphone; autoplay';
      frame.src = `${server.origin}${SITE}index.html?tags=${TAGS.join(',')}`;
      document.body.append(frame);
    }
    return message('the page loaded', (m) => m.type === 'ready');
  }

  /** What the page requested stayed under the prefix or the page's files, all found; no violation. */
  async function expectClean(): Promise<Request[]> {
    const count = messages.length;
    send({ command: 'report' });
    const report = await waitFor(
      () => messages.slice(count).find((m) => m.type === 'report'),
      'the page report',
    );
    // A request still in flight (status 0) is answered in a moment: read the log once none is.
    await waitFor(
      async () => (await log()).requests.every((r) => r.status !== 0),
      'every request answered',
    );
    const { requests, reports } = await log();
    expect(reports, 'CSP reports the server got').to.deep.equal([]);
    expect(report.violations, 'CSP violations the page saw').to.deep.equal([]);
    // The reports (none, checked above) go to the page's own endpoint; everything else is a file.
    const fromPage = requests.slice(pageFrom).filter((r) => r.path !== REPORT_PATH);
    const stray = fromPage.filter(
      (r) => !r.path.startsWith(PREFIX) && !PAGE_FILES.includes(r.path.split('?')[0]!),
    );
    expect(stray, 'requests outside the prefix and the page').to.deep.equal([]);
    expect(
      fromPage.filter((r) => r.status !== 200),
      'requests not answered 200',
    ).to.deep.equal([]);
    expect(report.errors, 'uncaught errors in the page').to.deep.equal([]);
    return fromPage;
  }

  before(async () => {
    const info = await sandbox();
    csp = policy(info.wsUrl);
    server = await command<Started>('start', {
      mounts: [
        // The package's CDN files, copied: the copy is the package folder under test.
        { prefix: PREFIX, from: 'dist', files: ['sip-phone.js', 'sip-phone.js.map', 'chunks'] },
        { prefix: SITE, from: 'test/dist/static-page' },
      ],
      headers: {
        'content-security-policy': csp,
        'x-content-type-options': 'nosniff',
        // As a CDN answers: this test page (another origin) reads the control answers below.
        'access-control-allow-origin': '*',
        'access-control-expose-headers': 'content-security-policy',
      },
      reportPath: REPORT_PATH,
    });
    cdn = server.mounts.find((m) => m.prefix === PREFIX)!;
    window.addEventListener('message', onMessage);
  });

  after(async () => {
    window.removeEventListener('message', onMessage);
    frame?.remove();
    if (server) await command('stop', { id: server.id });
  });

  it('serves the copy under the prefix only, as JavaScript, with the strict policy', async () => {
    expect(csp).to.contain("script-src 'self'").and.not.contain('unsafe-');
    expect(cdn.files, 'the CDN file (npm run build)').to.include('sip-phone.js');
    expect(cdn.files.some((f) => /^chunks\/[\w.-]+\.js$/.test(f)), 'its chunks').to.equal(true);
    expect(cdn.missing, 'imports the copied package cannot resolve').to.deep.equal([]);

    const entry = await fetch(`${server.origin}${PREFIX}sip-phone.js`);
    expect(entry.status).to.equal(200);
    expect(entry.headers.get('content-type')).to.match(/^text\/javascript\b/);
    expect(entry.headers.get('content-security-policy')).to.equal(csp);
    const chunk = cdn.files.find((f) => f.endsWith('.js') && f.startsWith('chunks/'))!;
    // The same files at the paths a build with absolute URLs would ask for: not there.
    for (const path of ['/dist/sip-phone.js', `/dist/${chunk}`, `/${chunk}`, '/sip-phone.js']) {
      expect((await fetch(`${server.origin}${path}`)).status, path).to.equal(404);
    }
  });

  it('the page defines all seven elements from the CDN file alone', async () => {
    const ready = await page();
    const requests = await expectClean();
    expect(ready.defined).to.deep.equal(Object.fromEntries(TAGS.map((tag) => [tag, true])));
    const scripts = requests.filter((r) => r.path.startsWith(PREFIX)).map((r) => r.path);
    expect(scripts, 'the entry').to.include(`${PREFIX}sip-phone.js`);
    expect(
      scripts.some((p) => p.startsWith(`${PREFIX}chunks/`)),
      'chunks, from under the prefix',
    ).to.equal(true);
  });

  it('registers against the sandbox, calls a number that answers, hangs up', async function () {
    this.timeout(60_000);
    await page();
    const info = await sandbox();
    send({
      command: 'configure',
      server: info.wsUrl,
      uri: `sip:carol@${info.domain}`,
      password: await passwordOf('carol'),
    });
    await message(
      'registered',
      (m) => m.type === 'registration' && m.state === 'registered',
      15_000,
    );
    send({ command: 'call', target: 'echo' });
    const connected = await message(
      'connected',
      (m) => m.type === 'call' && m.state === 'connected',
      20_000,
    );
    send({ command: 'hangup' });
    await message('ended', (m) => m.type === 'call' && m.state === 'ended');
    expect(connected.callId, 'the call id').to.be.a('string');
    await waitFor(
      async () =>
        (await sandboxCalls('echo'))
          .find((c) => c.callId === connected.callId)
          ?.receivedMethods.includes('BYE'),
      'the sandbox got the BYE',
    );
    await expectClean();
  });

  it('every module of the package loads from under the prefix', async function () {
    this.timeout(30_000);
    await page();
    const modules = cdn.files.filter((f) => f.endsWith('.js'));
    send({ command: 'import', urls: modules.map((f) => `${server.origin}${PREFIX}${f}`) });
    const imported = await message('the imports', (m) => m.type === 'imported', 20_000);
    expect(imported.failed, 'modules that did not load').to.deep.equal([]);
    const requested = new Set((await expectClean()).map((r) => r.path));
    expect(
      modules.filter((f) => !requested.has(`${PREFIX}${f}`)),
      'modules never requested',
    ).to.deep.equal([]);
  });
});
