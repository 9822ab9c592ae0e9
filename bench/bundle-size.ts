// Benchmark: bundle sizes (issue 8) — minified, gzip and brotli — of the CDN file
// (dist/sip-phone.js), of what the kiosk button needs for its first paint
// (dist/kiosk/sip-call-button.js and the chunks it imports statically; not the phone core it
// imports lazily), and of the dialer app (dist/app/), beside an anchor built the same way in the
// same run: bare JsSIP + one minimal LitElement (bench/anchor/jssip-lit.ts) through
// vite.config.ts's lib mode (same bundler, same minifier, same target).
//
// Everything is built afresh from the current sources into a temporary directory with the
// project's own Vite configuration (the modes `npm run build` runs); dist/ is left alone and only
// compared. Sizes are deterministic: one build each.
//
//   node --import tsx bench/bundle-size.ts     (alone; `npm run bench` runs it too)
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ConfigEnv, Plugin, UserConfig } from 'vite';
import {
  attribute,
  importGraph,
  sizesOf,
  sumSizes,
  type Contribution,
  type Sizes,
} from './lib/bundle.js';
import { tempDir, viteBuild, type ViteMode } from './lib/build.js';
import { cleanup, installStopHandlers, onCleanup, runMain } from './lib/harness.js';
import { beginRun, loadNote, type RunMeta } from './lib/meta.js';
import { emit, progress, type Table } from './lib/report.js';
import { ROOT } from './lib/sandbox-process.js';
import { round } from './lib/stats.js';

const KIB = 1024;
/** Budgets of issue 8. */
const BUDGET_CDN_VS_ANCHOR = 1.15;
const BUDGET_KIOSK_FIRST_PAINT_GZIP = 12 * KIB;
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

