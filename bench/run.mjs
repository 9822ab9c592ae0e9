#!/usr/bin/env node
// `npm run bench`: runs each benchmark in its own Node process, prints its figures and a summary,
// and writes them to bench/results.json (the latest figures, committed). Benchmarks report; they
// never fail on a slow machine: the exit code is 0 unless the harness itself breaks.
//
//   npm run bench                          every benchmark
//   npm run bench -- sandbox-capacity      only the ones named
//   npm run bench -- --out FILE            write FILE instead (e.g. bench/results.local.json)
//   npm run bench -- --list                list the benchmarks
//
// As root on Linux it re-runs itself in a loopback-only network namespace (`unshare --net`), like
// `npm test`, so no packet of a benchmark leaves 127.0.0.1 and nothing outside disturbs it.
import { spawn, spawnSync } from 'node:child_process';
import console from 'node:console';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import process from 'node:process';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const INSIDE = 'SIP_PHONE_BENCH_NETNS';

/**
 * The benchmarks, in the order they run. Each is a module run as
 * `node --import tsx bench/<file>` that reports through bench/lib/report.ts: tables on stdout,
 * its result object over IPC. `id` is its key under `benchmarks` in results.json.
 */
const BENCHMARKS = [
  {
    name: 'bundle-size',
    id: 'bundleSize',
    file: 'bundle-size.ts',
    description: 'min / gzip / brotli of the CDN file, kiosk first paint and dialer vs JsSIP + Lit',
    timeoutMs: 180_000,
  },
  {
    name: 'register',
    id: 'register',
    file: 'register.ts',
    description: 'start → registered (401 included): <sip-phone> vs bare JsSIP',
    timeoutMs: 180_000,
  },
  {
    name: 'click-to-invite',
    id: 'clickToInvite',
    file: 'click-to-invite.ts',
    description:
      'click → INVITE on the wire: <sip-phone> vs Chromium floor vs bare JsSIP (+ dead STUN)',
    // The bare JsSIP run with a STUN server that never answers is bounded at 45 s by itself.
    timeoutMs: 420_000,
  },
  {
    name: 'dtmf',
    id: 'dtmf',
    file: 'dtmf.ts',
    description:
      '10 DTMF digits to the sandbox: time and durations vs RTCDTMFSender and bare JsSIP',
    timeoutMs: 240_000,
  },
  {
    name: 'soak',
    id: 'soak',
    file: 'soak.ts',
    description: 'sequential calls: heap growth, leaked peer connections, tracks, listeners',
    // Its calls' time budget, plus building, starting and the final checks.
    timeoutMs: (Number(process.env.BENCH_SOAK_BUDGET_S) || 130) * 1000 + 120_000,
  },
  {
    name: 'sandbox-capacity',
    id: 'sandboxCapacity',
    file: 'sandbox-capacity.ts',
    description: 'concurrent echo calls the sandbox holds with no lost packet; its CPU per call',
    // Its ramp's time budget, plus starting, setting up and hanging up.
    timeoutMs: (Number(process.env.BENCH_CAPACITY_BUDGET_S) || 160) * 1000 + 120_000,
  },
];

const log = (line) => console.error(`[bench] ${line}`);

function parseArgs(argv) {
  const opts = { names: [], out: join(here, 'results.json'), list: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--list') opts.list = true;
    else if (a === '--out') {
      const value = argv[++i];
      if (!value) throw new Error('--out needs a file name');
      opts.out = resolve(value);
    } else if (a === '--help' || a === '-h') opts.help = true;
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else opts.names.push(a);
  }
  for (const name of opts.names) {
    if (!BENCHMARKS.some((b) => b.name === name || b.id === name)) {
      throw new Error(`no benchmark named ${name} (try --list)`);
    }
  }
  return opts;
}

