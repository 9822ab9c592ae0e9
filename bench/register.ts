// Benchmark: register (issues 8 and 16) — from start to registered on loopback against the
// sandbox, the 401 challenge round trip included, for `<sip-phone>` (the element appended to the
// page with its server, uri and password set → `sip-registration-change` with state `registered`)
// beside bare JsSIP with its defaults (`new JsSIP.UA(…)`, `ua.start()` → `registered`). Both open
// their WebSocket, send a REGISTER, get 401, send it again with digest credentials and get 200.
// Cold: the first start in a freshly launched Chromium; warm: the page reloaded in that browser
// and started again. Every subject's page has the same markup, rendered before start.
// Budgets (issue 16, budget 5): <sip-phone> ≤ 1.5 × bare JsSIP cold, ≤ 1.3 × warm (medians, same
// run).
//
//   node --import tsx bench/register.ts     (alone; `npm run bench` runs it too)
//
// Environment: BENCH_REGISTER_COLD (fresh browsers per subject, 3), BENCH_REGISTER_WARM (reloads
// per browser, 5).
import { dirname, relative } from 'node:path';
import { BenchBrowser, PageServer, SUBJECT_LABEL, type SubjectPageHandle } from './lib/browser.js';
import { buildCdnFile } from './lib/build.js';
import { READY_SOURCES, chunkOf, importGraph, readyToCallFiles } from './lib/bundle.js';
import {
  adoptSandbox,
  checkInterrupted,
  cleanup,
  envInt,
  installStopHandlers,
  runMain,
  onCleanup,
} from './lib/harness.js';
import { beginRun, loadNote, type RunMeta } from './lib/meta.js';
import { emit, progress, type KeyFigure, type Table } from './lib/report.js';
import { ROOT, SandboxProcess } from './lib/sandbox-process.js';
import { formatSpread, round, spread, type Spread } from './lib/stats.js';

const COLD = envInt('BENCH_REGISTER_COLD', 3, 1, 20);
const WARM = envInt('BENCH_REGISTER_WARM', 5, 0, 50);
const REGISTER_TIMEOUT_MS = 10_000;
const USERS = { phone: 'alice', bare: 'bob' } as const;
type Who = keyof typeof USERS;
/** Issue 16, budget 5: <sip-phone> ÷ bare JsSIP, medians of start → registered. */
const BUDGET_RATIO = { cold: 1.5, warm: 1.3 } as const;
/** The phone core: the module loadCore() imports (components/shared/lazy.ts). */

interface Sample {
  /** Start → registered, ms. */
  totalMs: number;
  /** Start → the WebSocket is created (`new WebSocket`), ms. */
  toSocketMs: number | null;
  /** WebSocket created → open, ms. */
  socketOpenMs: number | null;
  /** Start → the first REGISTER leaves the page (WebSocket opened meanwhile), ms. */
  toFirstRegisterMs: number | null;
  /** First REGISTER → the second, with credentials (the 401 round trip), ms. */
  challengeMs: number | null;
  /** Second REGISTER → registered (the 200 round trip and its handling), ms. */
  toRegisteredMs: number | null;
  /** REGISTER requests sent from start to registered. */
  registers: number;
}

interface Phase {
  totalMs: Spread | undefined;
  toSocketMs: Spread | undefined;
  socketOpenMs: Spread | undefined;
  toFirstRegisterMs: Spread | undefined;
  challengeMs: Spread | undefined;
  toRegisteredMs: Spread | undefined;
  samples: Sample[];
}

interface RatioBudget {
  rule: string;
  /** <sip-phone>'s median ÷ bare JsSIP's, this run. */
  ratio: number | undefined;
  limit: number;
  phoneMs: number | undefined;
  bareMs: number | undefined;
  met: boolean | null;
}

export interface RegisterResult extends RunMeta {
  method: {
    phone: string;
    bareJssip: string;
    page: string;
    cold: number;
    warmPerBrowser: number;
    server: string;
  };
  subjects: Record<Who, { cold: Phase; warm: Phase; registersPerStart: number[] }>;
  ratios: { phoneVsBare: { cold: number | undefined; warm: number | undefined } };
  deltasMs: { phoneVsBare: { cold: number | undefined; warm: number | undefined } };
  budgets: { cold: RatioBudget; warm: RatioBudget };
  /**
   * The scripts of the CDN build the <sip-phone> page had started fetching before its first
   * REGISTER left (resource timing), beside the ready-to-call set read from the build's module
   * graph (the entry's static imports + the chunk holding src/phone.ts and its static imports).
   */
  fetchedBeforeFirstRegister: {
    readyToCall: string[];
    /** Every file any start fetched before its first REGISTER. */
    fetched: string[];
    /** Starts whose list differed from the ready-to-call set. */
    startsDiffering: number;
    starts: number;
  };
}

