// Vite builds these:
//   `vite build --mode lib` → dist/sip-phone.js, one self-contained ES module (JsSIP and Lit inside)
//                             that defines the elements: the public CDN entry.
//   `vite build --mode app` → dist/app/, the standalone dialer (index.html at the root), built from
//                             app/ (Vite's root for the pages; public/ stays at the repo root);
//   `vite build --mode examples` → the kiosk and embed example pages beside it, after `app`.
// `vite` (dev) serves the dialer; `npm start` runs it beside the sandbox SIP server.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin, type PluginOption } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import type { CodeSplittingOptions, OutputOptions } from 'rolldown';
import { TEST_NUMBER_LIST } from './sandbox/numbers.js';

/**
 * Serves /sandbox-config.json while `npm start` runs the sandbox: the dialer reads it to register
 * as the sandbox's user with no typing. `SIP_SANDBOX` holds `{ server, uri, password }`.
 */
function sandboxConfig(): Plugin {
  return {
    name: 'sip-sandbox-config',
    apply: 'serve',
    configureServer(server) {
      const raw = process.env.SIP_SANDBOX;
      if (!raw) return;
      const numbers = TEST_NUMBER_LIST.map(({ number, description }) => [number, description]);
      const body = JSON.stringify({ ...JSON.parse(raw), numbers });
      server.middlewares.use('/sandbox-config.json', (_request, response) => {
        response.setHeader('Content-Type', 'application/json');
        response.setHeader('Cache-Control', 'no-store');
        response.end(body);
      });
    },
  };
}

/**
 * The Trusted Types policy the dialer registers its service worker with (`register()` takes a
 * TrustedScriptURL under enforcement); app/service-worker.ts, which allows that one script only.
 */
const SERVICE_WORKER_POLICY = 'sip-phone-sw';

/**
 * The dialer's service worker (issue 17, part 6), made by Workbox through vite-plugin-pwa: it
 * precaches the dialer's shell — its page, scripts, styles, icons and manifest, as this build
 * wrote them — so that the dialer opens offline; nothing else. Every other request (the sandbox's
 * config and API, other pages, anything cross-origin) is not handled by it and goes to the network
 * as without it; WebSockets (SIP) never pass through a service worker. `prompt`: a new version
 * waits until the user chooses to load it (app/service-worker.ts shows "A new version is ready").
 * The manifest is public/manifest.webmanifest as it is. Only in the `app` build: not in the CDN
 * file's, the kiosk's or the examples', and not under `vite` (dev): `npm start` has none.
 */
function dialerServiceWorker(): PluginOption {
  return VitePWA({
    strategies: 'generateSW',
    registerType: 'prompt',
    injectRegister: false,
    manifest: false,
    filename: 'sw.js',
    devOptions: { enabled: false },
    workbox: {
      globPatterns: ['**/*.{html,js,css,svg,webmanifest}', 'icon-*.png'],
      // The README's pictures are not the shell.
      globIgnores: ['**/node_modules/**', '*.map'],
      // `/?call=…` (call links) is the same page: the cached one.
      ignoreURLParametersMatching: [/^utm_/, /^fbclid$/, /^call$/],
      // No catch-all for navigations: the other pages of the folder are not the dialer.
      navigateFallback: null,
      cleanupOutdatedCaches: true,
      // The first version controls the page at once; a later one only once the user says so.
      clientsClaim: true,
      skipWaiting: false,
      sourcemap: false,
      // One file: the Workbox runtime inside sw.js, no importScripts of a second one.
      inlineWorkboxRuntime: true,
    },
  });
}

/**
 * The pages' Content-Security-Policy: scripts and styles only from the page's own origin, Trusted
 * Types enforced with Lit's policy and the dialer's service-worker one as the only ones, SIP over
 * `wss:` (`'self'` also matches `ws:` to the page's own host and port). `frame-ancestors` is
 * ignored in a meta tag: headers only.
 */