/** Only loopback addresses are up: already inside a loopback-only namespace. */
function loopbackOnly() {
  const addresses = Object.values(os.networkInterfaces()).flat();
  return addresses.length > 0 && addresses.every((a) => a.internal);
}

/**
 * Re-run inside `unshare --net` when we can and are not inside one already. Resolves with the
 * inner run's exit code then, or undefined to go on here.
 */
async function isolate(args) {
  if (process.env[INSIDE]) {
    if (spawnSync('ip', ['link', 'set', 'lo', 'up'], { stdio: 'inherit' }).status !== 0) {
      log('could not bring up loopback inside the network namespace');
      return 1;
    }
    return undefined;
  }
  if (loopbackOnly()) return undefined;
  const canIsolate =
    process.platform === 'linux' && process.getuid?.() === 0 && existsSync('/usr/bin/unshare');
  if (canIsolate && spawnSync('unshare', ['--net', 'true']).status === 0) {
    log('running inside a loopback-only network namespace');
    // unshare execs node in place: signals sent to this process are passed on to it.
    const child = spawn(
      'unshare',
      ['--net', process.execPath, fileURLToPath(import.meta.url), ...args],
      {
        cwd: root,
        stdio: 'inherit',
        env: { ...process.env, [INSIDE]: '1' },
      },
    );
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    return new Promise((resolvePromise) => {
      child.on('error', (err) => {
        log(`unshare: ${err.message}`);
        resolvePromise(1);
      });
      child.on('close', (code, signal) =>
        resolvePromise(code ?? 128 + (os.constants.signals[signal] ?? 0)),
      );
    });
  }
  log(
    'cannot create a network namespace here (needs root on Linux): running on the host network; ' +
      'the sandbox and the callers still use 127.0.0.1 only',
  );
  return undefined;
}

/** Run one benchmark module; resolves with its output, or undefined (and a reason) if it broke. */
function runOne(bench, onChild) {
  return new Promise((resolvePromise) => {
    const helpers = new Set();
    let output;
    let timedOut = false;
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, bench.file)], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    onChild(child);
    child.on('message', (message) => {
      if (message?.type === 'pid') helpers.add(message.pid);
      else if (message?.type === 'exited') helpers.delete(message.pid);
      else if (message?.type === 'result') output = message.output;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      log(`${bench.name}: still running after ${bench.timeoutMs / 1000} s: stopping it`);
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    }, bench.timeoutMs);
    child.on('error', (err) => log(`${bench.name}: ${err.message}`));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      onChild(undefined);
      // Helper processes (the sandbox) it announced and did not see exit: stop them by pid.
      for (const pid of helpers) {
        try {
          process.kill(pid, 'SIGKILL');
          log(`${bench.name}: stopped its leftover helper process ${pid}`);
        } catch {
          // Already gone.
        }
      }
      let error;
      if (timedOut) error = `timed out after ${bench.timeoutMs / 1000} s`;
      else if (code !== 0) error = signal ? `killed by ${signal}` : `exit code ${code}`;
      else if (!output) error = 'it reported no result';
      resolvePromise(error ? { error } : { output });
    });
  });
}

function readResults(file) {
  try {
    const previous = JSON.parse(readFileSync(file, 'utf8'));
    if (previous && typeof previous.benchmarks === 'object') return previous;
  } catch {
    // No file yet, or not ours: start afresh.
  }
  return { benchmarks: {} };
}

/** JSON as Prettier would write it (results.json is checked by `prettier --check`). */
async function formatJson(file, data) {
  const text = `${JSON.stringify(data, null, 2)}\n`;
  try {
    const prettier = await import('prettier');
    const config = (await prettier.resolveConfig(file)) ?? {};
    return await prettier.format(text, { ...config, filepath: file });
  } catch {
    return text;
  }
}

function machine() {
  const cpus = os.cpus();
  return {
    cpus: cpus.length || os.availableParallelism(),
    model: cpus[0]?.model.trim() ?? 'unknown',
    node: process.version,
  };
}