/** Scripts (paths on the page server) each <sip-phone> start had fetched before its 1st REGISTER. */
const fetchedByStart: string[][] = [];

async function measure(p: SubjectPageHandle, who: Who, sandbox: SandboxProcess): Promise<Sample> {
  const { wsUrl, domain, users } = sandbox.ready;
  const user = USERS[who];
  // The page's own markup (the same for every subject) rendered before start.
  await p.settle();
  const t = await p.setup(
    {
      server: wsUrl,
      uri: `sip:${user}@${domain}`,
      password: users.find((u) => u.user === user)!.password,
    },
    REGISTER_TIMEOUT_MS,
  );
  const registers: number[] = [];
  let after = t.startAt;
  for (let i = 0; i < 4; i++) {
    const e = await p.waitFor('sip:REGISTER', after, 0);
    if (!e || e.at > t.registeredAt) break;
    registers.push(e.at);
    after = e.at + 0.001;
  }
  const socket = await p.waitFor('ws:new', t.startAt, 0);
  const open = socket ? await p.waitFor('ws:open', socket.at, 0) : null;
  const first = registers[0];
  const last = registers.at(-1);
  if (who === 'phone' && first !== undefined) {
    const scripts = await p.scriptsFetchedBefore(first);
    fetchedByStart.push(scripts.filter((s) => s === '/sip-phone.js' || s.startsWith('/chunks/')));
  }
  return {
    totalMs: round(t.registeredAt - t.startAt, 2),
    toSocketMs: socket ? round(socket.at - t.startAt, 2) : null,
    socketOpenMs: socket && open ? round(open.at - socket.at, 2) : null,
    toFirstRegisterMs: first === undefined ? null : round(first - t.startAt, 2),
    challengeMs: registers.length >= 2 ? round(last! - first!, 2) : null,
    toRegisteredMs: last === undefined ? null : round(t.registeredAt - last, 2),
    registers: registers.length,
  };
}

function phase(samples: Sample[]): Phase {
  const pick = (f: (s: Sample) => number | null) =>
    spread(
      samples.map(f).filter((x): x is number => x !== null),
      1,
    );
  return {
    totalMs: pick((s) => s.totalMs),
    toSocketMs: pick((s) => s.toSocketMs),
    socketOpenMs: pick((s) => s.socketOpenMs),
    toFirstRegisterMs: pick((s) => s.toFirstRegisterMs),
    challengeMs: pick((s) => s.challengeMs),
    toRegisteredMs: pick((s) => s.toRegisteredMs),
    samples,
  };
}

