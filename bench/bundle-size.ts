// Benchmark: bundle sizes (issues 8 and 16) — minified, gzip and brotli — of the CDN file
// (dist/sip-phone.js): its first paint (the entry's static import graph), what it fetches before
// the first REGISTER can leave ("ready to call": the first paint and the chunk holding the phone
// core, src/phone.ts, which loadCore() imports at once, with that chunk's static imports) and all
// its chunks; of what the kiosk button needs for its first paint (dist/kiosk/sip-call-button.js and
// the chunks it imports statically; not the phone core it imports lazily), and of the dialer app
// (dist/app/), beside an anchor built the same way in the same run: bare JsSIP + one minimal
// LitElement (bench/anchor/jssip-lit.ts) through vite.config.ts's lib mode (same bundler, same
// minifier, same target). Which chunk holds the core is read from Vite's build manifest, never
// from a chunk's name.
//
// Everything is built afresh from the current sources into a temporary directory with the
// project's own Vite configuration (the modes `npm run build` runs); dist/ is left alone and only
// compared. Sizes are deterministic: one build each.
//
//   node --import tsx bench/bundle-size.ts     (alone; `npm run bench` runs it too)
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ConfigEnv, Plugin, Rolldown, UserConfig } from 'vite';

type OutputOptions = Rolldown.OutputOptions;
import {
  attribute,
  chunkOf,
  importGraph,
  READY_SOURCES,
  readyToCallFiles,
  sizesOf,
  sumSizes,
  type Contribution,
  type Sizes,
} from './lib/bundle.js';
import { tempDir, viteBuild, type ViteMode } from './lib/build.js';
import { cleanup, installStopHandlers, onCleanup, runMain } from './lib/harness.js';
import { beginRun, loadNote, type RunMeta } from './lib/meta.js';
import { emit, progress, type KeyFigure, type Table } from './lib/report.js';
import { ROOT } from './lib/sandbox-process.js';
import { round } from './lib/stats.js';

const KIB = 1024;
/** Issue 16, budget 1: the first paint of <sip-phone> (gzip bytes). */
const BUDGET_FIRST_PAINT_GZIP = 16 * KIB;
/** Issue 16, budget 2: ready to call ≤ this × the anchor (gzip). */
const BUDGET_READY_VS_ANCHOR = 1.3;
/** Issue 16, budget 4: the dialer's first load ≤ ready to call + this (gzip bytes). */
const BUDGET_DIALER_OVER_READY_GZIP = 10 * KIB;
/** Issue 8: the kiosk button's first paint (gzip bytes). */
const BUDGET_KIOSK_FIRST_PAINT_GZIP = 12 * KIB;
/** The chunks fetched at once besides the first paint: the phone core and the phone's body. */
const READY_LIST = READY_SOURCES.join(' and ');
const TOP = 10;

interface FileSizes extends Sizes {
  /** Relative to its build's output directory. */
  file: string;
}

interface Group {
  files: FileSizes[];
  total: Sizes;
  /** The bytes of this group by origin (source map), largest first. */
  topPackages: Contribution[] | undefined;
  topFiles: Contribution[] | undefined;
}

/** A set of files fetched before a page's first REGISTER: its static graph and the core chunk. */
interface ReadyGroup extends Group {
  /** The chunks that hold READY_SOURCES (relative to the build's output directory). */
  readyChunks: string[];
  /** Files of the set outside the entry's static graph: those chunks and their static imports. */
  coreFiles: string[];
  /** The project's own source files (no package, no glue) with the most bytes in the set. */
  topOwnFiles: Contribution[] | undefined;
}

/** A gzip budget: the figure, its limit, and by how many bytes it is met or missed. */
interface Budget {
  rule: string;
  gzip: number;
  limitGzip: number;
  /** limitGzip − gzip: the room left (negative when over). */
  marginBytes: number;
  overBytes: number;
  met: boolean;
}