function printSummary(rows) {
  const columns = ['benchmark', 'time', 'result'];
  const widths = [
    Math.max(columns[0].length, ...rows.map((r) => r[0].length)),
    Math.max(columns[1].length, ...rows.map((r) => r[1].length)),
  ];
  const line = (r) => `${r[0].padEnd(widths[0])}  ${r[1].padStart(widths[1])}  ${r[2]}`;
  console.log(
    [
      '',
      '== npm run bench: summary ==',
      line(columns),
      line(['-'.repeat(widths[0]), '-'.repeat(widths[1]), '------']),
    ]
      .concat(rows.map(line))
      .join('\n'),
  );
}

/**
 * The budgeted figures the benchmarks of this run reported (`figures` in their output, e.g. issue
 * 16's five: first paint, ready to call, dialer first load, register cold and warm), each beside
 * its anchor from the same benchmark run.
 */
function printFigures(figures) {
  if (figures.length === 0) return;
  const columns = ['figure', 'value', 'anchor (same run)', 'budget'];
  const rows = figures.map((f) => [f.name, f.value, f.anchor, f.budget]);
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i].length)));
  const line = (r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  console.log(
    [
      '',
      '== Budgeted figures and their anchors ==',
      line(columns),
      line(widths.map((w) => '-'.repeat(w))),
      ...rows.map(line),
    ].join('\n'),
  );
}

async function main() {
  const args = process.argv.slice(2);
  let opts;
  try {
    opts = parseArgs(args);
  } catch (err) {
    log(err.message);
    return 2;
  }
  if (opts.help || opts.list) {
    if (opts.help) console.log('Usage: npm run bench -- [name ...] [--out FILE] [--list]\n');
    for (const b of BENCHMARKS) console.log(`${b.name.padEnd(20)} ${b.description}`);
    return 0;
  }
  const isolated = await isolate(args);
  if (isolated !== undefined) return isolated;

  const selected = BENCHMARKS.filter(
    (b) => opts.names.length === 0 || opts.names.includes(b.name) || opts.names.includes(b.id),
  );
  const m = machine();
  const load = os.loadavg().map((x) => x.toFixed(2));
  log(`${m.cpus} × ${m.model}, Node ${m.node}; load average ${load.join(' ')}`);

  let current;
  let interrupted = false;
  const onSignal = (signal) => {
    interrupted = true;
    log(`${signal}: stopping`);
    current?.kill(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const results = readResults(opts.out);
  const summary = [];
  const figures = [];
  let broken = 0;
  for (const bench of selected) {
    if (interrupted) break;
    const started = Date.now();
    log(`── ${bench.name} ──`);
    const { output, error } = await runOne(bench, (child) => (current = child));
    const seconds = `${((Date.now() - started) / 1000).toFixed(0)} s`;
    if (interrupted) break;
    if (error) {
      broken++;
      summary.push([bench.name, seconds, `HARNESS ERROR: ${error} (previous figures kept)`]);
      continue;
    }
    results.benchmarks[bench.id] = output.result;
    summary.push([bench.name, seconds, output.headline]);
    figures.push(...(output.figures ?? []));
  }
  if (interrupted) {
    log('interrupted: results not written');
    return 130;
  }

  printSummary(summary);
  printFigures(figures);
  if (broken === selected.length) {
    log('no benchmark produced figures: results not written');
    return 1;
  }
  const data = {
    generatedAt: new Date().toISOString(),
    machine: m,
    benchmarks: results.benchmarks,
  };
  const temp = `${opts.out}.tmp`;
  writeFileSync(temp, await formatJson(opts.out, data));
  renameSync(temp, opts.out);
  console.log(`\nResults: ${relative(process.cwd(), opts.out) || opts.out}`);
  return broken > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    log(`harness error: ${err?.stack ?? err}`);
    process.exit(1);
  },
);
