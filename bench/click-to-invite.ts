// Benchmark: click → INVITE on the wire (issue 8). From a real click on the call button (the
// click event's timeStamp) to the moment the INVITE leaves the page (WebSocket.prototype.send, in
// which JsSIP sends it synchronously), for `<sip-phone>` (the built CDN file) against the sandbox,
// beside two anchors measured in the same run:
//   - Chromium's floor: a bare page doing getUserMedia + createOffer + setLocalDescription + host
//     ICE gathering until complete — what any call must wait for before its offer can leave;
//   - bare JsSIP with its defaults (a page with only JsSIP, `ua.call()` on the click).
// Cold: the first call in a freshly launched Chromium; warm: the next calls in the same page.
// Then with an unreachable STUN server (a UDP socket that never answers): the phone (its
// iceGatheringTimeout, 500 ms by default) beside bare JsSIP, which waits for ICE gathering to end.
//
//   node --import tsx bench/click-to-invite.ts     (alone; `npm run bench` runs it too)
//
// Environment: BENCH_INVITE_COLD (fresh browsers per subject, 3), BENCH_INVITE_WARM (warm calls
// per browser, 6), BENCH_INVITE_STUN_BARE_S (bound of the bare JsSIP run with the silent STUN
// server, 45).
import { performance } from 'node:perf_hooks';
import {
  BenchBrowser,
  PageServer,
  SUBJECT_LABEL,
  silentStun,
  type Subject,
  type SubjectPageHandle,
} from './lib/browser.js';
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
import { formatSpread, round, spread, type Spread } from './lib/stats.js';

const COLD = envInt('BENCH_INVITE_COLD', 3, 1, 20);
const WARM = envInt('BENCH_INVITE_WARM', 6, 0, 100);
const STUN_PHONE_WARM = Math.min(WARM, 4);
const STUN_BARE_BOUND_MS = envInt('BENCH_INVITE_STUN_BARE_S', 45, 5, 120) * 1000;
const INVITE_TIMEOUT_MS = 10_000;
/** Budgets of issue 8: ≤ floor + 25 ms with no STUN; ≤ 1 s with an unreachable STUN server. */
const BUDGET_OVER_FLOOR_MS = 25;
const BUDGET_SILENT_STUN_MS = 1000;
const USERS: Record<Exclude<Subject, 'floor'>, string> = { phone: 'alice', bare: 'bob' };

type Scenario = 'floor' | 'phone' | 'bare' | 'phoneStun' | 'bareStun' | 'phonePrewarm';
/** A user's pointer rests on Call about this long before pressing it. */
const HOVER_MS = 300;

interface ScenarioResult {
  subject: Subject;
  stun: 'none' | 'unreachable';
  /** Click → INVITE sent (floor: click → ICE gathering complete), ms. */
  cold: Spread | undefined;
  warm: Spread | undefined;
  samples: { cold: Array<number | null>; warm: Array<number | null> };
  /** Runs that produced no INVITE within their bound (null in samples). */
  timeouts: number;
  boundMs: number;
  /** Calls that did not connect afterwards (they do not change the figure; listed for trust). */
  notConnected: number;
  /** Pre-warmed scenario: clicks made before the call was prepared (they count as measured). */
  notPrewarmed: number;
  pageErrors: string[];
  /** The floor only: where its time goes (click → microphone, → offer set, → gathered), ms. */
  steps: { cold: StepSpreads; warm: StepSpreads } | undefined;
}

interface StepSpreads {
  microphoneMs: Spread | undefined;
  offerMs: Spread | undefined;
  gatheringMs: Spread | undefined;
}

interface Comparison {
  /** Median of the subject ÷ median of the anchor. */
  ratio: number | undefined;
  /** Median of the subject − median of the anchor, ms. */
  deltaMs: number | undefined;
}

