// The frame of a browser benchmark: its helpers (sandbox, page server, Chromium) are stopped by
// pid on SIGINT / SIGTERM (exit 130) and on any exit, and every wait is bounded.
import { killBrowsers } from './browser.js';
import { progress } from './report.js';
import type { SandboxProcess } from './sandbox-process.js';

let interrupted = false;
const cleanups: Array<() => void | Promise<void>> = [];
let sandboxRef: SandboxProcess | undefined;

export const isInterrupted = (): boolean => interrupted;

/** Thrown out of a benchmark's loops once it has been asked to stop. */
export class Interrupted extends Error {
  constructor() {
    super('interrupted');
  }
}

export function checkInterrupted(): void {
  if (interrupted) throw new Interrupted();
}

/** Run at a stop (signal or end), newest first. */
export function onCleanup(fn: () => void | Promise<void>): void {
  cleanups.push(fn);
}

export function adoptSandbox(sandbox: SandboxProcess): void {
  sandboxRef = sandbox;
  onCleanup(() => sandbox.stop());
}

export async function cleanup(): Promise<void> {
  killBrowsers();
  while (cleanups.length > 0) {
    const fn = cleanups.pop()!;
    try {
      await fn();
    } catch (err) {
      progress(`cleanup: ${(err as Error).message}`);
    }
  }
}

export function installStopHandlers(): void {
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    progress(`${signal}: stopping the browsers and the sandbox`);
    void cleanup().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', () => {
    killBrowsers();
    sandboxRef?.killNow();
  });
}

/** Run a benchmark's main; a failure (not a stop asked by a signal) stops the helpers, exit 1. */
export function runMain(name: string, main: () => Promise<void>): void {
  main().catch(async (err: unknown) => {
    // Stopped by a signal: its handler cleans up and exits with 130.
    if (interrupted) return;
    progress(`${name} failed: ${(err as Error).stack ?? String(err)}`);
    await cleanup();
    process.exit(1);
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** An integer from the environment, checked. */
export function envInt(name: string, def: number, min: number, max: number): number {
  const raw = process.env[name];
  if (!raw) return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}`);
  }
  return n;
}

/** Resolves with the promise's value, or rejects after `ms` saying what it waited for. */
export function bounded<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
    }),
  ]);
}
