// The React example's build: `vite build --config docs/examples/react/vite.config.ts --outDir <dir>`.
// `sip-phone/react` and `sip-phone` resolve through the package's own `exports` (this folder is
// inside the package), so the example uses what `npm run build` put in dist/lib, as an app that
// installed the package would.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  publicDir: false,
  logLevel: 'warn',
  build: { target: 'es2022', emptyOutDir: true, sourcemap: true },
});
