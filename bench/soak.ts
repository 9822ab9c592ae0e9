// Benchmark: soak (issue 8) — sequential calls from one `<sip-phone>` (the built CDN file) to the
// sandbox's `echo` number, each connected with its media up (ICE + DTLS) and hung up, then what is
// left over: the JS heap after forced garbage collection (CDP HeapProfiler.collectGarbage +
// Runtime.getHeapUsage), RTCPeerConnections not closed (and not collected), microphone tracks not
// stopped, the core's listeners (`el.phone.listenerCount`) and the event listeners on window and
// document (CDP DOMDebugger). The heap is compared from call 20 (warmed up: JIT, caches) to the
// last call, as the fault suite's soak test does.
//
//   node --import tsx bench/soak.ts     (alone; `npm run bench` runs it too)
//
// Environment: BENCH_SOAK_CALLS (200, the issue's count), BENCH_SOAK_BUDGET_S (time for the calls,
// 130: the count reached within it is reported).
import { performance } from 'node:perf_hooks';
import { BenchBrowser, PageServer, type SubjectPageHandle } from './lib/browser.js';
import { buildCdnFile } from './lib/build.js';
import {
  adoptSandbox,
  checkInterrupted,
  cleanup,
  envInt,
  installStopHandlers,
  runMain,
  onCleanup,
  sleep,
} from './lib/harness.js';
import { beginRun, loadNote, type RunMeta } from './lib/meta.js';
import { emit, progress, type Table } from './lib/report.js';
import { SandboxProcess } from './lib/sandbox-process.js';
import { formatSpread, spread, type Spread } from './lib/stats.js';
import type { MediaCounts } from './pages/types.js';

const CALLS = envInt('BENCH_SOAK_CALLS', 200, 21, 2000);
const BUDGET_MS = envInt('BENCH_SOAK_BUDGET_S', 130, 10, 3600) * 1000;
const WARMUP = 20;
const SAMPLE_EVERY = 20;
const MAX_FAILURES = 5;
/** `<sip-phone>` shows the last call's end reason this long (endReasonTimeout), holding it. */
const END_REASON_MS = 5_000;
/**
 * The phone keeps an ended call (and so its peer connection) for 32 s to route late responses to
 * it (LATE_MESSAGE_WINDOW_MS in src/phone.ts): a peer connection still reachable after a forced GC
 * counts as retained only when it was created longer ago than this.
 */
const RETENTION_WINDOW_MS = 40_000;
/** Budgets of issue 8. */
const BUDGET_HEAP_BYTES = 2_000_000;

interface HeapSample {
  call: number;
  bytes: number;
}

export interface SoakResult extends RunMeta {
  method: {
    number: 'echo';
    plannedCalls: number;
    budgetS: number;
    warmupCalls: number;
    perCall: string;
    heap: string;
    peerConnections: string;
    retentionWindowS: number;
  };
  calls: {
    done: number;
    failed: number;
    failures: string[];
    stoppedBecause: string;
    /** One call: call() → connected → media up → hang-up → idle, ms. */
    cycleMs: Spread | undefined;
  };
  heap: {
    atStart: number;
    atWarmup: number | undefined;
    atEnd: number;
    /** After the last end reason stopped showing (5 s), collected again. */
    afterIdle: number;
    /** atEnd − atWarmup. */
    growthBytes: number | undefined;
    /** Least-squares slope over the samples from call 20 on. */
    growthPerCallBytes: number | undefined;
    /** That slope × the issue's 180 calls after warm-up (200 − 20). */
    projectedGrowthBytes: number | undefined;
    samples: HeapSample[];
  };
  media: {
    atEnd: MediaCounts;
    afterIdle: MediaCounts;
    /** Largest number found open / live right after a call ended. */
    maxOpenPeerConnectionsBetweenCalls: number;
    maxLiveTracksBetweenCalls: number;
  };
  listeners: {
    phone: { atWarmup: number | null; atEnd: number | null };
    windowAndDocument: { atStart: number; atWarmup: number | undefined; atEnd: number };
  };
  budgets: {
    heap: { rule: string; growthBytes: number | undefined; met: boolean | undefined };
    leaks: {
      rule: string;
      peerConnectionsOpen: number;
      tracksLive: number;
      phoneListenersAdded: number | null;
      globalListenersAdded: number | undefined;
      met: boolean | undefined;
    };
  };
}

