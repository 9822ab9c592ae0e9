// Benchmark: how many simultaneous `echo` calls the sandbox holds on this machine with no lost
// packet, and its CPU per call (issue 3, "Benchmark (not a test)"; issue 8, "Sandbox capacity").
//
// The sandbox runs as a child process (its CPU read from /proc/<pid>/stat); the callers are werift
// peers in this process (bench/lib/echo-call.ts), each on its own WebSocket. The number of calls
// ramps up in steps; at each step every caller sends 20 ms PCMU frames for a fixed window, stops,
// and waits for the echoes still in flight. Loss = frames sent − echoes received, split by where it
// happened with the sandbox's own RTP counters (GET /api/calls). The ramp stops at the first step
// with loss, a failed call set-up or a saturated CPU, or when the time budget is spent.
//
//   node --import tsx bench/sandbox-capacity.ts     (alone; `npm run bench` runs it too)
//
// Environment: BENCH_CAPACITY_STEPS ("10,20,40"), BENCH_CAPACITY_WINDOW_MS (per window),
// BENCH_CAPACITY_REPEATS (windows per step), BENCH_CAPACITY_BUDGET_S (the ramp's time budget).
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type { CallRecord } from '../sandbox/records.js';
import { api } from '../test/sandbox/helpers/sip-client.js';
import { EchoCall, FRAME_MS } from './lib/echo-call.js';
import {
  busiestOthers,
  cpuTimes,
  machine,
  machineCpuSeconds,
  udpDrops,
  type CpuTimes,
} from './lib/proc.js';
import { emit, progress, type Table } from './lib/report.js';
import { ROOT, SandboxProcess } from './lib/sandbox-process.js';
import { formatSpread, quantile, round, spread, type Spread } from './lib/stats.js';

const TARGET_CALLS = 20;
/** The sandbox keeps its last 500 call records; the loss split needs every call's. */
const MAX_CALLS = 400;
const SETUP_CONCURRENCY = 10;
/** After the last frame, echoes are counted until none has arrived for this long… */
const DRAIN_QUIET_MS = 300;
/** …or this long has passed. */
const DRAIN_MAX_MS = 2_000;
/** Saturated: the sandbox (one Node thread) or the generator uses this much of a core… */
const SATURATED_PROCESS_PCT = 90;
/** …or the whole machine is this busy (% of all its cores)… */
const SATURATED_MACHINE_PCT = 95;
/** …or the generator had to skip more than this share of its frames (its timers ran late). */
const SATURATED_LATE_SHARE = 0.01;
const IDLE_SAMPLE_MS = 1_000;
/** A window where other processes used more than this (% of a core) is flagged as disturbed. */
const DISTURBED_OTHER_PCT = 20;

function envList(name: string, def: number[]): number[] {
  const raw = process.env[name];
  if (!raw) return def;
  const v = raw.split(',').map((s) => Number(s.trim()));
  if (v.some((n) => !Number.isInteger(n) || n < 1 || n > MAX_CALLS)) {
    throw new Error(`${name} must be a comma-separated list of call counts (1-${MAX_CALLS})`);
  }
  return [...new Set(v)].sort((a, b) => a - b);
}

