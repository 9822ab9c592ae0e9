// Vite builds two things:
//   `vite build --mode lib` → dist/sip-phone.js, one self-contained ES module (JsSIP and Lit inside)
//                             that defines the elements: the public CDN entry.
//   `vite build --mode app` → dist/app/, the standalone dialer (index.html at the root).
// `vite` (dev) serves the dialer; `npm start` runs it beside the sandbox SIP server.
import { defineConfig, type Plugin } from 'vite';
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

export default defineConfig(({ mode }) => {
  if (mode === 'lib') {
    return {
      publicDir: false,
      build: {
        outDir: 'dist',
        emptyOutDir: true,
        target: 'es2022',
        sourcemap: true,
        lib: {
          entry: 'components/index.ts',
          formats: ['es'],
          fileName: () => 'sip-phone.js',
        },
        minify: true,
        // Vite keeps whitespace in ES libraries; the CDN file is meant to be fully minified.
        rolldownOptions: { output: { codeSplitting: false, minify: true } },
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
          entry: 'components/sip-call-button/sip-call-button.ts',
          formats: ['es'],
          fileName: () => 'sip-call-button.js',
        },
        rolldownOptions: { output: { minify: true, chunkFileNames: 'chunks/[name]-[hash].js' } },
      },
    };
  }
  return {
    base: './',
    plugins: [sandboxConfig()],
    server: { host: '127.0.0.1', strictPort: true },
    preview: { host: '127.0.0.1' },
    build: {
      outDir: 'dist/app',
      emptyOutDir: true,
      target: 'es2022',
      sourcemap: true,
      // The dialer, and the two example pages of the other ways to use the elements.
      rolldownOptions: { input: ['index.html', 'kiosk.html', 'embed.html'] },
    },
  };
});
