// A plain static file server (node:http, no framework) and a test-runner plugin around it, for a
// test that loads the built CDN file the way a CDN or any static host serves it: files from a
// folder under a path prefix, the header the test chooses on every answer, 404 for every other
// path. The server listens on 127.0.0.1 only and records every request it gets.
//
// Browser tests get `executeServerCommand('static-server', {...})`:
//
//   start {mounts, headers, reportPath}   a server → { id, origin, mounts: [{ prefix, files, missing }] }
//       mounts: [{ prefix: '/cdn/x/', from: 'dist', files?: ['sip-phone.js', 'chunks'] }]
//       `from` is a folder of the checkout. With `files`, those entries (files or folders) are
//       COPIED to a temporary folder first, and that copy is served: a package folder of its own,
//       which a rebuild of `from` meanwhile does not change; `missing` lists each relative import
//       of a copied module that is not in the copy. Without `files`, `from` is served as it is.
//       reportPath: where a POST is recorded as a report (a CSP report-uri), answered 204.
//       hold: a RegExp source: a request whose path matches waits (unanswered) until `release`.
//       fail: a RegExp source: a request whose path matches is answered 404, as if the file were
//       missing (a CDN that lost a chunk).
//   release {id} answers every held request, and those that come later, as usual
//   log {id}     { requests: [{ method, path, status, dest }], reports: [body, …] }
//   stop {id}    closes the server, removes its copies
//
// Every server still open is closed, and its copies removed, when the test runner stops.
import { createServer } from 'node:http';
import { cp, mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');

const TYPES = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wav': 'audio/wav',
  '.webmanifest': 'application/manifest+json',
};

/** Every file under `dir`, as paths relative to it with `/` separators. */
async function filesUnder(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile())
      out.push(relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'));
  }
  return out.sort();
}