export interface ClickToInviteResult extends RunMeta {
  method: {
    from: string;
    to: string;
    floor: string;
    bareJssip: string;
    phone: string;
    phonePrewarm: string;
    cold: number;
    warmPerBrowser: number;
    stunPhoneWarmPerBrowser: number;
    stunBareBoundMs: number;
    target: 'echo';
  };
  scenarios: Record<Scenario, ScenarioResult>;
  ratios: {
    phoneVsFloor: { cold: Comparison; warm: Comparison };
    bareVsFloor: { cold: Comparison; warm: Comparison };
    phoneVsBare: { cold: Comparison; warm: Comparison };
    phoneStunVsBareStun: { cold: Comparison };
    prewarmVsFloor: { cold: Comparison; warm: Comparison };
  };
  budgets: {
    noStun: {
      rule: string;
      cold: { limitMs: number | undefined; phoneMs: number | undefined; met: boolean | undefined };
      warm: { limitMs: number | undefined; phoneMs: number | undefined; met: boolean | undefined };
    };
    prewarmStretch: {
      rule: string;
      cold: { limitMs: number | undefined; phoneMs: number | undefined; met: boolean | undefined };
      warm: { limitMs: number | undefined; phoneMs: number | undefined; met: boolean | undefined };
    };
    unreachableStun: {
      rule: string;
      cold: { limitMs: number; phoneMs: number | undefined; met: boolean | undefined };
      warm: { limitMs: number; phoneMs: number | undefined; met: boolean | undefined };
    };
  };
}

function emptyScenario(subject: Subject, stun: 'none' | 'unreachable', boundMs: number) {
  return {
    subject,
    stun,
    cold: [] as Array<number | null>,
    warm: [] as Array<number | null>,
    notConnected: 0,
    notPrewarmed: 0,
    boundMs,
    pageErrors: [] as string[],
    steps: { cold: [] as FloorSteps[], warm: [] as FloorSteps[] },
  };
}
type Collected = ReturnType<typeof emptyScenario>;

/** The floor's steps, ms each: click → microphone → local offer set → ICE gathering complete. */
interface FloorSteps {
  microphoneMs: number;
  offerMs: number;
  gatheringMs: number;
}

/**
 * One click on the page's call button; ms to its INVITE (floor: to gathering complete, and the
 * floor's steps into `steps`).
 */
async function clickToInvite(
  p: SubjectPageHandle,
  boundMs: number,
  steps: FloorSteps[],
): Promise<number | null> {
  const before = await p.now();
  await p.click();
  const event = p.subject === 'floor' ? 'floor:gathered' : 'sip:INVITE';
  const sent = await p.waitFor(event, before, boundMs);
  const clickAt = await p.lastClick();
  if (!sent || clickAt === undefined || clickAt < before) return null;
  if (p.subject === 'floor') {
    const microphone = await p.waitFor('floor:microphone', before, 0);
    const offer = await p.waitFor('floor:offer', before, 0);
    if (microphone && offer) {
      steps.push({
        microphoneMs: microphone.at - clickAt,
        offerMs: offer.at - microphone.at,
        gatheringMs: sent.at - offer.at,
      });
    }
  }
  return sent.at - clickAt;
}

/** A fresh Chromium: one cold call, then `warm` more in the same page. */
async function session(
  subject: Subject,
  into: Collected,
  ctx: {
    server: PageServer;
    sandbox: SandboxProcess;
    stunUrl: string | undefined;
    prewarm?: boolean;
  },
  warm: number,
): Promise<void> {
  checkInterrupted();
  const browser = await BenchBrowser.launch();
  try {
    const p = await browser.open(ctx.server, subject);
    const iceServers = ctx.stunUrl ? [{ urls: ctx.stunUrl }] : undefined;
    if (subject !== 'floor') {
      const { wsUrl, domain, users } = ctx.sandbox.ready;
      const user = USERS[subject];
      await p.setup({
        server: wsUrl,
        uri: `sip:${user}@${domain}`,
        password: users.find((u) => u.user === user)!.password,
        ...(iceServers ? { iceServers } : {}),
        ...(ctx.prewarm ? { prewarm: true } : {}),
      });
    }
    for (let i = 0; i <= warm; i++) {
      checkInterrupted();
      await p.prepare('echo', iceServers);
      if (ctx.prewarm) {
        // The element ignores Call appearing under the pointer for 1 s after a call (that is the
        // Hang up press, not a new intent): a person takes longer than that to call again.
        if (i > 0) await sleep(1100);
        // The pointer reaches Call, rests, then presses it.
        await p.hover();
        await sleep(HOVER_MS);
        if (!(await p.prewarmed())) into.notPrewarmed++;
      }
      const ms = await clickToInvite(p, into.boundMs, i === 0 ? into.steps.cold : into.steps.warm);
      (i === 0 ? into.cold : into.warm).push(ms === null ? null : round(ms, 2));
      if (ms === null) break;
      if (subject !== 'floor') {
        if (!(await p.waitConnected(10_000))) into.notConnected++;
        await p.hangup();
      }
      if (!(await p.waitIdle(10_000))) throw new Error(`${subject}: the call did not end`);
      await sleep(100);
    }
    into.pageErrors.push(...p.errors);
  } finally {
    await browser.close();
  }
}

