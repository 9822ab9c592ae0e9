// What every benchmark records beside its figures: when, on what machine and network, from which
// sources, and how busy the rest of the machine was while it measured.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { busiestOthers, cpuTimes, machine, machineCpuSeconds, type CpuTimes } from './proc.js';
import { ROOT } from './sandbox-process.js';
import { round } from './stats.js';

/** A window where other processes used more than this (% of a core) is flagged as disturbed. */
export const DISTURBED_OTHER_PCT = 20;

export function networkDescription(): string {
  const addresses = Object.values(os.networkInterfaces()).flat();
  const external = addresses.filter((a) => a && !a.internal);
  if (external.length === 0) return 'loopback only (no other interface in this network namespace)';
  return `127.0.0.1 on the host network (${external.length} other addresses present)`;
}

export interface SourceState {
  commit: string | undefined;
  /** Paths under the measured directories with uncommitted changes (`git status --porcelain`). */
  modified: string[] | undefined;
}

/** The commit measured, and the uncommitted changes under `paths` then. */
export function sourceState(paths: string[]): SourceState {
  const git = (args: string[]) => {
    const r = spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
    return r.status === 0 ? r.stdout : undefined;
  };
  const status = git(['status', '--porcelain', '--', ...paths]);
  return {
    commit: git(['rev-parse', 'HEAD'])?.trim(),
    modified:
      status === undefined
        ? undefined
        : status
            .split('\n')
            .filter((l) => l.trim() !== '')
            .map((l) => l.slice(3)),
  };
}

export interface LoadFigures {
  /** CPU of every process outside this benchmark's tree (its sandbox and browsers are inside). */
  otherCpuPct: number | undefined;
  /** The busiest of those, `command (NN %)`. */
  otherBusiest: string[];
  /** This benchmark's tree: itself, the sandbox, Chromium. */
  oursCpuPct: number | undefined;
  /** The whole machine, % of one core (up to 100 × cores). */
  machineCpuPct: number | undefined;
}

/** Starts measuring CPU; the returned function ends the window and gives its figures. */
export function cpuWindow(): () => LoadFigures {
  const at = performance.now();
  const a: CpuTimes = cpuTimes([process.pid]);
  const ma = machineCpuSeconds();
  return () => {
    const wall = (performance.now() - at) / 1000;
    const b = cpuTimes([process.pid]);
    const mb = machineCpuSeconds();
    const pct = (x: number | undefined, y: number | undefined) =>
      x === undefined || y === undefined || wall <= 0
        ? undefined
        : round(((y - x) / wall) * 100, 1);
    const ours = pct(a.trees.get(process.pid), b.trees.get(process.pid));
    const all = pct(a.all, b.all);
    let machinePct: number | undefined;
    if (ma && mb && mb.total > ma.total) {
      const cores = os.cpus().length || os.availableParallelism();
      machinePct = round(((mb.busy - ma.busy) / (mb.total - ma.total)) * cores * 100, 1);
    }
    return {
      otherCpuPct:
        all !== undefined && ours !== undefined ? round(Math.max(0, all - ours), 1) : undefined,
      otherBusiest: busiestOthers(a, b, wall),
      oursCpuPct: ours,
      machineCpuPct: machinePct,
    };
  };
}

/** The fields every browser benchmark's result starts with. */
export interface RunMeta {
  measuredAt: string;
  durationS: number;
  machine: ReturnType<typeof machine>;
  network: string;
  source: SourceState;
  loadAverageBefore: number[];
  load: LoadFigures;
}

/** Begin a run: returns the function that completes its metadata at the end. */
export function beginRun(paths: string[]): () => RunMeta {
  const started = performance.now();
  const loadAverageBefore = os.loadavg().map((x) => round(x, 2));
  const source = sourceState(paths);
  const endCpu = cpuWindow();
  return () => ({
    measuredAt: new Date().toISOString(),
    durationS: round((performance.now() - started) / 1000, 1),
    machine: machine(),
    network: networkDescription(),
    source,
    loadAverageBefore,
    load: endCpu(),
  });
}

/** The note every benchmark prints about the machine and what else ran on it. */
export function loadNote(meta: RunMeta): string {
  const l = meta.load;
  const other =
    l.otherCpuPct === undefined
      ? 'n/a'
      : `${l.otherCpuPct} % of a core` +
        (l.otherBusiest.length > 0 ? ` (${l.otherBusiest.join(', ')})` : '');
  const modified = meta.source.modified ?? [];
  return (
    `Machine: ${meta.machine.cpus} × ${meta.machine.model}, Node ${meta.machine.node}; ` +
    `${meta.network}; load average before: ${meta.loadAverageBefore.join(' ')}; ` +
    `other processes used ${other} during the run` +
    ((l.otherCpuPct ?? 0) > DISTURBED_OTHER_PCT ? ' — disturbed: re-run on a quiet machine' : '') +
    `. Source: commit ${meta.source.commit?.slice(0, 12) ?? 'n/a'}` +
    (modified.length > 0 ? ` with ${modified.length} uncommitted changes measured` : '') +
    '.'
  );
}