function slope(points: HeapSample[]): number | undefined {
  if (points.length < 2) return undefined;
  const n = points.length;
  const mx = points.reduce((a, p) => a + p.call, 0) / n;
  const my = points.reduce((a, p) => a + p.bytes, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.call - mx) * (p.bytes - my);
    den += (p.call - mx) ** 2;
  }
  return den > 0 ? num / den : undefined;
}

/** One call: connected, media up, hung up, every peer connection closed. Throws on a failure. */
async function oneCall(p: SubjectPageHandle): Promise<void> {
  await p.call();
  if (!(await p.waitConnected(10_000))) throw new Error('not connected within 10 s');
  if (!(await p.waitMedia(5_000))) throw new Error('media not up within 5 s');
  await p.hangup();
  if (!(await p.waitIdle(10_000))) throw new Error('not ended within 10 s');
}

async function main(): Promise<void> {
  installStopHandlers();
  const end = beginRun(['src', 'components', 'vite.config.ts', 'package.json']);
  progress(`soak: up to ${CALLS} sequential echo calls within ${BUDGET_MS / 1000} s`);
  const cdn = await buildCdnFile();
  onCleanup(cdn.dispose);
  const sandbox = await SandboxProcess.start();
  adoptSandbox(sandbox);
  const server = await PageServer.start(cdn.file);
  onCleanup(() => server.close());

  const browser = await BenchBrowser.launch();
  const p = await browser.open(server, 'phone');
  const { wsUrl, domain, users } = sandbox.ready;
  await p.setup({
    server: wsUrl,
    uri: `sip:alice@${domain}`,
    password: users.find((u) => u.user === 'alice')!.password,
  });
  await p.prepare('echo');

  const heapAtStart = await p.heapAfterGc();
  const globalsAtStart = await p.globalListeners();
  const samples: HeapSample[] = [{ call: 0, bytes: heapAtStart }];
  let heapAtWarmup: number | undefined;
  let phoneAtWarmup: number | null = null;
  let globalsAtWarmup: number | undefined;
  const cycles: number[] = [];
  const failures: string[] = [];
  let consecutiveFailures = 0;
  let maxOpen = 0;
  let maxLive = 0;
  let done = 0;
  let stoppedBecause = `all ${CALLS} calls made`;
  const started = performance.now();
  for (let i = 1; i <= CALLS; i++) {
    checkInterrupted();
    const elapsed = performance.now() - started;
    const perCall = cycles.length > 0 ? elapsed / i : 0;
    if (elapsed + perCall > BUDGET_MS) {
      stoppedBecause = `the ${BUDGET_MS / 1000} s time budget ran out after ${done} calls`;
      break;
    }
    const t0 = performance.now();
    try {
      await oneCall(p);
      cycles.push(performance.now() - t0);
      consecutiveFailures = 0;
    } catch (err) {
      failures.push(`call ${i}: ${(err as Error).message}`);
      await p.hangup().catch(() => undefined);
      await p.waitIdle(10_000).catch(() => false);
      if (++consecutiveFailures >= MAX_FAILURES) {
        stoppedBecause = `${MAX_FAILURES} calls in a row failed`;
        done = i;
        break;
      }
    }
    done = i;
    const m = await p.media();
    maxOpen = Math.max(maxOpen, m.peerConnectionsOpen);
    maxLive = Math.max(maxLive, m.tracksLive);
    if (i === WARMUP) {
      heapAtWarmup = await p.heapAfterGc();
      phoneAtWarmup = await p.listenerCount();
      globalsAtWarmup = await p.globalListeners();
      samples.push({ call: i, bytes: heapAtWarmup });
    } else if (i % SAMPLE_EVERY === 0) {
      samples.push({ call: i, bytes: await p.heapAfterGc() });
    }
    if (i % 50 === 0) {
      progress(
        `  ${i} calls, ${failures.length} failed; heap ${(samples.at(-1)!.bytes / 1e6).toFixed(2)} MB ` +
          `(call ${samples.at(-1)!.call}); ${Math.round((performance.now() - started) / 1000)} s`,
      );
    }
  }
  const heapAtEnd = await p.heapAfterGc();
  if (samples.at(-1)!.call !== done) samples.push({ call: done, bytes: heapAtEnd });
  const phoneAtEnd = await p.listenerCount();
  const globalsAtEnd = await p.globalListeners();
  const mediaAtEnd = await p.media(RETENTION_WINDOW_MS);
  await sleep(END_REASON_MS + 500);
  const heapAfterIdle = await p.heapAfterGc();
  const mediaAfterIdle = await p.media(RETENTION_WINDOW_MS);
  const errors = p.errors;
  await browser.close();
  await cleanup();
  progress(
    `  done: ${done} calls, ${failures.length} failed (${stoppedBecause})` +
      (errors.length > 0 ? `; page errors: ${errors.slice(0, 3).join('; ')}` : ''),
  );

  const afterWarmup = samples.filter((s) => s.call >= WARMUP);
  const perCall = done > WARMUP ? slope(afterWarmup) : undefined;
  const growth = heapAtWarmup === undefined ? undefined : heapAtEnd - heapAtWarmup;
  const phoneAdded =
    phoneAtWarmup === null || phoneAtEnd === null ? null : phoneAtEnd - phoneAtWarmup;
  const globalsAdded = globalsAtWarmup === undefined ? undefined : globalsAtEnd - globalsAtWarmup;
  const leaksKnown = phoneAdded !== null && globalsAdded !== undefined;
  const result: SoakResult = {
    ...end(),
    method: {
      number: 'echo',
      plannedCalls: CALLS,
      budgetS: BUDGET_MS / 1000,
      warmupCalls: WARMUP,
      perCall:
        "el.call() → callState connected → the call's RTCPeerConnection connected (ICE + DTLS) → " +
        'el.hangup() → no line left and every peer connection closed',
      heap:
        'CDP HeapProfiler.collectGarbage ×3 then Runtime.getHeapUsage().usedSize, at the start, ' +
        `at call ${WARMUP}, every ${SAMPLE_EVERY} calls and at the end`,
      peerConnections:
        'RTCPeerConnection, getUserMedia and WebSocket wrapped in the page before any script ' +
        '(weak references: counted open, live or not yet collected)',
      retentionWindowS: RETENTION_WINDOW_MS / 1000,
    },
    calls: {
      done,
      failed: failures.length,
      failures: failures.slice(0, 10),
      stoppedBecause,
      cycleMs: spread(cycles, 1),
    },
    heap: {
      atStart: heapAtStart,
      atWarmup: heapAtWarmup,
      atEnd: heapAtEnd,
      afterIdle: heapAfterIdle,
      growthBytes: growth,
      growthPerCallBytes: perCall === undefined ? undefined : Math.round(perCall),
      projectedGrowthBytes:
        perCall === undefined ? undefined : Math.round(perCall * (200 - WARMUP)),
      samples,
    },
    media: {
      atEnd: mediaAtEnd,
      afterIdle: mediaAfterIdle,
      maxOpenPeerConnectionsBetweenCalls: maxOpen,
      maxLiveTracksBetweenCalls: maxLive,
    },
    listeners: {
      phone: { atWarmup: phoneAtWarmup, atEnd: phoneAtEnd },
      windowAndDocument: {
        atStart: globalsAtStart,
        atWarmup: globalsAtWarmup,
        atEnd: globalsAtEnd,
      },
    },
    budgets: {
      heap: {
        rule: `heap growth from call ${WARMUP} to the last call < ${BUDGET_HEAP_BYTES} bytes (2 MB)`,
        growthBytes: growth,
        met: growth === undefined ? undefined : growth < BUDGET_HEAP_BYTES,
      },
      leaks: {
        rule:
          'after the last call: no peer connection open, no microphone track live (nor after any ' +
          `call), no listener added since call ${WARMUP} (core and window/document)`,
        peerConnectionsOpen: mediaAtEnd.peerConnectionsOpen,
        tracksLive: mediaAtEnd.tracksLive,
        phoneListenersAdded: phoneAdded,
        globalListenersAdded: globalsAdded,
        met: leaksKnown
          ? maxOpen === 0 &&
            maxLive === 0 &&
            mediaAtEnd.peerConnectionsOpen === 0 &&
            mediaAtEnd.tracksLive === 0 &&
            phoneAdded! <= 0 &&
            globalsAdded! <= 0
          : undefined,
      },
    },
  };
  await emit({
    id: 'soak',
    title: 'Soak: sequential calls with <sip-phone>',
    headline: headline(result),
    tables: [table(result)],
    notes: notes(result),
    result,
  });
}

