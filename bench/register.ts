// Benchmark: register (issue 8) — from start to registered on loopback against the sandbox, the
// 401 challenge round trip included, for `<sip-phone>` (the element appended to the page with its
// server, uri and password set → `sip-registration-change` with state `registered`) beside bare
// JsSIP with its defaults (`new JsSIP.UA(…)`, `ua.start()` → `registered`). Both open their
// WebSocket, send a REGISTER, get 401, send it again with digest credentials and get 200.
// Cold: the first start in a freshly launched Chromium; warm: the page reloaded in that browser
// and started again.
//
//   node --import tsx bench/register.ts     (alone; `npm run bench` runs it too)
//
// Environment: BENCH_REGISTER_COLD (fresh browsers per subject, 3), BENCH_REGISTER_WARM (reloads
// per browser, 5).
import { BenchBrowser, PageServer, SUBJECT_LABEL, type SubjectPageHandle } from './lib/browser.js';
import { buildCdnFile } from './lib/build.js';
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
import { emit, progress, type Table } from './lib/report.js';
import { SandboxProcess } from './lib/sandbox-process.js';
import { formatSpread, round, spread, type Spread } from './lib/stats.js';

const COLD = envInt('BENCH_REGISTER_COLD', 3, 1, 20);
const WARM = envInt('BENCH_REGISTER_WARM', 5, 0, 50);
const REGISTER_TIMEOUT_MS = 10_000;
const USERS = { phone: 'alice', bare: 'bob' } as const;
type Who = keyof typeof USERS;

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

export interface RegisterResult extends RunMeta {
  method: {
    phone: string;
    bareJssip: string;
    cold: number;
    warmPerBrowser: number;
    server: string;
  };
  subjects: Record<Who, { cold: Phase; warm: Phase; registersPerStart: number[] }>;
  ratios: { phoneVsBare: { cold: number | undefined; warm: number | undefined } };
  deltasMs: { phoneVsBare: { cold: number | undefined; warm: number | undefined } };
}

async function measure(p: SubjectPageHandle, who: Who, sandbox: SandboxProcess): Promise<Sample> {
  const { wsUrl, domain, users } = sandbox.ready;
  const user = USERS[who];
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
  const result: RegisterResult = {
    ...end(),
    method: {
      phone:
        '<sip-phone> (dist/sip-phone.js built afresh) appended with server, uri, password set → ' +
        'sip-registration-change registered',
      bareJssip: 'new JsSIP.UA({ sockets, uri, password }) + ua.start() → registered (defaults)',
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
  };
  await emit({
    id: 'register',
    title: 'Register: start → registered (401 round trip included)',
    headline: headline(result),
    tables: [table(result)],
    notes: notes(result),
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

function notes(r: RegisterResult): string[] {
  const x = (v: number | undefined) => (v === undefined ? 'n/a' : `×${v.toFixed(2)}`);
  const d = (v: number | undefined) => (v === undefined ? 'n/a' : `${v >= 0 ? '+' : ''}${v} ms`);
  return [
    loadNote(r),
    `<sip-phone> vs bare JsSIP (ratio of medians): cold ${x(r.ratios.phoneVsBare.cold)} ` +
      `(${d(r.deltasMs.phoneVsBare.cold)}), warm ${x(r.ratios.phoneVsBare.warm)} ` +
      `(${d(r.deltasMs.phoneVsBare.warm)}).`,
    `REGISTER requests per start: <sip-phone> ${r.subjects.phone.registersPerStart.join(', ')}; ` +
      `bare JsSIP ${r.subjects.bare.registersPerStart.join(', ')} (2 = the 401 round trip).`,
    `Cold = the first start in a freshly launched Chromium (${r.method.cold} per subject); warm = ` +
      `the page reloaded and started again in that browser (${r.method.warmPerBrowser} each). ` +
      `The issue sets no budget for this figure.`,
  ];
}

function headline(r: RegisterResult): string {
  const m = (x: Spread | undefined) => (x ? `${x.median.toFixed(1)} ms` : 'n/a');
  const s = r.subjects;
  const x = (v: number | undefined) => (v === undefined ? 'n/a' : `×${v.toFixed(2)}`);
  return (
    `Register (start → registered, 401 included), warm medians: <sip-phone> ${m(s.phone.warm.totalMs)}, ` +
    `bare JsSIP ${m(s.bare.warm.totalMs)} (${x(r.ratios.phoneVsBare.warm)}); cold ` +
    `${m(s.phone.cold.totalMs)} vs ${m(s.bare.cold.totalMs)} (${x(r.ratios.phoneVsBare.cold)}).`
  );
}

runMain('register', main);