export interface BundleSizeResult extends RunMeta {
  method: {
    builds: string;
    anchor: string;
    bundler: string;
    gzip: string;
    brotli: string;
    kib: number;
    firstPaint: string;
    readyToCall: string;
    attribution: string;
  };
  /** dist/sip-phone.js with every chunk it may import (static and lazy). */
  cdn: Group & { sameAsDist: boolean | null; definesElements: string[] };
  /** What a page fetches before the elements paint: dist/sip-phone.js and its static imports. */
  cdnFirstPaint: Group;
  /** What a page fetches before the first REGISTER: the first paint and the core chunk's graph. */
  cdnReadyToCall: ReadyGroup;
  anchor: Group;
  kiosk: { firstPaint: Group; lazy: Group; definesElements: string[] };
  dialer: {
    /** index.html's module script, its static imports, and the core chunk's graph (see method). */
    firstLoad: ReadyGroup;
    /** index.html's module script and its static imports only. */
    staticImports: Group;
    allJs: Group;
    definesElements: string[];
  };
  /**
   * The kiosk and the dialer rebuilt by this benchmark with every module of src/ and components/
   * marked as having side effects (see notes): what they weigh with the elements they import.
   */
  withSideEffectImportsKept: {
    kioskFirstPaint: Group;
    kioskDefinesElements: string[];
    dialerFirstLoad: Group;
    dialerAllJs: Group;
    dialerDefinesElements: string[];
  };
  /** Minified bytes dist/sip-phone.js has over the anchor, by package / area, largest first. */
  cdnOverAnchor: Contribution[] | undefined;
  /** Minified bytes the ready-to-call set has over the anchor, by package / area. */
  readyToCallOverAnchor: Contribution[] | undefined;
  ratios: {
    cdnVsAnchor: Sizes;
    firstPaintVsAnchor: Sizes;
    readyToCallVsAnchor: Sizes;
    /** Dialer (first load, with the core) ÷ anchor. */
    dialerVsAnchor: Sizes;
  };
  /** Issue 16's budgets 1, 2 and 4, and issue 8's kiosk budget. */
  budgets: {
    firstPaint: Budget;
    readyToCall: Budget & { ratioGzip: number; anchorGzip: number; limitRatio: number };
    dialerFirstLoad: Budget & { readyToCallGzip: number; allowanceGzip: number };
    kioskFirstPaint: Budget;
  };
}

function budget(rule: string, gzip: number, limitGzip: number): Budget {
  return {
    rule,
    gzip,
    limitGzip,
    marginBytes: limitGzip - gzip,
    overBytes: Math.max(0, gzip - limitGzip),
    met: gzip <= limitGzip,
  };
}

/** Several files' source-map attributions added up (files without a map are left out). */
function mergeAttribution(
  list: ReturnType<typeof attribute>[],
): { packages: Contribution[] } | undefined {
  const packages = new Map<string, number>();
  for (const a of list) {
    for (const c of a?.packages ?? []) packages.set(c.name, (packages.get(c.name) ?? 0) + c.bytes);
  }
  if (packages.size === 0) return undefined;
  return { packages: [...packages].map(([name, bytes]) => ({ name, bytes, pct: 0 })) };
}

function ratio(a: Sizes, b: Sizes): Sizes {
  return {
    min: round(a.min / b.min, 3),
    gzip: round(a.gzip / b.gzip, 3),
    brotli: round(a.brotli / b.brotli, 3),
  };
}

/** Sizes of `files` (absolute), each compressed on its own, and where their bytes come from. */
/** The lib mode's output options (one object: the CDN build has no array of outputs). */
function anchorOutput(config: UserConfig): OutputOptions {
  const output = config.build?.rolldownOptions?.output;
  if (Array.isArray(output)) throw new Error('vite.config.ts lib mode: one output expected');
  return { ...output };
}

function group(files: string[], base: string): Group {
  const list = files.map((f) => ({ file: relative(base, f), ...sizesOf(readFileSync(f)) }));
  const merged = { files: new Map<string, number>(), packages: new Map<string, number>() };
  let mapped = false;
  for (const f of files) {
    const a = attribute(f);
    if (!a) continue;
    mapped = true;
    for (const c of a.files) merged.files.set(c.name, (merged.files.get(c.name) ?? 0) + c.bytes);
    for (const c of a.packages)
      merged.packages.set(c.name, (merged.packages.get(c.name) ?? 0) + c.bytes);
  }
  const top = (m: Map<string, number>): Contribution[] => {
    const total = [...m.values()].reduce((x, y) => x + y, 0);
    return [...m.entries()]
      .map(([name, bytes]) => ({
        name,
        bytes,
        pct: total > 0 ? round((bytes / total) * 100, 1) : 0,
      }))
      .sort((x, y) => y.bytes - x.bytes)
      .slice(0, TOP);
  };
  return {
    files: list,
    total: sumSizes(list),
    topPackages: mapped ? top(merged.packages) : undefined,
    topFiles: mapped ? top(merged.files) : undefined,
  };
}