function contentSecurityPolicy(
  options: { connect?: string[]; styleNonce?: string; frameAncestors?: string } = {},
): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    `style-src 'self'${options.styleNonce ? ` 'nonce-${options.styleNonce}'` : ''}`,
    ['connect-src', "'self'", 'wss:', ...(options.connect ?? [])].join(' '),
    "img-src 'self' data:",
    "media-src 'self' blob:",
    "require-trusted-types-for 'script'",
    `trusted-types lit-html ${SERVICE_WORKER_POLICY}`,
    "base-uri 'none'",
    "object-src 'none'",
    ...(options.frameAncestors ? [`frame-ancestors ${options.frameAncestors}`] : []),
  ].join('; ');
}

/**
 * The built pages carry the policy in a meta tag, so `dist/app/` is protected on any static host.
 * It goes right after `<meta charset>`: a meta policy covers only what comes after it.
 */
function cspMeta(): Plugin {
  return {
    name: 'sip-csp-meta',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, { filename }) {
        const charset = /<meta charset="utf-8" \/>/i;
        if (!charset.test(html))
          throw new Error(`${filename}: no <meta charset> to put the CSP after`);
        const meta = `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy()}" />`;
        return html.replace(charset, (tag) => `${tag}\n    ${meta}`);
      },
    },
  };
}

/** The modules `from` imports statically, transitively (`from` itself too, when asked). */
function staticClosure(
  context: { getModuleInfo(id: string): { importedIds: readonly string[] } | null },
  from: string,
  withSelf: boolean,
): Set<string> {
  const closure = new Set<string>();
  const queue = withSelf ? [from] : [...(context.getModuleInfo(from)?.importedIds ?? [])];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    if (closure.has(next)) continue;
    closure.add(next);
    queue.push(...(context.getModuleInfo(next)?.importedIds ?? []));
  }
  return closure;
}

type ChunkGroup = NonNullable<CodeSplittingOptions['groups']>[number];

/**
 * Chunk groups for what a page fetches at once, so that it comes in as few files as possible, each
 * with all it imports (a chunk's static imports are only asked for once it has been parsed: a round
 * trip each time):
 * - `first-paint`: everything the entry imports statically, transitively. Left to itself the
 *   bundler splits each module that a lazy chunk shares with the first paint into a chunk of its own
 *   (Lit, the words, the events, the errors…): a dozen requests, each compressed alone.
 * - `sip-phone-body` (the CDN file only): `<sip-phone>`'s body, fetched at once beside the core,
 *   with everything it imports that the first paint does not hold: the UI words, the banner's words,
 *   the in-call templates, the modules it shares with the core.
 * The lazy chunks import what they share with these from them.
 */
function fetchedAtOnceGroups(entry: string, body?: string): ChunkGroup[] {
  let firstPaint: Set<string> | undefined;
  let bodyClosure: Set<string> | undefined;
  const groups: ChunkGroup[] = [
    {
      name: (id, context) => {
        firstPaint ??= staticClosure(context, entry, false);
        return firstPaint.has(id) ? 'first-paint' : null;
      },
    },
  ];
  if (body) {
    groups.push({
      name: (id, context) => {
        firstPaint ??= staticClosure(context, entry, false);
        bodyClosure ??= staticClosure(context, body, true);
        return bodyClosure.has(id) && !firstPaint.has(id) ? 'sip-phone-body' : null;
      },
    });
  }
  return groups;
}

/**
 * The CDN builds' output: minified, chunks beside the entry (`chunks/`, relative URLs), the entry's
 * static imports in one chunk (see fetchedAtOnceGroups), and JsSIP with its dependencies in a chunk
 * named for it (`chunks/jssip-<hash>.js`), so that a page's network log says what it fetched (the
 * bundler would name it after the first module that imports it).
 */
const chunkedOutput = (entry: string, body?: string): OutputOptions => ({
  minify: true,
  chunkFileNames: 'chunks/[name]-[hash].js',
  codeSplitting: {
    groups: [
      { name: 'jssip', test: /[\\/]node_modules[\\/](jssip|sdp-transform|debug|ms|events)[\\/]/ },
      ...fetchedAtOnceGroups(fromRepo(entry), body && fromRepo(body)),
    ],
  },
});

const CDN_ENTRY = 'components/cdn.ts';
const PHONE_BODY = 'components/sip-phone/sip-phone-body.ts';
const DIALER_SCRIPT = 'app/main.ts';
const KIOSK_ENTRY = 'components/sip-call-button/sip-call-button.ts';

