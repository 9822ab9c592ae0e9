// @web/test-runner: every browser test runs in Debian's Chromium (never a downloaded browser).
// TypeScript is compiled by esbuild; JsSIP and sdp-transform (CommonJS, JsSIP with circular
// requires) are served as ESM bundles built by esbuild, which handles both.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { build } from 'esbuild';
import { sandboxPlugin } from './test/helpers/sandbox-plugin.mjs';
import { CHROMIUM_ARGS, CHROMIUM_BIN } from './scripts/chromium.mjs';
import { interopPlugin } from './test/interop/testbed-plugin.mjs';
import { faultPlugin } from './test/faults/fault-plugin.mjs';
import { staticServerPlugin } from './test/helpers/static-server.mjs';
import { visualRegressionPlugin } from '@web/test-runner-visual-regression/plugin';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

const COMMONJS_PACKAGES = ['jssip', 'sdp-transform'];

/** Serves each CommonJS package as one ESM bundle at /__cjs/<name>.js. */
function commonjsAsEsm() {
  const cache = new Map();
  return {
    name: 'commonjs-as-esm',
    resolveImport({ source }) {
      if (COMMONJS_PACKAGES.includes(source)) return `/__cjs/${source}.js`;
    },
    async serve(context) {
      const match = /^\/__cjs\/(.+)\.js$/.exec(context.path);
      if (!match || !COMMONJS_PACKAGES.includes(match[1])) return;
      if (!cache.has(match[1])) {
        const result = await build({
          entryPoints: [match[1]],
          bundle: true,
          format: 'esm',
          write: false,
          platform: 'browser',
          target: 'chrome120',
          logLevel: 'warning',
        });
        cache.set(match[1], result.outputFiles[0].text);
      }
      return { body: cache.get(match[1]), type: 'js' };
    },
  };
}

export const chromiumArgs = CHROMIUM_ARGS;

// The visual group's pictures (test/visual/): baselines are committed; a missing one fails the test
// (it would otherwise be written and pass, asserting nothing). `SIP_UPDATE_VISUAL=1 npm test --
// --group visual` writes them anew, after a change of look that is meant. What failed and the diff
// go to test-artifacts/visual/.
const VISUAL_BASELINES = 'test/visual/baselines';
const updateVisual = process.env.SIP_UPDATE_VISUAL === '1';
const visualRegression = () =>
  visualRegressionPlugin({
    update: updateVisual,
    baseDir: VISUAL_BASELINES,
    getBaselineName: ({ name }) => `${name}.png`,
    getFailedName: ({ name }) => `../../../test-artifacts/visual/${name}.png`,
    getDiffName: ({ name }) => `../../../test-artifacts/visual/${name}-diff.png`,
    async getBaseline({ filePath, name }) {
      // Asked even when writing them anew (the plugin reads the old one first).
      if (!existsSync(filePath)) {
        if (updateVisual) return undefined;
        throw new Error(
          `no baseline for "${name}" in ${VISUAL_BASELINES}: run SIP_UPDATE_VISUAL=1 npm test -- --group visual`,
        );
      }
      return readFile(filePath);
    },
    // A pixel differs when its colour does at all (pixelmatch's default, 0.1, lets a white banner on
    // a light grey page pass for grey); anti-aliased pixels are told apart and left out.
    diffOptions: { threshold: 0.01 },
    // Anti-aliasing may move a few pixels from run to run; a changed look moves many more.
    failureThreshold: 0.5,
    failureThresholdType: 'percent',
  });

const chromium = (args) =>
  playwrightLauncher({
    product: 'chromium',
    launchOptions: { executablePath: CHROMIUM_BIN, headless: true, args },
  });

export default {
  nodeResolve: true,
  concurrency: 1,
  plugins: [
    esbuildPlugin({ ts: true, tsconfig: './tsconfig.json', target: 'es2022' }),
    commonjsAsEsm(),
    sandboxPlugin(),
    // Real SIP software (Kamailio, rtpengine, sipp, baresip), started on the first interop test.
    interopPlugin(),
    // The fault-injecting SIP peer between the phone and the sandbox (test/faults/).
    faultPlugin(),
    // A plain static file server under a path prefix, for the dist group's package-folder test.
    staticServerPlugin(),
    visualRegression(),
  ],
  browsers: [chromium(chromiumArgs)],
  groups: [
    { name: 'unit', files: 'test/unit/**/*.test.ts' },
    { name: 'components', files: 'test/components/**/*.test.ts' },
    { name: 'dist', files: 'test/dist/**/*.test.ts' },
    // How the elements look, against committed pictures (issue 17, part 8).
    { name: 'visual', files: 'test/visual/**/*.test.ts' },
    {
      // The default autoplay policy (no sound before a user gesture), to test the "enable sound" prompt.
      name: 'autoplay',
      files: 'test/autoplay/**/*.test.ts',
      browsers: [
        chromium([
          ...chromiumArgs.filter((arg) => !arg.startsWith('--autoplay-policy')),
          '--autoplay-policy=document-user-activation-required',
        ]),
      ],
    },
    {
      // Every permission prompt denied: the user refused the microphone.
      name: 'permissions',
      files: 'test/permissions/**/*.test.ts',
      browsers: [
        chromium([
          ...chromiumArgs.filter((arg) => arg !== '--use-fake-ui-for-media-stream'),
          '--deny-permission-prompts',
        ]),
      ],
    },
    {
      // No fake devices, and this machine has no sound card: no microphone at all.
      name: 'no-microphone',
      files: 'test/no-microphone/**/*.test.ts',
      browsers: [
        chromium(chromiumArgs.filter((arg) => arg !== '--use-fake-device-for-media-stream')),
      ],
    },
    { name: 'interop', files: 'test/interop/**/*.test.ts' },
    {
      // The fault suite (fault peer: test/faults/fault-plugin.mjs); gc() for the soak's heap check.
      name: 'faults',
      files: 'test/faults/**/*.test.ts',
      browsers: [chromium([...chromiumArgs, '--js-flags=--expose-gc'])],
    },
  ],
  // Lit announces dev mode in every test page; that line says nothing about the code under test.
  filterBrowserLogs: ({ args }) => !String(args[0]).includes('Lit is in dev mode'),
  browserStartTimeout: 60_000,
  testsStartTimeout: 60_000,
  testsFinishTimeout: 300_000,
  testFramework: { config: { timeout: 20_000 } },
};