/**
 * A build's ready-to-call set: `entryStatic` (the entry's static graph) and the chunk that holds the
 * phone core, found in the build's manifest, with its static imports.
 */
async function readyGroup(
  entryStatic: string[],
  outDir: string,
  root: string,
): Promise<ReadyGroup> {
  // A build may hold the phone's body in a chunk already counted (the dialer's page imports it).
  const chunks = READY_SOURCES.map((source) => chunkOf(outDir, root, source));
  if (!chunks[0]) throw new Error(`${outDir}: no chunk holds ${READY_SOURCES[0]}`);
  const ready = chunks.filter((chunk): chunk is string => chunk !== undefined);
  const files = await readyToCallFiles(entryStatic, ready);
  const inEntry = new Set(entryStatic);
  const g = group(files, outDir);
  const own = new Map<string, number>();
  for (const c of files.flatMap((f) => attribute(f)?.files ?? [])) {
    if (c.name.startsWith('(') || c.name.includes('node_modules/')) continue;
    own.set(c.name, (own.get(c.name) ?? 0) + c.bytes);
  }
  return {
    ...g,
    readyChunks: ready.map((chunk) => relative(outDir, chunk)),
    coreFiles: files.filter((f) => !inEntry.has(f)).map((f) => relative(outDir, f)),
    topOwnFiles:
      own.size === 0
        ? undefined
        : [...own]
            .map(([name, n]) => ({ name, bytes: n, pct: round((n / g.total.min) * 100, 1) }))
            .sort((a, b) => b.bytes - a.bytes)
            .slice(0, TOP),
  };
}