const mb = (n: number | undefined) => (n === undefined ? 'n/a' : `${(n / 1e6).toFixed(3)} MB`);
const signed = (n: number | undefined | null) =>
  n === undefined || n === null ? 'n/a' : `${n > 0 ? '+' : ''}${n}`;

function table(r: SoakResult): Table {
  return {
    title: `${r.calls.done} calls (${r.calls.failed} failed); heap after forced GC`,
    columns: ['figure', `start`, `call ${r.method.warmupCalls}`, 'last call', 'after 5.5 s idle'],
    numeric: [false, true, true, true, true],
    rows: [
      [
        'JS heap used',
        mb(r.heap.atStart),
        mb(r.heap.atWarmup),
        mb(r.heap.atEnd),
        mb(r.heap.afterIdle),
      ],
      [
        'peer connections open / not collected',
        '0 / 0',
        '—',
        `${r.media.atEnd.peerConnectionsOpen} / ${r.media.atEnd.peerConnectionsReachable}`,
        `${r.media.afterIdle.peerConnectionsOpen} / ${r.media.afterIdle.peerConnectionsReachable}`,
      ],
      [
        'microphone tracks live',
        '0',
        '—',
        String(r.media.atEnd.tracksLive),
        String(r.media.afterIdle.tracksLive),
      ],
      [
        'core listeners (el.phone.listenerCount)',
        '—',
        String(r.listeners.phone.atWarmup ?? 'n/a'),
        String(r.listeners.phone.atEnd ?? 'n/a'),
        '—',
      ],
      [
        'window + document event listeners',
        String(r.listeners.windowAndDocument.atStart),
        String(r.listeners.windowAndDocument.atWarmup ?? 'n/a'),
        String(r.listeners.windowAndDocument.atEnd),
        '—',
      ],
      [
        'WebSockets open (created)',
        '—',
        '—',
        `${r.media.atEnd.socketsOpen} (${r.media.atEnd.socketsCreated})`,
        '—',
      ],
    ],
  };
}

