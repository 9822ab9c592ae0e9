// The built pages (dist/app/, `npm run build`) as a static host serves them, on the fault peer's
// origin: the phone's ws://127.0.0.1:<peer>/s/<id> is then the page's own host and port, which the
// shipped meta policy's `connect-src 'self'` allows, so that policy is tested unchanged.
//
//   /app/<file>                  dist/app/<file>; each HTML page gets one script more, the probe
//                                (app/probe.js), right after its CSP meta, so it runs first and
//                                under the page's own policy
//   /app/sandbox-config.json     a planted sandbox account, which the built dialer must not read
//   /app-requests                how often each /app/ path was asked for (for the test page)
//
// The test opens each page as a window of its own (a frame of the test page would be third-party:
// no localStorage). The only header policy is `frame-ancestors 'none'`, as `vite preview` sends (a
// meta tag cannot say it): every other directive the pages live under is the shipped meta's.
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.map': 'application/json',
  '.webmanifest': 'application/manifest+json',
};

const requests = new Map();

/** Serves `url` when it is one of the paths above; false otherwise. */
export async function serveApp(root, url, res, origin) {
  const send = (status, type, body, headers = {}) =>
    res
      .writeHead(status, {
        'content-type': type,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        ...headers,
      })
      .end(body);

  if (url.pathname === '/app-requests') {
    send(200, TYPES['.json'], JSON.stringify(Object.fromEntries(requests)), {
      'access-control-allow-origin': '*',
    });
    return true;
  }
  if (url.pathname === '/app-probe.js') {
    send(200, TYPES['.js'], await readFile(join(root, 'test/faults/app/probe.js')));
    return true;
  }
  if (!url.pathname.startsWith('/app/')) return false;
  const name = decodeURIComponent(url.pathname.slice('/app/'.length)) || 'index.html';
  requests.set(name, (requests.get(name) ?? 0) + 1);

  if (name === 'sandbox-config.json') {
    // What `npm start` serves, pointing elsewhere: a build that read it would sign in as "planted".
    send(
      200,
      TYPES['.json'],
      JSON.stringify({
        server: `${origin.replace(/^http/, 'ws')}/s/planted`,
        uri: 'sip:planted@planted.invalid',
        password: 'planted-password',
        domain: 'planted.invalid',
        users: [{ user: 'planted', password: 'planted-password' }],
        numbers: [['planted', 'A planted test number']],
      }),
    );
    return true;
  }

  const dist = join(root, 'dist/app');
  const file = resolve(dist, name);
  if (!file.startsWith(dist + sep) || !existsSync(file)) {
    send(404, 'text/plain', existsSync(dist) ? 'not found' : 'not built: run npm run build');
    return true;
  }
  const type = TYPES[extname(file)] ?? 'application/octet-stream';
  if (type !== TYPES['.html']) {
    send(200, type, await readFile(file));
    return true;
  }
  const html = await readFile(file, 'utf8');
  const probe = '<script src="/app-probe.js"></script>';
  const meta = /<meta http-equiv="Content-Security-Policy"[^>]*>/i;
  // Without a meta policy (an old build) the probe still runs first, and the test reports it.
  const page = meta.test(html)
    ? html.replace(meta, (tag) => `${tag}\n    ${probe}`)
    : html.replace(/<head>/i, `<head>\n    ${probe}`);
  send(200, type, page, {
    'content-security-policy': "frame-ancestors 'none'",
  });
  return true;
}