function summarize(c: Collected): ScenarioResult {
  const nums = (xs: Array<number | null>) => xs.filter((x): x is number => x !== null);
  return {
    subject: c.subject,
    stun: c.stun,
    cold: spread(nums(c.cold), 1),
    warm: spread(nums(c.warm), 1),
    samples: { cold: c.cold, warm: c.warm },
    timeouts: [...c.cold, ...c.warm].filter((x) => x === null).length,
    boundMs: c.boundMs,
    notConnected: c.notConnected,
    notPrewarmed: c.notPrewarmed,
    pageErrors: [...new Set(c.pageErrors)].slice(0, 5),
    steps:
      c.subject === 'floor'
        ? { cold: stepSpreads(c.steps.cold), warm: stepSpreads(c.steps.warm) }
        : undefined,
  };
}

function stepSpreads(steps: FloorSteps[]): StepSpreads {
  return {
    microphoneMs: spread(
      steps.map((x) => x.microphoneMs),
      1,
    ),
    offerMs: spread(
      steps.map((x) => x.offerMs),
      1,
    ),
    gatheringMs: spread(
      steps.map((x) => x.gatheringMs),
      1,
    ),
  };
}

function compare(a: Spread | undefined, b: Spread | undefined): Comparison {
  if (!a || !b) return { ratio: undefined, deltaMs: undefined };
  return {
    ratio: b.median > 0 ? round(a.median / b.median, 2) : undefined,
    deltaMs: round(a.median - b.median, 1),
  };
}