// What a built module imports by relative URL: `from"./x.js"`, `import"./x.js"`, `import("./x.js")`.
const RELATIVE_IMPORT = /\b(?:from|import)\s*\(?\s*["'`](\.\.?\/[^"'`]+)["'`]/g;

/** Each relative import of a module in `dir` whose target is not in `dir`: "a.js → ./b.js". */
async function missingImports(dir) {
  const missing = [];
  for (const file of (await filesUnder(dir)).filter((name) => name.endsWith('.js'))) {
    const text = await readFile(join(dir, file), 'utf8');
    for (const [, specifier] of text.matchAll(RELATIVE_IMPORT)) {
      const target = resolve(dirname(join(dir, file)), specifier);
      if (!target.startsWith(dir + sep) || !existsSync(target))
        missing.push(`${file} → ${specifier}`);
    }
  }
  return missing;
}

/**
 * Copies `files` of `from` into a new temporary folder. A build running meanwhile empties and
 * refills `from`: a copy whose imports do not all resolve is made again (up to `attempts` times),
 * and the last one is kept with what it misses.
 */
async function packageCopy(from, files, attempts = 20) {
  for (let attempt = 1; ; attempt++) {
    const dir = await mkdtemp(join(tmpdir(), 'sip-phone-static-'));
    try {
      for (const name of files) {
        const source = join(from, name);
        if (existsSync(source)) await cp(source, join(dir, name), { recursive: true });
      }
      const missing = await missingImports(dir);
      if (!missing.length || attempt >= attempts) return { dir, missing };
    } catch (error) {
      if (attempt >= attempts) {
        await rm(dir, { recursive: true, force: true });
        throw error;
      }
    }
    await rm(dir, { recursive: true, force: true });
    await new Promise((done) => setTimeout(done, 1000));
  }
}

/**
 * A static server: `mounts` ([{ prefix, dir }]) map a path prefix to a folder; `headers` go on
 * every answer; a POST to `reportPath` is recorded in `reports`. Directories (unless
 * `directoryIndex`: then their index.html), paths outside every mount and files that are not there
 * are 404; methods other than GET and HEAD are 405.
 */
export async function startStaticServer({
  mounts,
  headers = {},
  reportPath,
  hold,
  fail,
  directoryIndex = false,
} = {}) {
  const requests = [];
  const reports = [];
  const held = hold ? new RegExp(hold) : undefined;
  const failed = fail ? new RegExp(fail) : undefined;
  let release;
  const released = held ? new Promise((done) => (release = done)) : Promise.resolve();
  const roots = mounts.map(({ prefix, dir }) => ({ prefix, dir: resolve(dir) }));

  async function answer(req, res) {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const entry = { method: req.method, path: url.pathname + url.search, status: 0 };
    const dest = req.headers['sec-fetch-dest'];
    if (dest) entry.dest = dest;
    requests.push(entry);
    const send = (status, body = '', type = 'text/plain; charset=utf-8') => {
      entry.status = status;
      res.writeHead(status, { ...headers, 'content-type': type, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (reportPath && url.pathname === reportPath && req.method === 'POST') {
      let body = '';
      req.setEncoding('utf8');
      for await (const chunk of req) body += chunk;
      reports.push(body);
      entry.status = 204;
      res.writeHead(204, headers).end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed');
    if (failed?.test(url.pathname)) return send(404, 'not found');
    if (held?.test(url.pathname)) await released;
    let path;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      return send(400, 'bad path');
    }
    const mount = roots.find(({ prefix }) => path.startsWith(prefix));
    if (!mount || path.includes('\0')) return send(404, 'not found');
    const name = path.slice(mount.prefix.length);
    // A folder's index.html, when asked for (a built app's `start_url: "./"`).
    const file = resolve(
      mount.dir,
      directoryIndex && (!name || name.endsWith('/')) ? `${name}index.html` : name,
    );
    if (!file.startsWith(mount.dir + sep)) return send(404, 'not found');
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return send(404, 'not found');
    return send(
      200,
      await readFile(file),
      TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    );
  }

  const server = createServer((req, res) => {
    answer(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    requests,
    reports,
    release: () => release?.(),
    close: () =>
      new Promise((done) => {
        release?.();
        server.close(done);
        server.closeAllConnections();
      }),
  };
}

/** The test-runner plugin: `executeServerCommand('static-server', { action, … })`. */
export function staticServerPlugin({ root = ROOT } = {}) {
  const servers = new Map();
  let next = 1;

  async function stop(id) {
    const entry = servers.get(id);
    if (!entry) return false;
    servers.delete(id);
    await entry.server.close();
    for (const dir of entry.copies) await rm(dir, { recursive: true, force: true });
    return true;
  }

  return {
    name: 'static-server',
    async serverStop() {
      for (const id of [...servers.keys()]) await stop(id);
    },
    async executeCommand({ command, payload }) {
      if (command !== 'static-server') return undefined;
      const { action, id } = payload ?? {};
      if (action === 'start') {
        const copies = [];
        const mounts = [];
        try {
          for (const { prefix, from, files } of payload.mounts ?? []) {
            if (!/^\/(?:[\w@.-]+\/)*$/.test(prefix)) throw new Error(`bad prefix ${prefix}`);
            const source = resolve(root, from);
            if (!source.startsWith(root + sep)) throw new Error(`${from} is outside the checkout`);
            let dir = source;
            let missing = [];
            if (files) {
              ({ dir, missing } = await packageCopy(source, files));
              copies.push(dir);
            }
            mounts.push({ prefix, dir, missing });
          }
          const server = await startStaticServer({
            mounts,
            headers: payload.headers ?? {},
            reportPath: payload.reportPath,
            hold: payload.hold,
            fail: payload.fail,
          });
          const serverId = `static${next++}`;
          servers.set(serverId, { server, copies });
          return {
            id: serverId,
            origin: server.origin,
            mounts: await Promise.all(
              mounts.map(async ({ prefix, dir, missing }) => ({
                prefix,
                files: await filesUnder(dir),
                missing,
              })),
            ),
          };
        } catch (error) {
          for (const dir of copies) await rm(dir, { recursive: true, force: true });
          throw error;
        }
      }
      if (action === 'log') {
        const entry = servers.get(id);
        if (!entry) throw new Error(`no static server ${id}`);
        return { requests: [...entry.server.requests], reports: [...entry.server.reports] };
      }
      if (action === 'release') {
        const entry = servers.get(id);
        if (!entry) throw new Error(`no static server ${id}`);
        entry.server.release();
        return true;
      }
      if (action === 'stop') return stop(id);
      throw new Error(`unknown static-server action ${action}`);
    },
  };
}
