// Builds for the benchmarks: the project's own Vite builds (vite.config.ts, the modes `npm run
// build` runs) into a temporary directory, so that a benchmark measures the sources as they are
// now without touching dist/ (which tests may be reading meanwhile).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { announceExited, announcePid } from './report.js';
import { ROOT } from './sandbox-process.js';

const VITE = join(ROOT, 'node_modules/vite/bin/vite.js');
const BUILD_TIMEOUT_MS = 120_000;

/** Run a command in the project root; resolves with its output, rejects on failure or timeout. */
export function run(
  command: string,
  args: string[],
  what: string,
  timeoutMs = BUILD_TIMEOUT_MS,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid !== undefined) announcePid(child.pid, what);
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`${what}: ${err.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (child.pid !== undefined) announceExited(child.pid);
      if (code === 0) resolve(output);
      else {
        const why = signal ? `killed by ${signal}` : `exit code ${code}`;
        reject(new Error(`${what} failed (${why}):\n${output.slice(-2000)}`));
      }
    });
  });
}

export type ViteMode = 'lib' | 'kiosk' | 'app';

/**
 * `vite build --mode <mode>` with vite.config.ts, into `outDir` instead of dist/. With `manifest`,
 * Vite also writes `outDir/.vite/manifest.json` (which chunk holds which entry; the built files are
 * the same): `lib/bundle.ts`'s `chunkOf` reads it.
 */
export async function viteBuild(
  mode: ViteMode,
  outDir: string,
  options: { manifest?: boolean } = {},
): Promise<void> {
  await run(
    process.execPath,
    [
      VITE,
      'build',
      '--mode',
      mode,
      '--outDir',
      outDir,
      '--emptyOutDir',
      '--logLevel',
      'warn',
      ...(options.manifest ? ['--manifest'] : []),
    ],
    `vite build --mode ${mode}`,
  );
}

/** A temporary directory, removed by `dispose()` (and on exit). */
export function tempDir(prefix: string): { path: string; dispose: () => void } {
  const path = mkdtempSync(join(os.tmpdir(), `sip-phone-bench-${prefix}-`));
  const dispose = () => rmSync(path, { recursive: true, force: true });
  process.once('exit', dispose);
  return { path, dispose };
}

/**
 * dist/sip-phone.js built afresh from the current sources (with its chunks and Vite's manifest
 * beside it); returns its path.
 */
export async function buildCdnFile(): Promise<{ file: string; dispose: () => void }> {
  const dir = tempDir('cdn');
  await viteBuild('lib', dir.path, { manifest: true });
  return { file: join(dir.path, 'sip-phone.js'), dispose: dir.dispose };
}