// No page is made to be framed: the dialer holds an account and a microphone, and embed.html shows
// embedding the element (a script and a tag in your own page), not an iframe. Headers only.
const FRAME_ANCESTORS = "'none'";

/** A path from the repo root, absolute: the pages' build and dev server have app/ as their root. */
const fromRepo = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** Where `npm start`'s sandbox listens (a ws:// origin on loopback), from `SIP_SANDBOX`. */
function sandboxOrigin(): string[] {
  const raw = process.env.SIP_SANDBOX;
  return raw ? [new URL((JSON.parse(raw) as { server: string }).server).origin] : [];
}

export default defineConfig(({ mode, command, isPreview }) => {
  if (mode === 'lib') {
    return {
      publicDir: false,
      build: {
        outDir: 'dist',
        emptyOutDir: true,
        target: 'es2022',
        sourcemap: true,
        lib: {
          entry: CDN_ENTRY,
          formats: ['es'],
          fileName: () => 'sip-phone.js',
        },
        minify: true,
        // Vite keeps whitespace in ES libraries; the CDN file is meant to be fully minified. What a
        // page may not need (the phone core and JsSIP, the self-test…) is in chunks beside it,
        // imported by relative URL, so any host that serves the folder serves the lot.
        rolldownOptions: { output: chunkedOutput(CDN_ENTRY, PHONE_BODY) },
      },
    };
  }
  if (mode === 'kiosk') {
    // The kiosk button alone, for pages that want only it: a small first-paint module, with the
    // phone core (JsSIP) in a separate chunk loaded on first hover, focus or touch.
    return {
      publicDir: false,
      build: {
        outDir: 'dist/kiosk',
        emptyOutDir: true,
        target: 'es2022',
        sourcemap: true,
        minify: true,
        lib: {
          entry: KIOSK_ENTRY,
          formats: ['es'],
          fileName: () => 'sip-call-button.js',
        },
        rolldownOptions: { output: chunkedOutput(KIOSK_ENTRY) },
      },
    };
  }
  // Dev only: Vite's error overlay is a <style> in a shadow root, let in by a nonce made at start
  // (its markup is built with DOM calls, so Trusted Types stay on). Vite's HMR socket is 'self'.
  const devNonce = command === 'serve' && !isPreview ? randomBytes(16).toString('base64') : '';
  const examples = mode === 'examples';
  return {
    root: fromRepo('./app'),
    publicDir: fromRepo('./public'),
    envDir: fromRepo('.'),
    base: './',
    plugins: [
      sandboxConfig(),
      cspMeta(),
      ...(mode === 'app' && command === 'build' ? [dialerServiceWorker()] : []),
    ],
    ...(devNonce ? { html: { cspNonce: devNonce } } : {}),
    server: {
      host: '127.0.0.1',
      strictPort: true,
      headers: {
        // The sandbox is plain ws:// on another port: allowed by name, and only in dev.
        'Content-Security-Policy': contentSecurityPolicy({
          connect: sandboxOrigin(),
          styleNonce: devNonce,
          frameAncestors: FRAME_ANCESTORS,
        }),
      },
    },
    preview: {
      host: '127.0.0.1',
      headers: {
        'Content-Security-Policy': contentSecurityPolicy({ frameAncestors: FRAME_ANCESTORS }),
      },
    },
    build: {
      outDir: fromRepo('./dist/app'),
      // `examples` runs after `app` into the same folder (npm run build), so it keeps what is there.
      emptyOutDir: !examples,
      target: 'es2022',
      sourcemap: true,
      // The dialer alone (`app`), its static imports in one chunk and the phone's body with its
      // imports in another (see fetchedAtOnceGroups); the two example pages of the other ways to use
      // the elements (`examples`) in a build of their own, so that they share no chunk with the
      // dialer and stay as light as they are.
      rolldownOptions: examples
        ? { input: ['kiosk.html', 'embed.html'] }
        : {
            input: ['index.html'],
            output: {
              codeSplitting: {
                groups: fetchedAtOnceGroups(fromRepo(DIALER_SCRIPT), fromRepo(PHONE_BODY)),
              },
            },
          },
    },
  };
});