export interface BundleSizeResult extends RunMeta {
  method: {
    builds: string;
    anchor: string;
    bundler: string;
    gzip: string;
    brotli: string;
    kib: number;
    firstPaint: string;
    attribution: string;
  };
  /** dist/sip-phone.js with every chunk it may import (static and lazy). */
  cdn: Group & { sameAsDist: boolean | null; definesElements: string[] };
  /** What a page fetches before the elements paint: dist/sip-phone.js and its static imports. */
  cdnFirstPaint: Group;
  anchor: Group;
  kiosk: { firstPaint: Group; lazy: Group; definesElements: string[] };
  dialer: {
    firstLoad: Group;
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
  ratios: {
    cdnVsAnchor: Sizes;
    /** Dialer (first load) ÷ anchor. */
    dialerVsAnchor: Sizes;
  };
  budgets: {
    cdn: {
      rule: string;
      ratioGzip: number;
      limitGzip: number;
      gzip: number;
      overBytes: number;
      met: boolean;
    };
    kioskFirstPaint: {
      rule: string;
      limitGzip: number;
      gzip: number;
      overBytes: number;
      met: boolean;
    };
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
  for (const mode of ['lib', 'kiosk', 'app'] as const) await viteBuild(mode, out(mode));
  progress('bundle size: the anchor (bare JsSIP + one LitElement) in lib mode…');
  await viteApiBuild('lib', (c) => ({
    ...c,
    build: {
      ...c.build,
      outDir: out('anchor'),
      emptyOutDir: true,
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
      build: { ...c.build, outDir: out(`${mode}-kept`), emptyOutDir: true },
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
    firstLoad: group(dialerScripts.firstLoad, out('app')),
    allJs: group(dialerScripts.all, out('app')),
    definesElements: definedElements(dialerScripts.all),
  };
  const keptKiosk = await importGraph(join(out('kiosk-kept'), 'sip-call-button.js'));
  const keptDialer = await pageScripts(join(out('app-kept'), 'index.html'));
  const kept = {
    kioskFirstPaint: group(keptKiosk.static, out('kiosk-kept')),
    kioskDefinesElements: definedElements([...keptKiosk.static, ...keptKiosk.lazy]),
    dialerFirstLoad: group(keptDialer.firstLoad, out('app-kept')),
    dialerAllJs: group(keptDialer.all, out('app-kept')),
    dialerDefinesElements: definedElements(keptDialer.all),
  };

  const cdnAttribution = mergeAttribution(cdnFiles.map((f) => attribute(f)));
  const anchorAttribution = attribute(join(out('anchor'), 'jssip-lit.js'));
  let cdnOverAnchor: Contribution[] | undefined;
  if (cdnAttribution && anchorAttribution) {
    const base = new Map(anchorAttribution.packages.map((c) => [c.name, c.bytes]));
    const extra = cdnAttribution.packages
      .map((c) => ({ name: c.name, bytes: c.bytes - (base.get(c.name) ?? 0) }))
      .filter((c) => c.bytes >= 64);
    const total = extra.reduce((a, c) => a + c.bytes, 0);
    cdnOverAnchor = extra
      .map((c) => ({ ...c, pct: round((c.bytes / total) * 100, 1) }))
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, TOP);
  }
  const cdnLimit = Math.floor(anchor.total.gzip * BUDGET_CDN_VS_ANCHOR);
  const kioskGzip = kiosk.firstPaint.total.gzip;
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
        'the kiosk entry and every chunk it imports statically, transitively (esbuild metafile of ' +
        'the built files); import() targets are "lazy"',
      attribution: 'minified bytes by source file, from each built file’s source map',
    },
    cdn,
    cdnFirstPaint,
    anchor,
    kiosk,
    dialer,
    withSideEffectImportsKept: kept,
    cdnOverAnchor,
    ratios: {
      cdnVsAnchor: ratio(cdn.total, anchor.total),
      dialerVsAnchor: ratio(dialer.firstLoad.total, anchor.total),
    },
    budgets: {
      cdn: {
        rule: `dist/sip-phone.js gzip ≤ ${BUDGET_CDN_VS_ANCHOR} × the anchor's gzip`,
        ratioGzip: round(cdn.total.gzip / anchor.total.gzip, 3),
        limitGzip: cdnLimit,
        gzip: cdn.total.gzip,
        overBytes: Math.max(0, cdn.total.gzip - cdnLimit),
        met: cdn.total.gzip <= cdnLimit,
      },
      kioskFirstPaint: {
        rule: `kiosk first paint gzip ≤ 12 KiB (${BUDGET_KIOSK_FIRST_PAINT_GZIP} B)`,
        limitGzip: BUDGET_KIOSK_FIRST_PAINT_GZIP,
        gzip: kioskGzip,
        overBytes: Math.max(0, kioskGzip - BUDGET_KIOSK_FIRST_PAINT_GZIP),
        met: kioskGzip <= BUDGET_KIOSK_FIRST_PAINT_GZIP,
      },
    },
  };
  await cleanup();
  await emit({
    id: 'bundleSize',
    title: 'Bundle size',
    headline: headline(result),
    tables: tables(result),
    notes: notes(result),
    result,
  });
}

const kib = (n: number) => `${(n / KIB).toFixed(1)}`;
const x = (n: number) => `×${n.toFixed(2)}`;

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
  const sizes: Table = {
    title:
      'Sizes in KiB (files compressed one by one and added up). Ratio to the anchor: min / gzip / brotli.',
    columns: ['bundle', 'files', 'min', 'gzip', 'brotli', 'vs anchor'],
    numeric: [false, true, true, true, true, false],
    rows: [
      row('anchor: bare JsSIP + one LitElement', r.anchor.total, r.anchor.files.length),
      row(
        'dist/sip-phone.js with all its chunks',
        r.cdn.total,
        r.cdn.files.length,
        r.ratios.cdnVsAnchor,
      ),
      row(
        'dist/sip-phone.js first paint (static imports)',
        r.cdnFirstPaint.total,
        r.cdnFirstPaint.files.length,
      ),
      row('kiosk first paint', r.kiosk.firstPaint.total, r.kiosk.firstPaint.files.length),
      row('kiosk lazy core (on hover/focus/press)', r.kiosk.lazy.total, r.kiosk.lazy.files.length),
      row(
        'dialer app: index.html first load',
        r.dialer.firstLoad.total,
        r.dialer.firstLoad.files.length,
        r.ratios.dialerVsAnchor,
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
  const contrib = (title: string, list: Contribution[] | undefined): Table => ({
    title,
    columns: ['origin', 'min KiB', '%'],
    numeric: [false, true, true],
    rows: (list ?? []).map((c) => [c.name, kib(c.bytes), c.pct.toFixed(1)]),
  });
  return [
    sizes,
    contrib('dist/sip-phone.js by package / area (minified bytes, source map)', r.cdn.topPackages),
    contrib('The anchor by package (minified bytes, source map)', r.anchor.topPackages),
    contrib(
      'What dist/sip-phone.js has over the anchor, by package / area (minified bytes; % of the excess)',
      r.cdnOverAnchor,
    ),
    contrib(
      `Kiosk first paint (${r.kiosk.firstPaint.files.map((f) => f.file).join(', ')}): top source files`,
      r.kiosk.firstPaint.topFiles,
    ),
    contrib('dist/sip-phone.js: top source files', r.cdn.topFiles),
  ];
}

function notes(r: BundleSizeResult): string[] {
  const b = r.budgets;
  const k = r.withSideEffectImportsKept;
  const verdict = (met: boolean) => (met ? 'met' : 'NOT met');
  const out = [
    loadNote(r),
    `Budget: ${b.cdn.rule}: ${kib(b.cdn.gzip)} KiB vs ${kib(r.anchor.total.gzip)} KiB = ` +
      `${x(b.cdn.ratioGzip)} (limit ${kib(b.cdn.limitGzip)} KiB): ${verdict(b.cdn.met)}` +
      (b.cdn.met ? '.' : `, ${kib(b.cdn.overBytes)} KiB gzip over.`),
    `Budget: ${b.kioskFirstPaint.rule}: ${kib(b.kioskFirstPaint.gzip)} KiB: ` +
      `${verdict(b.kioskFirstPaint.met)}` +
      (b.kioskFirstPaint.met ? '.' : `, ${kib(b.kioskFirstPaint.overBytes)} KiB gzip over.`),
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

function headline(r: BundleSizeResult): string {
  const b = r.budgets;
  return (
    `Bundle: dist/sip-phone.js ${kib(r.cdn.total.gzip)} KiB gzip = ${x(b.cdn.ratioGzip)} the bare ` +
    `JsSIP + Lit anchor (${kib(r.anchor.total.gzip)} KiB; budget ×${BUDGET_CDN_VS_ANCHOR}: ` +
    `${b.cdn.met ? 'met' : 'NOT met'}); kiosk first paint ${kib(b.kioskFirstPaint.gzip)} KiB gzip ` +
    `(budget 12: ${b.kioskFirstPaint.met ? 'met' : 'NOT met'}); dialer first load ` +
    `${kib(r.dialer.firstLoad.total.gzip)} KiB gzip` +
    (r.dialer.definesElements.length === 0 ? ' (without its elements: see notes).' : '.')
  );
}

runMain('bundle-size', main);