function notes(r: SoakResult): string[] {
  const v = (met: boolean | undefined) => (met === undefined ? 'n/a' : met ? 'met' : 'NOT met');
  const b = r.budgets;
  const out = [
    loadNote(r),
    `Calls: ${r.calls.done} of the issue's ${r.method.plannedCalls} (${r.calls.stoppedBecause}); ` +
      `one call cycle ${formatSpread(r.calls.cycleMs, 0, ' ms')}.`,
    `Budget: ${b.heap.rule}: ${signed(b.heap.growthBytes)} bytes: ${v(b.heap.met)}. Slope from call ` +
      `${r.method.warmupCalls} on: ${signed(r.heap.growthPerCallBytes)} bytes a call ` +
      `(× 180 calls = ${signed(r.heap.projectedGrowthBytes)} bytes).`,
    `Budget: ${b.leaks.rule}: open peer connections ${b.leaks.peerConnectionsOpen} (most after any ` +
      `call: ${r.media.maxOpenPeerConnectionsBetweenCalls}), live tracks ${b.leaks.tracksLive} (most: ` +
      `${r.media.maxLiveTracksBetweenCalls}), core listeners ${signed(b.leaks.phoneListenersAdded)}, ` +
      `window/document listeners ${signed(b.leaks.globalListenersAdded)}: ${v(b.leaks.met)}.`,
    `Peer connections created: ${r.media.atEnd.peerConnectionsCreated}; closed but not yet ` +
      `collected after the 5.5 s idle and a forced GC: ${r.media.afterIdle.peerConnectionsReachable}, ` +
      `of which ${r.media.afterIdle.peerConnectionsReachableOld} were created more than ` +
      `${r.method.retentionWindowS} s before (the phone keeps an ended call 32 s for late ` +
      `responses; older ones still reachable are retained).`,
    `Heap samples (call: MB): ${r.heap.samples.map((s) => `${s.call}: ${(s.bytes / 1e6).toFixed(2)}`).join(', ')}.`,
  ];
  if (r.calls.failures.length > 0) out.push(`Failures: ${r.calls.failures.join('; ')}.`);
  return out;
}

function headline(r: SoakResult): string {
  const v = (met: boolean | undefined) => (met === undefined ? 'n/a' : met ? 'met' : 'NOT met');
  return (
    `Soak, ${r.calls.done} calls (${r.calls.failed} failed): heap ${signed(r.heap.growthBytes)} bytes ` +
    `from call ${r.method.warmupCalls} (< 2 MB: ${v(r.budgets.heap.met)}); leaks — peer ` +
    `connections ${r.media.atEnd.peerConnectionsOpen}, tracks ${r.media.atEnd.tracksLive}, ` +
    `listeners ${signed(r.budgets.leaks.phoneListenersAdded)} / ` +
    `${signed(r.budgets.leaks.globalListenersAdded)} (${v(r.budgets.leaks.met)}).`
  );
}

runMain('soak', main);