async function main(): Promise<void> {
  installStopHandlers();
  const end = beginRun(['src', 'components', 'vite.config.ts', 'package.json']);
  progress(`register: ${COLD} fresh browsers per subject, ${WARM} reloads each`);
  const cdn = await buildCdnFile();
  onCleanup(cdn.dispose);
  const cdnDir = dirname(cdn.file);
  const readyChunks = READY_SOURCES.map((source) => {
    const chunk = chunkOf(cdnDir, ROOT, source);
    if (!chunk) throw new Error(`no chunk of the CDN build holds ${source}`);
    return chunk;
  });
  const readyToCall = (
    await readyToCallFiles((await importGraph(cdn.file)).static, readyChunks)
  ).map((f) => `/${relative(cdnDir, f)}`);
  const sandbox = await SandboxProcess.start();
  adoptSandbox(sandbox);
  const server = await PageServer.start(cdn.file);
  onCleanup(() => server.close());

  const collected: Record<Who, { cold: Sample[]; warm: Sample[] }> = {
    phone: { cold: [], warm: [] },
    bare: { cold: [], warm: [] },
  };
  for (let r = 0; r < COLD; r++) {
    for (const who of (r % 2 === 0 ? ['phone', 'bare'] : ['bare', 'phone']) as Who[]) {
      checkInterrupted();
      const browser = await BenchBrowser.launch();
      try {
        const p = await browser.open(server, who);
        collected[who].cold.push(await measure(p, who, sandbox));
        for (let i = 0; i < WARM; i++) {
          checkInterrupted();
          await p.reload();
          collected[who].warm.push(await measure(p, who, sandbox));
        }
      } finally {
        await browser.close();
      }
      progress(
        `  ${SUBJECT_LABEL[who]} round ${r + 1}/${COLD}: cold ${collected[who].cold.at(-1)!.totalMs} ms, ` +
          `warm ${formatSpread(spread(collected[who].warm.slice(-WARM).map((s) => s.totalMs)))} ms`,
      );
    }
  }
  await cleanup();

  const subjects = Object.fromEntries(
    (['phone', 'bare'] as Who[]).map((w) => [
      w,
      {
        cold: phase(collected[w].cold),
        warm: phase(collected[w].warm),
        registersPerStart: [
          ...new Set([...collected[w].cold, ...collected[w].warm].map((s) => s.registers)),
        ],
      },
    ]),
  ) as RegisterResult['subjects'];
  const ratio = (a: Spread | undefined, b: Spread | undefined) =>
    a && b && b.median > 0 ? round(a.median / b.median, 2) : undefined;
  const delta = (a: Spread | undefined, b: Spread | undefined) =>
    a && b ? round(a.median - b.median, 1) : undefined;
  const s = subjects;
  const ratioBudget = (kind: 'cold' | 'warm'): RatioBudget => {
    const r = ratio(s.phone[kind].totalMs, s.bare[kind].totalMs);
    return {
      rule: `<sip-phone> ${kind} start → registered ≤ ${BUDGET_RATIO[kind]} × bare JsSIP ${kind} (medians)`,
      ratio: r,
      limit: BUDGET_RATIO[kind],
      phoneMs: s.phone[kind].totalMs?.median,
      bareMs: s.bare[kind].totalMs?.median,
      met: r === undefined ? null : r <= BUDGET_RATIO[kind],
    };
  };
  const sorted = (list: string[]) => [...new Set(list)].sort();
  const expected = sorted(readyToCall).join(' ');
  const result: RegisterResult = {
    ...end(),
    method: {
      phone:
        '<sip-phone> (dist/sip-phone.js built afresh) appended with server, uri, password set → ' +
        'sip-registration-change registered',
      bareJssip: 'new JsSIP.UA({ sockets, uri, password }) + ua.start() → registered (defaults)',
      page:
        'every subject’s page has the same markup (one Call button), rendered (two animation ' +
        'frames) before start',
      cold: COLD,
      warmPerBrowser: WARM,
      server: 'the sandbox (ws://127.0.0.1, digest authentication: 401 then 200)',
    },
    subjects,
    ratios: {
      phoneVsBare: {
        cold: ratio(s.phone.cold.totalMs, s.bare.cold.totalMs),
        warm: ratio(s.phone.warm.totalMs, s.bare.warm.totalMs),
      },
    },
    deltasMs: {
      phoneVsBare: {
        cold: delta(s.phone.cold.totalMs, s.bare.cold.totalMs),
        warm: delta(s.phone.warm.totalMs, s.bare.warm.totalMs),
      },
    },
    budgets: { cold: ratioBudget('cold'), warm: ratioBudget('warm') },
    fetchedBeforeFirstRegister: {
      readyToCall: sorted(readyToCall),
      fetched: sorted(fetchedByStart.flat()),
      startsDiffering: fetchedByStart.filter((list) => sorted(list).join(' ') !== expected).length,
      starts: fetchedByStart.length,
    },
  };
  await emit({
    id: 'register',
    title: 'Register: start → registered (401 round trip included)',
    headline: headline(result),
    tables: [table(result), budgetTable(result)],
    notes: notes(result),
    figures: figures(result),
    result,
  });
}

function table(r: RegisterResult): Table {
  const f = (x: Spread | undefined) => formatSpread(x, 1);
  const rows: string[][] = [];
  for (const who of ['bare', 'phone'] as Who[]) {
    for (const kind of ['cold', 'warm'] as const) {
      const p = r.subjects[who][kind];
      rows.push([
        SUBJECT_LABEL[who],
        kind,
        String(p.samples.length),
        f(p.totalMs),
        f(p.toSocketMs),
        f(p.socketOpenMs),
        f(p.toFirstRegisterMs),
        f(p.challengeMs),
        f(p.toRegisteredMs),
      ]);
    }
  }
  return {
    title:
      'ms, median (min–max). Steps: start → new WebSocket; its open event; start → first ' +
      'REGISTER sent; first → second REGISTER (401 round trip); second REGISTER → registered.',
    columns: [
      'subject',
      'start',
      'n',
      'start → registered',
      '→ new WebSocket',
      '→ open',
      '→ 1st REGISTER',
      '401 round trip',
      '2nd REGISTER → registered',
    ],
    numeric: [false, false, true, true, true, true, true, true, true],
    rows,
  };
}

const ms = (v: number | undefined) => (v === undefined ? 'n/a' : `${v.toFixed(1)} ms`);
const times = (v: number | undefined) => (v === undefined ? 'n/a' : `×${v.toFixed(2)}`);
const verdict = (b: RatioBudget) => (b.met === null ? 'n/a' : b.met ? 'met' : 'NOT met');