function envInt(name: string, def: number, min: number, max: number): number {
  const raw = process.env[name];
  if (!raw) return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}`);
  }
  return n;
}

const STEPS = envList('BENCH_CAPACITY_STEPS', [10, 20, 40, 80, 160, 240, 320, 400]);
const WINDOW_MS = envInt('BENCH_CAPACITY_WINDOW_MS', 4_000, 1_000, 60_000);
const REPEATS = envInt('BENCH_CAPACITY_REPEATS', 3, 1, 10);
const BUDGET_MS = envInt('BENCH_CAPACITY_BUDGET_S', 160, 10, 1_800) * 1000;
const FRAMES_PER_WINDOW = Math.round(WINDOW_MS / FRAME_MS);
const CORES = os.cpus().length || os.availableParallelism();

/** Set by SIGINT / SIGTERM: the ramp stops, the calls hang up, the sandbox stops, exit 130. */
let interrupted = false;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface WindowResult {
  sent: number;
  echoed: number;
  lost: number;
  lossPct: number;
  /** Calls whose record the sandbox's API did not return (the split below is then null). */
  missingRecords: number;
  /** Frames the sandbox never counted (lost on the way in). */
  lostBeforeSandbox: number | undefined;
  /** Frames the sandbox counted but did not echo. */
  notEchoed: number | undefined;
  /** Echoes the sandbox sent that did not come back (or came after the drain). */
  lostOnReturn: number | undefined;
  /** Echoes matching no frame of this window (none are expected). */
  foreign: number;
  /** Frames the generator skipped because its timers ran late (it was short of CPU). */
  lateFrames: number;
  /** CPU over the sending window, % of one core (machine: of one core too, 100 × cores max). */
  sandboxCpuPct: number | undefined;
  generatorCpuPct: number | undefined;
  otherCpuPct: number | undefined;
  /** The other processes that used the most CPU, `command (NN %)`. */
  otherBusiest: string[];
  machineCpuPct: number | undefined;
  rttMs: { p50: number; p99: number; max: number } | undefined;
  generatorTimerLagMs: { p99: number; max: number } | undefined;
  /** Datagrams the kernel dropped on full receive buffers (sockets of each process). */
  udpDrops: { sandbox: number | undefined; generator: number | undefined };
  drainMs: number;
}

interface StepResult {
  calls: number;
  connected: number;
  setupFailures: string[];
  setupMs: Spread | undefined;
  windows: WindowResult[];
  lossPct: Spread | undefined;
  sandboxCpuPct: Spread | undefined;
  sandboxCpuPerCallPct: Spread | undefined;
  generatorCpuPct: Spread | undefined;
  otherCpuPct: Spread | undefined;
  rttP50Ms: Spread | undefined;
  rttP99Ms: Spread | undefined;
  /**
   * The generator offered the full load: in the median window it skipped at most 1 % of the
   * frames (a step where it fell behind measured less than its number of calls).
   */
  fullLoad: boolean;
  /** Every call connected, the full load offered, and not one frame lost in any window. */
  clean: boolean;
  /** Why this step's CPU counts as saturated, if it does. */
  saturated: string | undefined;
}

export interface SandboxCapacityResult {
  measuredAt: string;
  durationS: number;
  machine: ReturnType<typeof machine>;
  network: string;
  /** The commit measured, and whether sandbox/ had uncommitted changes then. */
  source: { commit: string | undefined; sandboxModified: boolean | undefined };
  loadAverageBefore: number[];
  method: {
    number: 'echo';
    codec: 'PCMU/8000';
    frameMs: number;
    windowMs: number;
    repeats: number;
    steps: number[];
    drainQuietMs: number;
    drainMaxMs: number;
    setupConcurrency: number;
    saturation: { processPct: number; machinePct: number; lateFrameShare: number };
    budgetS: number;
  };
  sandboxIdleCpuPct: number | undefined;
  steps: StepResult[];
  headline: {
    target: number;
    /** The largest step with every call connected and no packet lost. */
    maxCleanCalls: number;
    meetsTarget: boolean;
    /** True when the sandbox itself hit a limit; false: its capacity is at least maxCleanCalls. */
    limitReached: boolean;
    stoppedBecause: string;
    sandboxCpuPctAtMax: number | undefined;
    sandboxCpuPerCallPct: number | undefined;
    /** Slope of the sandbox's CPU against the number of calls over the clean steps. */
    marginalCpuPerCallPct: number | undefined;
    rttP99MsAtMax: number | undefined;
  };
  unhandledRejections: number;
}

interface CpuSample {
  at: number;
  generator: NodeJS.CpuUsage;
  /** Process trees: the sandbox's, and ours (this process and the sandbox); every process. */
  times: CpuTimes;
  machine: { busy: number; total: number } | undefined;
}

function sampleCpu(sandboxPid: number): CpuSample {
  return {
    at: performance.now(),
    generator: process.cpuUsage(),
    times: cpuTimes([sandboxPid, process.pid]),
    machine: machineCpuSeconds(),
  };
}

/** CPU between two samples, in % of one core. */
function cpuBetween(a: CpuSample, b: CpuSample, sandboxPid: number) {
  const wall = (b.at - a.at) / 1000;
  const pct = (x: number | undefined, y: number | undefined) =>
    x === undefined || y === undefined || wall <= 0 ? undefined : ((y - x) / wall) * 100;
  const generatorS =
    (b.generator.user - a.generator.user + b.generator.system - a.generator.system) / 1e6;
  const all = pct(a.times.all, b.times.all);
  const ours = pct(a.times.trees.get(process.pid), b.times.trees.get(process.pid));
  let machinePct: number | undefined;
  if (a.machine && b.machine && b.machine.total > a.machine.total) {
    const share = (b.machine.busy - a.machine.busy) / (b.machine.total - a.machine.total);
    machinePct = share * CORES * 100;
  }
  return {
    sandbox: pct(a.times.trees.get(sandboxPid), b.times.trees.get(sandboxPid)),
    generator: pct(0, generatorS),
    other: all !== undefined && ours !== undefined ? Math.max(0, all - ours) : undefined,
    busiestOthers: busiestOthers(a.times, b.times, wall),
    machine: machinePct,
  };
}

function roundOrUndefined(x: number | undefined, digits = 2): number | undefined {
  return x === undefined ? undefined : round(x, digits);
}

function sourceState(): SandboxCapacityResult['source'] {
  const git = (args: string[]) => {
    const r = spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim() : undefined;
  };
  const status = git(['status', '--porcelain', '--', 'sandbox']);
  return {
    commit: git(['rev-parse', 'HEAD']),
    sandboxModified: status === undefined ? undefined : status.length > 0,
  };
}

function networkDescription(): string {
  const addresses = Object.values(os.networkInterfaces()).flat();
  const external = addresses.filter((a) => a && !a.internal);
  if (external.length === 0) return 'loopback only (no other interface in this network namespace)';
  return `127.0.0.1 on the host network (${external.length} other addresses present)`;
}

/** Least-squares slope of y against x; undefined with fewer than two distinct x. */
function slope(points: Array<[number, number]>): number | undefined {
  if (new Set(points.map((p) => p[0])).size < 2) return undefined;
  const n = points.length;
  const mx = points.reduce((a, p) => a + p[0], 0) / n;
  const my = points.reduce((a, p) => a + p[1], 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return num / den;
}

async function rtpCounts(
  httpUrl: string,
  calls: EchoCall[],
): Promise<Map<string, CallRecord['rtp']>> {
  const records = await api<CallRecord[]>(httpUrl, '/api/calls?number=echo');
  const wanted = new Set(calls.map((c) => c.callId));
  return new Map(records.filter((r) => wanted.has(r.callId)).map((r) => [r.callId, r.rtp]));
}

/** Wait until no echo has come for DRAIN_QUIET_MS (at most DRAIN_MAX_MS); returns the wait. */
async function drain(calls: EchoCall[]): Promise<number> {
  const started = performance.now();
  for (;;) {
    await sleep(50);
    const now = performance.now();
    const last = calls.reduce((m, c) => Math.max(m, c.lastEchoAt), started);
    if (now - last >= DRAIN_QUIET_MS || now - started >= DRAIN_MAX_MS) return now - started;
  }
}

async function measureWindow(sandbox: SandboxProcess, calls: EchoCall[]): Promise<WindowResult> {
  const { httpUrl } = sandbox.ready;
  const before = await rtpCounts(httpUrl, calls);
  const dropsBefore = { sandbox: udpDrops(sandbox.pid), generator: udpDrops(process.pid) };
  for (const c of calls) c.startCounting();
  const cpu0 = sampleCpu(sandbox.pid);
  // The callers' frames are spread over the 20 ms period, as independent phones' would be.
  const t0 = performance.now() + 5;
  await Promise.all(
    calls.map((c, i) => c.sendFrames(t0 + (i * FRAME_MS) / calls.length, FRAMES_PER_WINDOW)),
  );
  const cpu1 = sampleCpu(sandbox.pid);
  const drainMs = await drain(calls);
  for (const c of calls) c.stopCounting();
  const after = await rtpCounts(httpUrl, calls);
  const dropsAfter = { sandbox: udpDrops(sandbox.pid), generator: udpDrops(process.pid) };

  let sent = 0;
  let echoed = 0;
  let sandboxIn = 0;
  let sandboxOut = 0;
  let missingRecords = 0;
  let foreign = 0;
  let late = 0;
  const rtts: number[] = [];
  const lags: number[] = [];
  for (const c of calls) {
    sent += c.counts.sent;
    echoed += c.counts.echoed;
    foreign += c.counts.foreign;
    late += c.counts.late;
    for (const r of c.counts.rtts) rtts.push(r);
    for (const l of c.counts.timerLag) lags.push(l);
    const a = after.get(c.callId);
    const b = before.get(c.callId);
    if (!a || !b) missingRecords++;
    else {
      sandboxIn += a.packetsIn - b.packetsIn;
      sandboxOut += a.packetsOut - b.packetsOut;
    }
  }
  const cpu = cpuBetween(cpu0, cpu1, sandbox.pid);
  const dropDelta = (x: { drops: number } | undefined, y: { drops: number } | undefined) =>
    x && y ? y.drops - x.drops : undefined;
  const lost = Math.max(0, sent - echoed);
  const max = (xs: number[]) => xs.reduce((m, x) => Math.max(m, x), 0);
  return {
    sent,
    echoed,
    lost,
    lossPct: sent > 0 ? round((lost / sent) * 100, 4) : 0,
    missingRecords,
    lostBeforeSandbox: missingRecords > 0 ? undefined : Math.max(0, sent - sandboxIn),
    notEchoed: missingRecords > 0 ? undefined : Math.max(0, sandboxIn - sandboxOut),
    lostOnReturn: missingRecords > 0 ? undefined : Math.max(0, sandboxOut - echoed),
    foreign,
    lateFrames: late,
    sandboxCpuPct: roundOrUndefined(cpu.sandbox),
    generatorCpuPct: roundOrUndefined(cpu.generator),
    otherCpuPct: roundOrUndefined(cpu.other),
    otherBusiest: cpu.busiestOthers,
    machineCpuPct: roundOrUndefined(cpu.machine),
    rttMs:
      rtts.length > 0
        ? {
            p50: round(quantile(rtts, 0.5)!),
            p99: round(quantile(rtts, 0.99)!),
            max: round(max(rtts)),
          }
        : undefined,
    generatorTimerLagMs:
      lags.length > 0 ? { p99: round(quantile(lags, 0.99)!), max: round(max(lags)) } : undefined,
    udpDrops: {
      sandbox: dropDelta(dropsBefore.sandbox, dropsAfter.sandbox),
      generator: dropDelta(dropsBefore.generator, dropsAfter.generator),
    },
    drainMs: Math.round(drainMs),
  };
}

/** Set up `count` more calls, SETUP_CONCURRENCY at a time; failures are returned, not thrown. */
async function addCalls(
  sandbox: SandboxProcess,
  calls: EchoCall[],
  count: number,
): Promise<{ added: EchoCall[]; failures: string[] }> {
  const { wsUrl, domain, users } = sandbox.ready;
  const added: EchoCall[] = [];
  const failures: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const account = users[(calls.length + next++) % users.length]!;
      try {
        const call = await EchoCall.connect(wsUrl, domain, account);
        added.push(call);
        calls.push(call);
      } catch (err) {
        failures.push((err as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(SETUP_CONCURRENCY, count) }, worker));
  return { added, failures };
}

function summarizeStep(
  calls: number,
  connected: number,
  setupFailures: string[],
  setupMs: number[],
  windows: WindowResult[],
): StepResult {
  const defined = (xs: Array<number | undefined>) => xs.filter((x): x is number => x !== undefined);
  const sandboxCpu = defined(windows.map((w) => w.sandboxCpuPct));
  const sandboxCpuPct = spread(sandboxCpu, 1);
  const generatorCpuPct = spread(defined(windows.map((w) => w.generatorCpuPct)), 1);
  const machinePct = spread(defined(windows.map((w) => w.machineCpuPct)), 1);
  // Judged on the median window, so that one window disturbed by another process does not count.
  const lateShare = spread(
    windows.map((w) => w.lateFrames / Math.max(1, connected * FRAMES_PER_WINDOW)),
    4,
  );
  const fullLoad = lateShare !== undefined && lateShare.median <= SATURATED_LATE_SHARE;
  let saturated: string | undefined;
  if ((sandboxCpuPct?.median ?? 0) >= SATURATED_PROCESS_PCT) {
    saturated = `the sandbox used ${sandboxCpuPct!.median} % of a core`;
  } else if ((generatorCpuPct?.median ?? 0) >= SATURATED_PROCESS_PCT) {
    saturated = `the load generator used ${generatorCpuPct!.median} % of a core`;
  } else if (lateShare !== undefined && !fullLoad) {
    saturated = `the load generator fell behind (it skipped ${round(lateShare.median * 100, 1)} % of its frames)`;
  } else if ((machinePct?.median ?? 0) >= SATURATED_MACHINE_PCT * CORES) {
    saturated = `the machine was ${round(machinePct!.median / CORES, 0)} % busy`;
  }
  return {
    calls,
    connected,
    setupFailures,
    setupMs: spread(setupMs, 0),
    windows,
    lossPct: spread(
      windows.map((w) => w.lossPct),
      4,
    ),
    sandboxCpuPct,
    sandboxCpuPerCallPct: spread(
      sandboxCpu.map((x) => x / Math.max(1, connected)),
      3,
    ),
    generatorCpuPct,
    otherCpuPct: spread(defined(windows.map((w) => w.otherCpuPct)), 1),
    rttP50Ms: spread(defined(windows.map((w) => w.rttMs?.p50)), 2),
    rttP99Ms: spread(defined(windows.map((w) => w.rttMs?.p99)), 2),
    fullLoad,
    clean:
      connected === calls && fullLoad && windows.length > 0 && windows.every((w) => w.lost === 0),
    saturated,
  };
}

async function measureIdle(sandbox: SandboxProcess): Promise<number | undefined> {
  const a = sampleCpu(sandbox.pid);
  await sleep(IDLE_SAMPLE_MS);
  return cpuBetween(a, sampleCpu(sandbox.pid), sandbox.pid).sandbox;
}

async function main(): Promise<void> {
  const started = performance.now();
  const deadline = started + BUDGET_MS;
  const loadAverageBefore = os.loadavg().map((x) => round(x, 2));
  const source = sourceState();
  let unhandledRejections = 0;
  process.on('unhandledRejection', (reason) => {
    unhandledRejections++;
    if (unhandledRejections <= 3) progress(`unhandled rejection (counted): ${String(reason)}`);
  });

  progress(
    `sandbox capacity: steps ${STEPS.join(', ')} calls, ${REPEATS} × ${WINDOW_MS} ms per step; ` +
      `load average ${loadAverageBefore.join(' ')}`,
  );
  const sandbox = await SandboxProcess.start();
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    progress(`${signal}: stopping the sandbox (pid ${sandbox.pid})`);
    void sandbox.stop().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', () => sandbox.killNow());

  const calls: EchoCall[] = [];
  const steps: StepResult[] = [];
  let stoppedBecause = `every step up to ${STEPS.at(-1)} calls was clean`;
  let limitReached = false;
  let sandboxIdleCpuPct: number | undefined;
  try {
    sandboxIdleCpuPct = await measureIdle(sandbox);
    let setupMsPerCall = 100;
    for (const n of STEPS) {
      if (interrupted) return;
      const toAdd = n - calls.length;
      const estimate = toAdd * setupMsPerCall + REPEATS * (WINDOW_MS + DRAIN_MAX_MS);
      if (performance.now() + estimate > deadline) {
        stoppedBecause = `the ${BUDGET_MS / 1000} s time budget ran out before the ${n}-call step`;
        break;
      }
      const setupStarted = performance.now();
      const { added, failures } = await addCalls(sandbox, calls, toAdd);
      if (toAdd > 0) setupMsPerCall = (performance.now() - setupStarted) / toAdd;
      if (!sandbox.running) throw new Error(`the sandbox exited (${sandbox.exitReason})`);
      progress(
        `${n} calls: ${calls.length} connected` +
          (failures.length > 0 ? `, ${failures.length} failed (${failures[0]})` : ''),
      );
      const windows: WindowResult[] = [];
      for (let r = 0; r < REPEATS && calls.length > 0 && !interrupted; r++) {
        const w = await measureWindow(sandbox, calls);
        windows.push(w);
        const f = (x: number | undefined) => (x === undefined ? 'n/a' : x.toFixed(1));
        progress(
          `  window ${r + 1}/${REPEATS}: sent ${w.sent}, echoed ${w.echoed}, ` +
            `CPU % sandbox ${f(w.sandboxCpuPct)}, generator ${f(w.generatorCpuPct)}, ` +
            `other ${f(w.otherCpuPct)}; RTT p99 ${f(w.rttMs?.p99)} ms` +
            (w.lateFrames > 0 ? `; ${w.lateFrames} frames late` : '') +
            ((w.otherCpuPct ?? 0) > DISTURBED_OTHER_PCT
              ? ` (other: ${w.otherBusiest.join(', ') || 'short-lived processes'})`
              : ''),
        );
      }
      if (interrupted) return;
      const step = summarizeStep(
        n,
        calls.length,
        failures,
        added.map((c) => c.setupMs),
        windows,
      );
      steps.push(step);
      if (!sandbox.running) throw new Error(`the sandbox exited (${sandbox.exitReason})`);
      if (step.connected < n) {
        stoppedBecause = `${n - step.connected} of ${n} calls failed to set up`;
        limitReached = true;
        break;
      }
      if (step.windows.some((w) => w.lost > 0)) {
        stoppedBecause = `packets lost at ${n} calls`;
        // Lost only in the generator's own receive buffers: its limit, not the sandbox's.
        const generatorOnly = step.windows.every(
          (w) =>
            w.lost === 0 ||
            (w.lostBeforeSandbox === 0 &&
              w.notEchoed === 0 &&
              (w.udpDrops.generator ?? 0) >= w.lost &&
              (w.udpDrops.sandbox ?? 0) === 0),
        );
        if (generatorOnly) stoppedBecause += ' (dropped by the load generator’s receive buffers)';
        limitReached = !generatorOnly;
        break;
      }
      if (step.saturated) {
        stoppedBecause = `CPU saturated at ${n} calls: ${step.saturated}`;
        limitReached = step.saturated.startsWith('the sandbox');
        break;
      }
    }
  } finally {
    progress(`hanging up ${calls.length} calls`);
    await Promise.allSettled(calls.map((c) => c.hangUp()));
    await sandbox.stop();
  }

  const clean = steps.filter((s) => s.clean);
  const best = clean.at(-1);
  const marginal = slope(
    clean
      .filter((s) => s.sandboxCpuPct !== undefined)
      .map((s): [number, number] => [s.connected, s.sandboxCpuPct!.median]),
  );
  const result: SandboxCapacityResult = {
    measuredAt: new Date().toISOString(),
    durationS: round((performance.now() - started) / 1000, 1),
    machine: machine(),
    network: networkDescription(),
    source,
    loadAverageBefore,
    method: {
      number: 'echo',
      codec: 'PCMU/8000',
      frameMs: FRAME_MS,
      windowMs: WINDOW_MS,
      repeats: REPEATS,
      steps: STEPS,
      drainQuietMs: DRAIN_QUIET_MS,
      drainMaxMs: DRAIN_MAX_MS,
      setupConcurrency: SETUP_CONCURRENCY,
      saturation: {
        processPct: SATURATED_PROCESS_PCT,
        machinePct: SATURATED_MACHINE_PCT,
        lateFrameShare: SATURATED_LATE_SHARE,
      },
      budgetS: BUDGET_MS / 1000,
    },
    sandboxIdleCpuPct: roundOrUndefined(sandboxIdleCpuPct),
    steps,
    headline: {
      target: TARGET_CALLS,
      maxCleanCalls: best?.calls ?? 0,
      meetsTarget: (best?.calls ?? 0) >= TARGET_CALLS,
      limitReached,
      stoppedBecause,
      sandboxCpuPctAtMax: best?.sandboxCpuPct?.median,
      sandboxCpuPerCallPct: best?.sandboxCpuPerCallPct?.median,
      marginalCpuPerCallPct: roundOrUndefined(marginal, 3),
      rttP99MsAtMax: best?.rttP99Ms?.median,
    },
    unhandledRejections,
  };
  await emit({
    id: 'sandboxCapacity',
    title: 'Sandbox capacity: concurrent echo calls',
    headline: headlineText(result),
    tables: [stepTable(steps)],
    notes: notes(result),
    result,
  });
}

function stepTable(steps: StepResult[]): Table {
  const f = (s: Spread | undefined, digits = 1) => formatSpread(s, digits);
  return {
    title:
      `Each step: ${REPEATS} windows of ${WINDOW_MS / 1000} s, every call sending 50 PCMU ` +
      `frames/s. CPU in % of one core. median (min–max) over the windows.`,
    columns: [
      'calls',
      'up',
      'loss %',
      'sandbox CPU %',
      'per call %',
      'generator CPU %',
      'other CPU %',
      'echo RTT p99 ms',
      'set-up ms',
    ],
    numeric: [true, true, true, true, true, true, true, true, true],
    rows: steps.map((s) => [
      String(s.calls),
      String(s.connected),
      f(s.lossPct, 2),
      f(s.sandboxCpuPct),
      f(s.sandboxCpuPerCallPct, 2),
      f(s.generatorCpuPct),
      f(s.otherCpuPct),
      f(s.rttP99Ms),
      f(s.setupMs, 0),
    ]),
  };
}

function notes(r: SandboxCapacityResult): string[] {
  const out = [
    `Machine: ${r.machine.cpus} × ${r.machine.model}, Node ${r.machine.node}; ${r.network}; ` +
      `load average before: ${r.loadAverageBefore.join(' ')}.`,
    `Source: commit ${r.source.commit?.slice(0, 12) ?? 'n/a'}` +
      (r.source.sandboxModified ? ', with uncommitted changes in sandbox/.' : '.'),
    `sandbox = the sandbox process (/proc/<pid>/stat); generator = the werift callers (this ` +
      `process); other = every other process on the machine during the windows.`,
    `Sandbox idle: ${r.sandboxIdleCpuPct?.toFixed(2) ?? 'n/a'} % of a core. ` +
      `Stopped: ${r.headline.stoppedBecause}.`,
  ];
  for (const s of r.steps) {
    if (s.setupFailures.length > 0) {
      out.push(`${s.calls} calls: set-up failures: ${[...new Set(s.setupFailures)].join('; ')}.`);
    }
    s.windows.forEach((w, i) => {
      if (w.lost === 0 && w.foreign === 0 && w.lateFrames === 0) return;
      out.push(
        `${s.calls} calls, window ${i + 1}: lost ${w.lost} of ${w.sent} (` +
          `${w.lostBeforeSandbox ?? 'n/a'} before the sandbox, ${w.notEchoed ?? 'n/a'} not echoed, ` +
          `${w.lostOnReturn ?? 'n/a'} on the way back; UDP ` +
          `receive-buffer drops: sandbox ${w.udpDrops.sandbox ?? 'n/a'}, generator ` +
          `${w.udpDrops.generator ?? 'n/a'}); ${w.lateFrames} frames skipped by the late ` +
          `generator${w.foreign > 0 ? `; ${w.foreign} unmatched echoes` : ''}.`,
      );
    });
  }
  const windows = r.steps.flatMap((s) => s.windows);
  const disturbed = windows.filter((w) => (w.otherCpuPct ?? 0) > DISTURBED_OTHER_PCT);
  if (disturbed.length > 0) {
    const names = new Map<string, number>();
    for (const w of disturbed) {
      for (const b of w.otherBusiest) {
        const name = b.replace(/ \(\d+ %\)$/, '');
        names.set(name, (names.get(name) ?? 0) + 1);
      }
    }
    const busiest = [...names.entries()].sort((a, b) => b[1] - a[1]).map(([n]) => n);
    out.push(
      `${disturbed.length} of ${windows.length} windows shared the machine with other processes ` +
        `using more than ${DISTURBED_OTHER_PCT} % of a core` +
        (busiest.length > 0 ? ` (busiest: ${busiest.slice(0, 4).join(', ')})` : '') +
        `: re-run on a quiet machine for figures to compare.`,
    );
  }
  if (r.unhandledRejections > 0) out.push(`Unhandled rejections: ${r.unhandledRejections}.`);
  return out;
}

function headlineText(r: SandboxCapacityResult): string {
  const h = r.headline;
  if (h.maxCleanCalls === 0) {
    return `Sandbox capacity: no clean step (${h.stoppedBecause}).`;
  }
  const f = (x: number | undefined, digits: number) =>
    x === undefined ? 'n/a' : x.toFixed(digits);
  const marginal =
    h.marginalCpuPerCallPct === undefined
      ? ''
      : ` (marginal ${f(h.marginalCpuPerCallPct, 2)} % per added call)`;
  return (
    `Sandbox capacity: ${h.limitReached ? '' : '≥ '}${h.maxCleanCalls} concurrent echo calls ` +
    `with no lost packet (target ≥ ${h.target}: ${h.meetsTarget ? 'met' : 'NOT met'}; ` +
    `${h.stoppedBecause}). Sandbox CPU there: ${f(h.sandboxCpuPctAtMax, 1)} % of a core, ` +
    `${f(h.sandboxCpuPerCallPct, 2)} % per call${marginal}; echo RTT p99 ` +
    `${f(h.rttP99MsAtMax, 1)} ms.`
  );
}

main().then(
  () => process.exit(interrupted ? 130 : 0),
  (err: unknown) => {
    progress(`sandbox capacity failed: ${(err as Error).stack ?? String(err)}`);
    process.exit(1);
  },
);