async function main(): Promise<void> {
  installStopHandlers();
  const end = beginRun(['src', 'components', 'vite.config.ts', 'package.json']);
  progress(
    `click → INVITE: ${COLD} fresh browsers per subject, ${WARM} warm calls each; ` +
      `silent STUN: phone ×${COLD}, bare JsSIP ×1 (bound ${STUN_BARE_BOUND_MS / 1000} s)`,
  );
  const cdn = await buildCdnFile();
  onCleanup(cdn.dispose);
  const sandbox = await SandboxProcess.start();
  adoptSandbox(sandbox);
  const server = await PageServer.start(cdn.file);
  onCleanup(() => server.close());
  const stun = await silentStun();
  onCleanup(stun.close);

  const collected: Record<Scenario, Collected> = {
    floor: emptyScenario('floor', 'none', INVITE_TIMEOUT_MS),
    phone: emptyScenario('phone', 'none', INVITE_TIMEOUT_MS),
    bare: emptyScenario('bare', 'none', INVITE_TIMEOUT_MS),
    phoneStun: emptyScenario('phone', 'unreachable', INVITE_TIMEOUT_MS),
    bareStun: emptyScenario('bare', 'unreachable', STUN_BARE_BOUND_MS),
    phonePrewarm: emptyScenario('phone', 'none', INVITE_TIMEOUT_MS),
  };
  const noStun = { server, sandbox, stunUrl: undefined };
  const withStun = { server, sandbox, stunUrl: stun.url };
  const order: Array<'floor' | 'phone' | 'bare'> = ['floor', 'phone', 'bare'];
  for (let r = 0; r < COLD; r++) {
    // Each round in another order, so that no subject always runs first after a launch.
    for (const subject of [...order.slice(r % 3), ...order.slice(0, r % 3)]) {
      const started = performance.now();
      await session(subject, collected[subject], noStun, WARM);
      progress(
        `  ${SUBJECT_LABEL[subject]} round ${r + 1}/${COLD}: cold ${collected[subject].cold.at(-1)} ms, ` +
          `warm ${formatSpread(spread(collected[subject].warm.slice(-WARM).filter((x) => x !== null) as number[], 1))} ms ` +
          `(${Math.round(performance.now() - started)} ms)`,
      );
    }
  }
  for (let r = 0; r < COLD; r++) {
    await session('phone', collected.phonePrewarm, { ...noStun, prewarm: true }, WARM);
    progress(
      `  <sip-phone prewarm> (${HOVER_MS} ms hover, then click) round ${r + 1}/${COLD}: cold ` +
        `${collected.phonePrewarm.cold.at(-1)} ms, warm ` +
        `${formatSpread(spread(collected.phonePrewarm.warm.slice(-WARM).filter((x) => x !== null) as number[], 1))} ms`,
    );
  }
  for (let r = 0; r < COLD; r++) {
    await session('phone', collected.phoneStun, withStun, STUN_PHONE_WARM);
    progress(
      `  <sip-phone>, silent STUN, round ${r + 1}/${COLD}: cold ${collected.phoneStun.cold.at(-1)} ms`,
    );
  }
  progress(`  bare JsSIP, silent STUN: one run, bounded at ${STUN_BARE_BOUND_MS / 1000} s…`);
  await session('bare', collected.bareStun, withStun, 0);
  progress(
    `  bare JsSIP, silent STUN: ${collected.bareStun.cold.at(-1) ?? 'no INVITE within the bound'} ms`,
  );
  await cleanup();

  const scenarios = Object.fromEntries(
    Object.entries(collected).map(([k, c]) => [k, summarize(c)]),
  ) as Record<Scenario, ScenarioResult>;
  const s = scenarios;
  const limit = (floor: Spread | undefined) =>
    floor ? round(floor.median + BUDGET_OVER_FLOOR_MS, 1) : undefined;
  const verdict = (value: number | undefined, lim: number | undefined) =>
    value === undefined || lim === undefined ? undefined : value <= lim;
  const below = (value: number | undefined, lim: number | undefined) =>
    value === undefined || lim === undefined ? undefined : value < lim;
  const result: ClickToInviteResult = {
    ...end(),
    method: {
      from: 'the click event’s timeStamp (Playwright mouse click on the call button)',
      to: 'WebSocket.prototype.send called with the INVITE (wrapped in the page before any script)',
      floor:
        'bare page: getUserMedia(audio) + RTCPeerConnection + createOffer + setLocalDescription + ' +
        'ICE gathering complete (host candidates only)',
      bareJssip:
        'JsSIP 3.13.8 defaults (UA with sockets, uri, password); ua.call(target, { mediaConstraints: ' +
        '{ audio: true, video: false } }); bundled by esbuild, minified',
      phone: '<sip-phone> from dist/sip-phone.js (built afresh by vite build --mode lib), defaults',
      phonePrewarm:
        `<sip-phone prewarm>: the pointer moves onto Call, rests ${HOVER_MS} ms (the microphone and ` +
        'a peer connection with a candidate pool are prepared meanwhile), then clicks',
      cold: COLD,
      warmPerBrowser: WARM,
      stunPhoneWarmPerBrowser: STUN_PHONE_WARM,
      stunBareBoundMs: STUN_BARE_BOUND_MS,
      target: 'echo',
    },
    scenarios,
    ratios: {
      phoneVsFloor: {
        cold: compare(s.phone.cold, s.floor.cold),
        warm: compare(s.phone.warm, s.floor.warm),
      },
      bareVsFloor: {
        cold: compare(s.bare.cold, s.floor.cold),
        warm: compare(s.bare.warm, s.floor.warm),
      },
      phoneVsBare: {
        cold: compare(s.phone.cold, s.bare.cold),
        warm: compare(s.phone.warm, s.bare.warm),
      },
      phoneStunVsBareStun: { cold: compare(s.phoneStun.cold, s.bareStun.cold) },
      prewarmVsFloor: {
        cold: compare(s.phonePrewarm.cold, s.floor.cold),
        warm: compare(s.phonePrewarm.warm, s.floor.warm),
      },
    },
    budgets: {
      noStun: {
        rule: `phone median ≤ floor median + ${BUDGET_OVER_FLOOR_MS} ms (same run)`,
        cold: {
          limitMs: limit(s.floor.cold),
          phoneMs: s.phone.cold?.median,
          met: verdict(s.phone.cold?.median, limit(s.floor.cold)),
        },
        warm: {
          limitMs: limit(s.floor.warm),
          phoneMs: s.phone.warm?.median,
          met: verdict(s.phone.warm?.median, limit(s.floor.warm)),
        },
      },
      prewarmStretch: {
        rule: 'stretch: pre-warmed phone median < floor median (same run)',
        cold: {
          limitMs: s.floor.cold?.median,
          phoneMs: s.phonePrewarm.cold?.median,
          met: below(s.phonePrewarm.cold?.median, s.floor.cold?.median),
        },
        warm: {
          limitMs: s.floor.warm?.median,
          phoneMs: s.phonePrewarm.warm?.median,
          met: below(s.phonePrewarm.warm?.median, s.floor.warm?.median),
        },
      },
      unreachableStun: {
        rule: `phone max ≤ ${BUDGET_SILENT_STUN_MS} ms with a STUN server that never answers`,
        cold: {
          limitMs: BUDGET_SILENT_STUN_MS,
          phoneMs: s.phoneStun.cold?.max,
          met: verdict(s.phoneStun.cold?.max, BUDGET_SILENT_STUN_MS),
        },
        warm: {
          limitMs: BUDGET_SILENT_STUN_MS,
          phoneMs: s.phoneStun.warm?.max,
          met: verdict(s.phoneStun.warm?.max, BUDGET_SILENT_STUN_MS),
        },
      },
    },
  };
  await emit({
    id: 'clickToInvite',
    title: 'Click → INVITE on the wire',
    headline: headline(result),
    tables: [table(result)],
    notes: notes(result),
    result,
  });
}