function budgetTable(r: RegisterResult): Table {
  return {
    title: 'Issue 16 budget 5: <sip-phone> ÷ bare JsSIP, medians of start → registered, this run',
    columns: ['start', '<sip-phone>', 'bare JsSIP', 'ratio', 'limit', 'verdict'],
    numeric: [false, true, true, true, true, false],
    rows: (['cold', 'warm'] as const).map((kind) => {
      const b = r.budgets[kind];
      return [
        kind,
        ms(b.phoneMs),
        ms(b.bareMs),
        times(b.ratio),
        times(b.limit),
        b.met === false && b.bareMs !== undefined && b.phoneMs !== undefined
          ? `NOT met: ${(b.phoneMs - b.limit * b.bareMs).toFixed(1)} ms over`
          : verdict(b),
      ];
    }),
  };
}

/** Issue 16's budget 5, cold and warm, each with its anchor, for `npm run bench`'s closing table. */
function figures(r: RegisterResult): KeyFigure[] {
  return (['cold', 'warm'] as const).map((kind) => {
    const b = r.budgets[kind];
    return {
      name: `5. Register ${kind} (start → registered)`,
      value: `${ms(b.phoneMs)} (${times(b.ratio)})`,
      anchor: `bare JsSIP ${ms(b.bareMs)}`,
      budget: `≤ ${times(b.limit)}: ${verdict(b)}`,
      met: b.met,
    };
  });
}

function notes(r: RegisterResult): string[] {
  const x = times;
  const d = (v: number | undefined) => (v === undefined ? 'n/a' : `${v >= 0 ? '+' : ''}${v} ms`);
  const f = r.fetchedBeforeFirstRegister;
  const extra = f.fetched.filter((file) => !f.readyToCall.includes(file));
  const missing = f.readyToCall.filter((file) => !f.fetched.includes(file));
  return [
    loadNote(r),
    `<sip-phone> vs bare JsSIP (ratio of medians): cold ${x(r.ratios.phoneVsBare.cold)} ` +
      `(${d(r.deltasMs.phoneVsBare.cold)}), warm ${x(r.ratios.phoneVsBare.warm)} ` +
      `(${d(r.deltasMs.phoneVsBare.warm)}).`,
    `REGISTER requests per start: <sip-phone> ${r.subjects.phone.registersPerStart.join(', ')}; ` +
      `bare JsSIP ${r.subjects.bare.registersPerStart.join(', ')} (2 = the 401 round trip).`,
    `Budgets (issue 16): cold ${x(r.budgets.cold.ratio)} ≤ ${x(r.budgets.cold.limit)}: ` +
      `${verdict(r.budgets.cold)}; warm ${x(r.budgets.warm.ratio)} ≤ ${x(r.budgets.warm.limit)}: ` +
      `${verdict(r.budgets.warm)}.`,
    `Cold = the first start in a freshly launched Chromium (${r.method.cold} per subject); warm = ` +
      `the page reloaded and started again in that browser (${r.method.warmPerBrowser} each). ` +
      `Every page has the same markup (one Call button), rendered before start.`,
    `Scripts of the CDN build the <sip-phone> page had started fetching before its first REGISTER ` +
      `(resource timing, ${f.starts} starts): ` +
      (f.startsDiffering === 0 && f.starts > 0
        ? `the ready-to-call set of the module graph in every start (${f.readyToCall.length} files).`
        : `${f.startsDiffering} of ${f.starts} starts differ from the ready-to-call set ` +
          `(${f.readyToCall.join(', ')})` +
          (extra.length > 0 ? `; also fetched: ${extra.join(', ')}` : '') +
          (missing.length > 0 ? `; never fetched before it: ${missing.join(', ')}` : '') +
          '.'),
  ];
}

function headline(r: RegisterResult): string {
  const m = (x: Spread | undefined) => (x ? `${x.median.toFixed(1)} ms` : 'n/a');
  const s = r.subjects;
  const b = r.budgets;
  return (
    `Register (start → registered, 401 included), medians: cold <sip-phone> ` +
    `${m(s.phone.cold.totalMs)} vs bare JsSIP ${m(s.bare.cold.totalMs)} = ${times(b.cold.ratio)} ` +
    `(≤ ${times(b.cold.limit)}: ${verdict(b.cold)}); warm ${m(s.phone.warm.totalMs)} vs ` +
    `${m(s.bare.warm.totalMs)} = ${times(b.warm.ratio)} (≤ ${times(b.warm.limit)}: ${verdict(b.warm)}).`
  );
}

runMain('register', main);