/** What `set` has over `anchor` by package / area (minified bytes ≥ 64), largest first. */
function overAnchor(
  set: { packages: Contribution[] } | undefined,
  anchor: { packages: Contribution[] } | undefined,
): Contribution[] | undefined {
  if (!set || !anchor) return undefined;
  const base = new Map(anchor.packages.map((c) => [c.name, c.bytes]));
  const extra = set.packages
    .map((c) => ({ name: c.name, bytes: c.bytes - (base.get(c.name) ?? 0) }))
    .filter((c) => c.bytes >= 64);
  const total = extra.reduce((a, c) => a + c.bytes, 0);
  return extra
    .map((c) => ({ ...c, pct: round((c.bytes / total) * 100, 1) }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, TOP);
}

/** The element tags of the project: one directory per element under components/. */
const TAGS = new Set(readdirSync(join(ROOT, 'components')).filter((d) => d.startsWith('sip-')));

/**
 * Custom elements the built files define: each element class is decorated with
 * `@customElement('sip-…')`, which the build turns into `decorate([customElement(\`sip-…\`)], …)`
 * (minified: `u([m(\`sip-phone\`)],…)`).
 */
function definedElements(files: string[]): string[] {
  const names = new Set<string>();
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(/\(\[\s*[\w$]+\(\s*[`'"](sip-[a-z-]+)[`'"]\s*\)\s*[\],]/g)) {
      if (TAGS.has(m[1]!)) names.add(m[1]!);
    }
  }
  return [...names].sort();
}

/** The module script of an HTML page and its static imports; every JS file of the build. */
async function pageScripts(
  htmlFile: string,
): Promise<{ firstLoad: string[]; lazy: string[]; all: string[] }> {
  const dir = dirname(htmlFile);
  const html = readFileSync(htmlFile, 'utf8');
  const entry = /<script[^>]*type="module"[^>]*src="([^"]+)"/.exec(html)?.[1];
  if (!entry) throw new Error(`${htmlFile}: no module script`);
  const graph = await importGraph(join(dir, entry));
  const assets = join(dir, 'assets');
  const all = existsSync(assets)
    ? readdirSync(assets)
        .filter((f) => f.endsWith('.js'))
        .map((f) => join(assets, f))
    : [];
  return { firstLoad: graph.static, lazy: graph.lazy, all };
}

type ProjectConfig = (env: ConfigEnv) => UserConfig | Promise<UserConfig>;

/** vite.config.ts's configuration for `mode`, read from the file itself. */
async function projectConfig(mode: ViteMode): Promise<UserConfig> {
  const mod = (await import(pathToFileURL(join(ROOT, 'vite.config.ts')).href)) as {
    default: ProjectConfig;
  };
  return mod.default({ mode, command: 'build', isSsrBuild: false, isPreview: false });
}

/** A Vite build from the project's configuration for `mode`, changed by `change`. */
async function viteApiBuild(mode: ViteMode, change: (c: UserConfig) => UserConfig): Promise<void> {
  const { build } = await import('vite');
  const config = change(await projectConfig(mode));
  await build({ ...config, configFile: false, root: config.root ?? ROOT, mode, logLevel: 'warn' });
}

/** Marks every module of src/, components/ and app/ as having side effects (see the notes). */
function keepSideEffects(): Plugin {
  return {
    name: 'bench-keep-side-effect-imports',
    enforce: 'post',
    transform(code, id) {
      if (['src/', 'components/', 'app/'].some((dir) => id.startsWith(join(ROOT, dir)))) {
        return { code, map: null, moduleSideEffects: true };
      }
      return undefined;
    },
  };
}

async function main(): Promise<void> {
  installStopHandlers();
  const end = beginRun([
    'src',
    'components',
    'app',
    'vite.config.ts',
    'package.json',
    'bench/anchor',
  ]);
  const tmp = tempDir('bundle');
  onCleanup(tmp.dispose);
  const out = (name: string) => join(tmp.path, name);

  progress('bundle size: vite build --mode lib, kiosk, app (into a temporary directory)…');
  // With Vite's manifest (written beside the files, which it leaves as they are): which chunk
  // holds the core.
  for (const mode of ['lib', 'kiosk', 'app'] as const) {
    await viteBuild(mode, out(mode), { manifest: true });
  }
  const appRoot = (await projectConfig('app')).root ?? ROOT;
  progress('bundle size: the anchor (bare JsSIP + one LitElement) in lib mode…');
  await viteApiBuild('lib', (c) => ({
    ...c,
    build: {
      ...c.build,
      outDir: out('anchor'),
      emptyOutDir: true,
      // One file, as an embedder bundles bare JsSIP + Lit: not the CDN build's JsSIP chunk.
      rolldownOptions: {
        ...c.build?.rolldownOptions,
        output: { ...anchorOutput(c), codeSplitting: undefined },
      },
      lib: {
        entry: join(ROOT, 'bench/anchor/jssip-lit.ts'),
        formats: ['es'],
        fileName: () => 'jssip-lit.js',
      },
    },
  }));
  progress('bundle size: kiosk and dialer again, with side-effect imports kept…');
  for (const mode of ['kiosk', 'app'] as const) {
    await viteApiBuild(mode, (c) => ({
      ...c,
      plugins: [...(c.plugins ?? []), keepSideEffects()],
      build: { ...c.build, outDir: out(`${mode}-kept`), emptyOutDir: true, manifest: true },
    }));
  }

  const cdnFile = join(out('lib'), 'sip-phone.js');
  const distFile = join(ROOT, 'dist/sip-phone.js');
  const sameAsDist = existsSync(distFile)
    ? readFileSync(distFile).equals(readFileSync(cdnFile))
    : null;
  const cdnGraph = await importGraph(cdnFile);
  const cdnFiles = [...cdnGraph.static, ...cdnGraph.lazy];
  const cdnFirstPaint = group(cdnGraph.static, out('lib'));
  const cdnReadyToCall = await readyGroup(cdnGraph.static, out('lib'), ROOT);
  const cdn = {
    ...group(cdnFiles, out('lib')),
    sameAsDist,
    definesElements: definedElements(cdnFiles),
  };
  const anchor = group([join(out('anchor'), 'jssip-lit.js')], out('anchor'));

  const kioskGraph = await importGraph(join(out('kiosk'), 'sip-call-button.js'));
  const kiosk = {
    firstPaint: group(kioskGraph.static, out('kiosk')),
    lazy: group(kioskGraph.lazy, out('kiosk')),
    definesElements: definedElements([...kioskGraph.static, ...kioskGraph.lazy]),
  };
  const dialerScripts = await pageScripts(join(out('app'), 'index.html'));
  const dialer = {
    firstLoad: await readyGroup(dialerScripts.firstLoad, out('app'), appRoot),
    staticImports: group(dialerScripts.firstLoad, out('app')),
    allJs: group(dialerScripts.all, out('app')),
    definesElements: definedElements(dialerScripts.all),
  };
  const keptKiosk = await importGraph(join(out('kiosk-kept'), 'sip-call-button.js'));
  const keptDialer = await pageScripts(join(out('app-kept'), 'index.html'));
  const kept = {
    kioskFirstPaint: group(keptKiosk.static, out('kiosk-kept')),
    kioskDefinesElements: definedElements([...keptKiosk.static, ...keptKiosk.lazy]),
    dialerFirstLoad: await readyGroup(keptDialer.firstLoad, out('app-kept'), appRoot),
    dialerAllJs: group(keptDialer.all, out('app-kept')),
    dialerDefinesElements: definedElements(keptDialer.all),
  };

  const anchorAttribution = attribute(join(out('anchor'), 'jssip-lit.js'));
  const cdnOverAnchor = overAnchor(
    mergeAttribution(cdnFiles.map((f) => attribute(f))),
    anchorAttribution,
  );
  const readyFiles = cdnReadyToCall.files.map((f) => join(out('lib'), f.file));
  const readyToCallOverAnchor = overAnchor(
    mergeAttribution(readyFiles.map((f) => attribute(f))),
    anchorAttribution,
  );
  const readyGzip = cdnReadyToCall.total.gzip;
  const readyLimit = Math.floor(anchor.total.gzip * BUDGET_READY_VS_ANCHOR);
  const result: BundleSizeResult = {
    ...end(),
    method: {
      builds:
        'vite build --mode lib | kiosk | app with vite.config.ts, into a temporary directory ' +
        '(what npm run build writes to dist/)',
      anchor:
        'bench/anchor/jssip-lit.ts (JsSIP 3.13.8 + one LitElement) built with vite.config.ts’s lib ' +
        'mode, only the entry and output directory changed',
      bundler: 'Vite 8 (Rolldown, Oxc minifier) for both sides',
      gzip: 'zlib gzip level 9',
      brotli: 'zlib brotli quality 11',
      kib: KIB,
      firstPaint:
        'an entry and every chunk it imports statically, transitively (esbuild metafile of ' +
        'the built files); import() targets are "lazy"',
      readyToCall:
        `the entry's first paint ∪ the chunks holding ${READY_LIST} (Vite's build manifest: the ` +
        'chunk whose facade each is) and their static imports, transitively; for the dialer ' +
        'the same from index.html’s module script',
      attribution: 'minified bytes by source file, from each built file’s source map',
    },
    cdn,
    cdnFirstPaint,
    cdnReadyToCall,
    anchor,
    kiosk,
    dialer,
    withSideEffectImportsKept: kept,
    cdnOverAnchor,
    readyToCallOverAnchor,
    ratios: {
      cdnVsAnchor: ratio(cdn.total, anchor.total),
      firstPaintVsAnchor: ratio(cdnFirstPaint.total, anchor.total),
      readyToCallVsAnchor: ratio(cdnReadyToCall.total, anchor.total),
      dialerVsAnchor: ratio(dialer.firstLoad.total, anchor.total),
    },
    budgets: {
      firstPaint: budget(
        `1. first paint of <sip-phone> (dist/sip-phone.js and its static imports) gzip ≤ 16 KiB`,
        cdnFirstPaint.total.gzip,
        BUDGET_FIRST_PAINT_GZIP,
      ),
      readyToCall: {
        ...budget(
          `2. ready to call (first paint + the core chunk and its static imports) gzip ≤ ` +
            `${BUDGET_READY_VS_ANCHOR.toFixed(2)} × the anchor's gzip`,
          readyGzip,
          readyLimit,
        ),
        ratioGzip: round(readyGzip / anchor.total.gzip, 3),
        anchorGzip: anchor.total.gzip,
        limitRatio: BUDGET_READY_VS_ANCHOR,
      },
      dialerFirstLoad: {
        ...budget(
          `4. dialer first load (dist/app/index.html, the page's own code, the core) gzip ≤ ` +
            `ready to call + 10 KiB`,
          dialer.firstLoad.total.gzip,
          readyGzip + BUDGET_DIALER_OVER_READY_GZIP,
        ),
        readyToCallGzip: readyGzip,
        allowanceGzip: BUDGET_DIALER_OVER_READY_GZIP,
      },
      kioskFirstPaint: budget(
        `kiosk first paint gzip ≤ 12 KiB`,
        kiosk.firstPaint.total.gzip,
        BUDGET_KIOSK_FIRST_PAINT_GZIP,
      ),
    },
  };
  await cleanup();
  await emit({
    id: 'bundleSize',
    title: 'Bundle size',
    headline: headline(result),
    tables: tables(result),
    notes: notes(result),
    figures: figures(result),
    result,
  });
}

const kib = (n: number) => `${(n / KIB).toFixed(1)}`;
const x = (n: number) => `×${n.toFixed(2)}`;
/** Bytes with a thin space every three digits: 12 345 B. */
const bytes = (n: number) => `${String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ')} B`;
/** "met, 1 234 B to spare" / "over by 1 234 B". */
const verdict = (b: Budget) =>
  b.met ? `met, ${bytes(b.marginBytes)} to spare` : `NOT met: over by ${bytes(b.overBytes)}`;

function tables(r: BundleSizeResult): Table[] {
  const row = (label: string, s: Sizes, files: number, vs?: Sizes) => [
    label,
    String(files),
    kib(s.min),
    kib(s.gzip),
    kib(s.brotli),
    vs ? `${x(vs.min)} / ${x(vs.gzip)} / ${x(vs.brotli)}` : '—',
  ];
  const k = r.withSideEffectImportsKept;
  const b = r.budgets;
  const sizes: Table = {
    title:
      'Sizes in KiB (files compressed one by one and added up). Ratio to the anchor: min / gzip / brotli.',
    columns: ['bundle', 'files', 'min', 'gzip', 'brotli', 'vs anchor'],
    numeric: [false, true, true, true, true, false],
    rows: [
      row('anchor: bare JsSIP + one LitElement', r.anchor.total, r.anchor.files.length),
      row(
        'dist/sip-phone.js first paint (static imports)',
        r.cdnFirstPaint.total,
        r.cdnFirstPaint.files.length,
        r.ratios.firstPaintVsAnchor,
      ),
      row(
        'dist/sip-phone.js ready to call (+ core chunk graph)',
        r.cdnReadyToCall.total,
        r.cdnReadyToCall.files.length,
        r.ratios.readyToCallVsAnchor,
      ),
      row(
        'dist/sip-phone.js with all its chunks',
        r.cdn.total,
        r.cdn.files.length,
        r.ratios.cdnVsAnchor,
      ),
      row('kiosk first paint', r.kiosk.firstPaint.total, r.kiosk.firstPaint.files.length),
      row('kiosk lazy core (on hover/focus/press)', r.kiosk.lazy.total, r.kiosk.lazy.files.length),
      row(
        'dialer app: index.html first load (+ core chunk graph)',
        r.dialer.firstLoad.total,
        r.dialer.firstLoad.files.length,
        r.ratios.dialerVsAnchor,
      ),
      row(
        'dialer app: index.html static imports only',
        r.dialer.staticImports.total,
        r.dialer.staticImports.files.length,
      ),
      row('dialer app: all JS in dist/app', r.dialer.allJs.total, r.dialer.allJs.files.length),
      row(
        'kiosk first paint, side-effect imports kept',
        k.kioskFirstPaint.total,
        k.kioskFirstPaint.files.length,
      ),
      row(
        'dialer first load, side-effect imports kept',
        k.dialerFirstLoad.total,
        k.dialerFirstLoad.files.length,
      ),
      row(
        'dialer all JS, side-effect imports kept',
        k.dialerAllJs.total,
        k.dialerAllJs.files.length,
      ),
    ],
  };
  const budgetRow = (bu: Budget, figure: string, limit: string) => [
    bu.rule,
    figure,
    limit,
    verdict(bu),
  ];
  const budgets: Table = {
    title: 'Issue 16 budgets (gzip; the anchor rebuilt in this run), and the kiosk’s',
    columns: ['rule', 'figure', 'limit', 'verdict'],
    rows: [
      budgetRow(
        b.firstPaint,
        `${kib(b.firstPaint.gzip)} KiB (${bytes(b.firstPaint.gzip)})`,
        `${bytes(b.firstPaint.limitGzip)}`,
      ),
      budgetRow(
        b.readyToCall,
        `${kib(b.readyToCall.gzip)} KiB (${bytes(b.readyToCall.gzip)}) = ` +
          `${x(b.readyToCall.ratioGzip)} the anchor's ${kib(b.readyToCall.anchorGzip)} KiB`,
        `${bytes(b.readyToCall.limitGzip)} (${x(b.readyToCall.limitRatio)})`,
      ),
      budgetRow(
        b.dialerFirstLoad,
        `${kib(b.dialerFirstLoad.gzip)} KiB (${bytes(b.dialerFirstLoad.gzip)})`,
        `${bytes(b.dialerFirstLoad.limitGzip)} (${bytes(b.dialerFirstLoad.readyToCallGzip)} + ` +
          `${bytes(b.dialerFirstLoad.allowanceGzip)})`,
      ),
      budgetRow(
        b.kioskFirstPaint,
        `${kib(b.kioskFirstPaint.gzip)} KiB (${bytes(b.kioskFirstPaint.gzip)})`,
        `${bytes(b.kioskFirstPaint.limitGzip)}`,
      ),
    ],
  };
  const firstPaint = new Set(r.cdnFirstPaint.files.map((f) => f.file));
  const readyFiles: Table = {
    title: `Ready to call: the files, in KiB (the ready chunks hold ${READY_LIST})`,
    columns: ['file', 'fetched as', 'min', 'gzip', 'brotli'],
    numeric: [false, false, true, true, true],
    rows: r.cdnReadyToCall.files.map((f) => [
      f.file,
      firstPaint.has(f.file)
        ? 'first paint (static)'
        : r.cdnReadyToCall.readyChunks.includes(f.file)
          ? 'ready chunk (fetched at once)'
          : 'a ready chunk’s static import',
      kib(f.min),
      kib(f.gzip),
      kib(f.brotli),
    ]),
  };
  const contrib = (title: string, list: Contribution[] | undefined): Table => ({
    title,
    columns: ['origin', 'min KiB', '%'],
    numeric: [false, true, true],
    rows: (list ?? []).map((c) => [c.name, kib(c.bytes), c.pct.toFixed(1)]),
  });
  return [
    sizes,
    budgets,
    readyFiles,
    contrib(
      'Ready to call: top source files (minified bytes, source map)',
      r.cdnReadyToCall.topFiles,
    ),
    contrib(
      'Ready to call: the project’s own source files with the most bytes (minified; % of the set)',
      r.cdnReadyToCall.topOwnFiles,
    ),
    contrib(
      'Ready to call by package / area (minified bytes, source map)',
      r.cdnReadyToCall.topPackages,
    ),
    contrib('The anchor by package (minified bytes, source map)', r.anchor.topPackages),
    contrib(
      'What ready to call has over the anchor, by package / area (minified bytes; % of the excess)',
      r.readyToCallOverAnchor,
    ),
    contrib(
      'dist/sip-phone.js first paint: top source files (minified bytes, source map)',
      r.cdnFirstPaint.topFiles,
    ),
    contrib('dist/sip-phone.js with all its chunks by package / area', r.cdn.topPackages),
    contrib(
      'What dist/sip-phone.js with all its chunks has over the anchor, by package / area (% of the excess)',
      r.cdnOverAnchor,
    ),
    contrib(
      `Kiosk first paint (${r.kiosk.firstPaint.files.map((f) => f.file).join(', ')}): top source files`,
      r.kiosk.firstPaint.topFiles,
    ),
  ];
}

function notes(r: BundleSizeResult): string[] {
  const b = r.budgets;
  const k = r.withSideEffectImportsKept;
  const out = [
    loadNote(r),
    `Budget ${b.firstPaint.rule}: ${kib(b.firstPaint.gzip)} KiB: ${verdict(b.firstPaint)}.`,
    `Budget ${b.readyToCall.rule}: ${kib(b.readyToCall.gzip)} KiB vs ` +
      `${kib(b.readyToCall.anchorGzip)} KiB = ${x(b.readyToCall.ratioGzip)} (limit ` +
      `${kib(b.readyToCall.limitGzip)} KiB): ${verdict(b.readyToCall)}.`,
    `Budget ${b.dialerFirstLoad.rule}: ${kib(b.dialerFirstLoad.gzip)} KiB (limit ` +
      `${kib(b.dialerFirstLoad.limitGzip)} KiB): ${verdict(b.dialerFirstLoad)}.`,
    `Budget ${b.kioskFirstPaint.rule}: ${kib(b.kioskFirstPaint.gzip)} KiB: ` +
      `${verdict(b.kioskFirstPaint)}.`,
    `Ready to call = first paint (${r.cdnFirstPaint.files.map((f) => f.file).join(', ')}) + ` +
      `${r.cdnReadyToCall.coreFiles.join(', ')} (the chunks holding ${READY_LIST}: ` +
      `${r.cdnReadyToCall.readyChunks.join(', ')}, found in Vite's build manifest, and their static imports). ` +
      `Dialer first load = index.html's module script and its static imports ` +
      `(${kib(r.dialer.staticImports.total.gzip)} KiB gzip) + ${r.dialer.firstLoad.coreFiles.join(', ')}.`,
    `Kiosk first paint = ${r.kiosk.firstPaint.files.map((f) => `${f.file} (${kib(f.gzip)} KiB gzip)`).join(' + ')}; ` +
      `lazy: ${r.kiosk.lazy.files.map((f) => f.file).join(', ') || 'none'}. ` +
      `Elements the kiosk build defines: ${r.kiosk.definesElements.join(', ') || 'none'}.`,
    `Elements the dialer build (dist/app) defines: ${r.dialer.definesElements.join(', ') || 'NONE'}.`,
  ];
  if (r.dialer.definesElements.length === 0 || !r.kiosk.definesElements.includes('sip-dialpad')) {
    out.push(
      `Side-effect imports dropped: package.json "sideEffects" names only dist/ files, so Vite ` +
        `treats the source modules as side-effect free and drops bare imports of them — ` +
        (r.dialer.definesElements.length === 0
          ? `the dialer's \`import '../../components/index.js'\` (dist/app defines no element at all), `
          : '') +
        (!r.kiosk.definesElements.includes('sip-dialpad')
          ? `the kiosk's \`import '../sip-dialpad/sip-dialpad.js'\` (no <sip-dialpad> for its keypad). `
          : '') +
        `Rebuilt with those modules marked as having side effects (bench only, product unchanged): ` +
        `kiosk first paint ${kib(k.kioskFirstPaint.total.gzip)} KiB gzip (defines ` +
        `${k.kioskDefinesElements.join(', ') || 'none'}); dialer first load ` +
        `${kib(k.dialerFirstLoad.total.gzip)} KiB gzip, all JS ${kib(k.dialerAllJs.total.gzip)} KiB ` +
        `(defines ${k.dialerDefinesElements.join(', ') || 'none'}).`,
    );
  }
  if (r.cdn.sameAsDist === false) {
    out.push(
      'dist/sip-phone.js differs from this build of the current sources: dist/ is stale (run npm run build).',
    );
  }
  return out;
}

/** Issue 16's size figures, each with its anchor, for `npm run bench`'s closing table. */
function figures(r: BundleSizeResult): KeyFigure[] {
  const b = r.budgets;
  const status = (bu: Budget) => (bu.met ? 'met' : `over by ${bytes(bu.overBytes)}`);
  return [
    {
      name: '1. First paint of <sip-phone> (gzip)',
      value: `${kib(b.firstPaint.gzip)} KiB`,
      anchor: '—',
      budget: `≤ 16 KiB: ${status(b.firstPaint)}`,
      met: b.firstPaint.met,
    },
    {
      name: '2. Ready to call (gzip)',
      value: `${kib(b.readyToCall.gzip)} KiB (${x(b.readyToCall.ratioGzip)})`,
      anchor: `bare JsSIP + one LitElement ${kib(b.readyToCall.anchorGzip)} KiB`,
      budget: `≤ ${x(b.readyToCall.limitRatio)} (${kib(b.readyToCall.limitGzip)} KiB): ${status(b.readyToCall)}`,
      met: b.readyToCall.met,
    },
    {
      name: '4. Dialer first load (gzip)',
      value: `${kib(b.dialerFirstLoad.gzip)} KiB`,
      anchor: `ready to call ${kib(b.dialerFirstLoad.readyToCallGzip)} KiB`,
      budget: `≤ + 10 KiB (${kib(b.dialerFirstLoad.limitGzip)} KiB): ${status(b.dialerFirstLoad)}`,
      met: b.dialerFirstLoad.met,
    },
  ];
}

function headline(r: BundleSizeResult): string {
  const b = r.budgets;
  const v = (bu: Budget) => (bu.met ? 'met' : 'NOT met');
  return (
    `Bundle (gzip): <sip-phone> first paint ${kib(b.firstPaint.gzip)} KiB (≤ 16: ` +
    `${v(b.firstPaint)}); ready to call ${kib(b.readyToCall.gzip)} KiB = ` +
    `${x(b.readyToCall.ratioGzip)} the bare JsSIP + Lit anchor (${kib(b.readyToCall.anchorGzip)} KiB; ` +
    `≤ ${x(b.readyToCall.limitRatio)}: ${v(b.readyToCall)}); dialer first load ` +
    `${kib(b.dialerFirstLoad.gzip)} KiB (≤ ready + 10: ${v(b.dialerFirstLoad)}); kiosk first paint ` +
    `${kib(b.kioskFirstPaint.gzip)} KiB (≤ 12: ${v(b.kioskFirstPaint)})` +
    (r.dialer.definesElements.length === 0 ? '; the dialer without its elements: see notes.' : '.')
  );
}

runMain('bundle-size', main);