const ms = (s: Spread | undefined) => formatSpread(s, 1);
const cmp = (c: Comparison | undefined) =>
  c?.ratio === undefined || c.deltaMs === undefined
    ? 'n/a'
    : `×${c.ratio.toFixed(2)} (${c.deltaMs >= 0 ? '+' : ''}${c.deltaMs.toFixed(1)} ms)`;

function table(r: ClickToInviteResult): Table {
  const s = r.scenarios;
  const row = (label: string, x: ScenarioResult, vsFloor: string, vsBare: string) => [
    label,
    x.stun === 'none' ? 'none' : 'silent',
    ms(x.cold),
    `${x.samples.cold.length}`,
    ms(x.warm),
    `${x.samples.warm.length}`,
    vsFloor,
    vsBare,
  ];
  return {
    title:
      'Click → INVITE leaves the page, ms: median (min–max). Floor: click → ICE gathering complete. ' +
      'Ratios of medians, cold / warm.',
    columns: [
      'subject',
      'STUN',
      'cold',
      'n',
      'warm',
      'n',
      'vs floor (cold / warm)',
      'vs bare JsSIP',
    ],
    numeric: [false, false, true, true, true, true, false, false],
    rows: [
      row('Chromium floor', s.floor, '—', '—'),
      row(
        'bare JsSIP',
        s.bare,
        `${cmp(r.ratios.bareVsFloor.cold)} / ${cmp(r.ratios.bareVsFloor.warm)}`,
        '—',
      ),
      row(
        '<sip-phone>',
        s.phone,
        `${cmp(r.ratios.phoneVsFloor.cold)} / ${cmp(r.ratios.phoneVsFloor.warm)}`,
        `${cmp(r.ratios.phoneVsBare.cold)} / ${cmp(r.ratios.phoneVsBare.warm)}`,
      ),
      row(
        'bare JsSIP',
        s.bareStun,
        '—',
        s.bareStun.timeouts > 0 ? `no INVITE within ${s.bareStun.boundMs / 1000} s` : '—',
      ),
      row('<sip-phone>', s.phoneStun, '—', cmp(r.ratios.phoneStunVsBareStun.cold) + ' (cold)'),
      row(
        '<sip-phone prewarm>',
        s.phonePrewarm,
        `${cmp(r.ratios.prewarmVsFloor.cold)} / ${cmp(r.ratios.prewarmVsFloor.warm)}`,
        '—',
      ),
    ],
  };
}

function notes(r: ClickToInviteResult): string[] {
  const b = r.budgets;
  const f = (x: number | undefined) => (x === undefined ? 'n/a' : `${x.toFixed(1)} ms`);
  const v = (met: boolean | undefined) => (met === undefined ? 'n/a' : met ? 'met' : 'NOT met');
  const steps = r.scenarios.floor.steps;
  const stepText = (x: StepSpreads | undefined) =>
    x
      ? `microphone ${ms(x.microphoneMs)}, offer set ${ms(x.offerMs)}, ICE gathering ${ms(x.gatheringMs)}`
      : 'n/a';
  const out = [
    loadNote(r),
    `Where the floor's time goes (ms, click → getUserMedia resolved → setLocalDescription done → ` +
      `gathering complete): cold ${stepText(steps?.cold)}; warm ${stepText(steps?.warm)}.`,
    `Budget, no STUN (${b.noStun.rule}): cold ${f(b.noStun.cold.phoneMs)} vs limit ` +
      `${f(b.noStun.cold.limitMs)}: ${v(b.noStun.cold.met)}; warm ${f(b.noStun.warm.phoneMs)} vs ` +
      `${f(b.noStun.warm.limitMs)}: ${v(b.noStun.warm.met)}.`,
    `Budget, unreachable STUN (${b.unreachableStun.rule}): cold max ` +
      `${f(b.unreachableStun.cold.phoneMs)}: ${v(b.unreachableStun.cold.met)}; warm max ` +
      `${f(b.unreachableStun.warm.phoneMs)}: ${v(b.unreachableStun.warm.met)}.`,
    `Stretch (${b.prewarmStretch.rule}): cold ${f(b.prewarmStretch.cold.phoneMs)} vs ` +
      `${f(b.prewarmStretch.cold.limitMs)}: ${v(b.prewarmStretch.cold.met)}; warm ` +
      `${f(b.prewarmStretch.warm.phoneMs)} vs ${f(b.prewarmStretch.warm.limitMs)}: ` +
      `${v(b.prewarmStretch.warm.met)}. ${r.method.phonePrewarm}; clicks before the call was ` +
      `prepared: ${r.scenarios.phonePrewarm.notPrewarmed}.`,
    `Bare JsSIP with the silent STUN server: one cold run only, bounded at ` +
      `${r.method.stunBareBoundMs / 1000} s (JsSIP waits for ICE gathering to end; its warm case ` +
      `is not measured).`,
    `Cold = the first call in a freshly launched Chromium (${r.method.cold} per subject, a new ` +
      `browser each); warm = the next ${r.method.warmPerBrowser} calls in the same page ` +
      `(silent STUN: ${r.method.stunPhoneWarmPerBrowser}).`,
  ];
  for (const [name, x] of Object.entries(r.scenarios)) {
    if (x.notConnected > 0)
      out.push(`${name}: ${x.notConnected} calls did not connect after their INVITE.`);
    if (x.pageErrors.length > 0) out.push(`${name}: page errors: ${x.pageErrors.join('; ')}.`);
  }
  return out;
}

function headline(r: ClickToInviteResult): string {
  const s = r.scenarios;
  const m = (x: Spread | undefined) => (x ? `${x.median.toFixed(1)} ms` : 'n/a');
  const b = r.budgets;
  const v = (met: boolean | undefined) => (met === undefined ? 'n/a' : met ? 'met' : 'NOT met');
  return (
    `Click → INVITE (warm medians): <sip-phone> ${m(s.phone.warm)}, floor ${m(s.floor.warm)}, ` +
    `bare JsSIP ${m(s.bare.warm)} (budget floor + 25 ms: ${v(b.noStun.warm.met)}; cold ` +
    `${m(s.phone.cold)} vs floor ${m(s.floor.cold)}: ${v(b.noStun.cold.met)}). Silent STUN: ` +
    `phone ${m(s.phoneStun.cold)} cold (≤ 1 s: ${v(b.unreachableStun.cold.met)}), bare JsSIP ` +
    `${s.bareStun.cold ? m(s.bareStun.cold) : `> ${r.method.stunBareBoundMs / 1000} s`}. ` +
    `Pre-warmed on hover: ${m(s.phonePrewarm.warm)} warm, ${m(s.phonePrewarm.cold)} cold (below ` +
    `the floor: ${v(b.prewarmStretch.warm.met)} / ${v(b.prewarmStretch.cold.met)}).`
  );
}

runMain('click-to-invite', main);
