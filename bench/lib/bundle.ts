// Bundle figures: a file's size minified, gzip'd and brotli'd; the static import graph of built ES
// modules (what a page must fetch before it runs, as opposed to what it imports lazily); and which
// source modules the minified bytes come from (read from the source map).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { ROOT } from './sandbox-process.js';

export interface Sizes {
  /** Bytes as built (minified). */
  min: number;
  /** gzip, level 9. */
  gzip: number;
  /** brotli, quality 11. */
  brotli: number;
}

export function sizesOf(buf: Buffer): Sizes {
  return {
    min: buf.length,
    gzip: gzipSync(buf, { level: 9 }).length,
    brotli: brotliCompressSync(buf, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_SIZE_HINT]: buf.length,
      },
    }).length,
  };
}

/** Files fetched separately are compressed separately: their sizes add up. */
export function sumSizes(list: Sizes[]): Sizes {
  return list.reduce(
    (a, s) => ({ min: a.min + s.min, gzip: a.gzip + s.gzip, brotli: a.brotli + s.brotli }),
    {
      min: 0,
      gzip: 0,
      brotli: 0,
    },
  );
}

export interface ImportGraph {
  /** The entry and every file it imports statically, transitively (absolute paths). */
  static: string[];
  /** Files imported only through import() from those (loaded later, on demand). */
  lazy: string[];
}

/**
 * The import graph of built ES modules, parsed by esbuild (its metafile lists each file's imports
 * and their kind): static imports and re-exports are fetched before the entry runs; `import()`
 * is fetched when it is called.
 */
export async function importGraph(entry: string): Promise<ImportGraph> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    splitting: true,
    format: 'esm',
    write: false,
    metafile: true,
    outdir: join(dirname(entry), '.graph'),
    absWorkingDir: ROOT,
    logLevel: 'silent',
  });
  const inputs = result.metafile!.inputs;
  const key = (file: string) => relative(ROOT, file);
  const abs = (k: string) => resolve(ROOT, k);
  const seen = new Set<string>([key(entry)]);
  const queue = [key(entry)];
  const dynamic = new Set<string>();
  while (queue.length > 0) {
    const k = queue.pop()!;
    for (const imp of inputs[k]?.imports ?? []) {
      if (imp.external) continue;
      if (imp.kind === 'dynamic-import') dynamic.add(imp.path);
      else if (
        (imp.kind === 'import-statement' || imp.kind === 'require-call') &&
        !seen.has(imp.path)
      ) {
        seen.add(imp.path);
        queue.push(imp.path);
      }
    }
  }
  // Lazy: what the dynamic imports reach, with everything those chunks import in turn.
  const lazy = new Set<string>();
  const more = [...dynamic].filter((k) => !seen.has(k));
  while (more.length > 0) {
    const k = more.pop()!;
    if (seen.has(k) || lazy.has(k)) continue;
    lazy.add(k);
    for (const imp of inputs[k]?.imports ?? []) if (!imp.external) more.push(imp.path);
  }
  return { static: [...seen].map(abs), lazy: [...lazy].map(abs) };
}

/** One chunk of Vite's build manifest (`build.manifest`, `vite build --manifest`). */
interface ManifestChunk {
  file: string;
  /** The chunk's facade module, relative to the build's root; absent for shared chunks. */
  src?: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
}

/** JS files under `dir` (absolute), recursively; `.vite/` and source maps left out. */
function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return d.name === '.vite' ? [] : jsFiles(path);
    return d.name.endsWith('.js') ? [path] : [];
  });
}

/**
 * The built file (absolute) of the chunk that holds the source module `source` (a path relative to
 * the project root, e.g. `src/phone.ts`) in the build written to `outDir`: the manifest entry whose
 * facade is that module (Vite writes one for every entry and every `import()` target; `root` is the
 * build's root, which the manifest's paths are relative to), or else the chunk whose source map
 * lists it. Undefined when no chunk holds it.
 */
export function chunkOf(outDir: string, root: string, source: string): string | undefined {
  const wanted = resolve(ROOT, source);
  const manifestFile = join(outDir, '.vite/manifest.json');
  if (existsSync(manifestFile)) {
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<
      string,
      ManifestChunk
    >;
    const hit = Object.values(manifest).find((c) => c.src && resolve(root, c.src) === wanted);
    if (hit) return join(outDir, hit.file);
  }
  for (const file of jsFiles(outDir)) {
    const mapFile = `${file}.map`;
    if (!existsSync(mapFile)) continue;
    const map = JSON.parse(readFileSync(mapFile, 'utf8')) as {
      sources: string[];
      sourceRoot?: string;
    };
    if (map.sources.some((s) => resolve(dirname(mapFile), map.sourceRoot ?? '', s) === wanted)) {
      return file;
    }
  }
  return undefined;
}

/**
 * The source modules whose chunks a page fetches at once besides its first paint, before the first
 * REGISTER can leave: the phone core (with JsSIP), and what `<sip-phone>` does (its body; the element
 * paints its idle card without it). A build that does not split one of them out holds it in a chunk
 * already counted.
 */
export const READY_SOURCES = ['src/phone.ts', 'components/sip-phone/sip-phone-body.ts'] as const;

/**
 * What a page fetches before the first REGISTER can leave: the entry's static import graph (its
 * first paint) and the chunks `readyChunks` (the core's, the phone body's) with their own static
 * imports, transitively (absolute paths, the entry's graph first, no file twice).
 */
export async function readyToCallFiles(
  entryStatic: string[],
  readyChunks: readonly string[],
): Promise<string[]> {
  const graphs = await Promise.all(readyChunks.map((chunk) => importGraph(chunk)));
  return [...new Set([...entryStatic, ...graphs.flatMap((g) => g.static)])];
}

export interface Contribution {
  /** A source file relative to the project root, or a package (`node_modules/jssip`). */
  name: string;
  /** Minified bytes the source map attributes to it. */
  bytes: number;
  /** Share of the file's bytes, %. */
  pct: number;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const VLQ = new Map([...BASE64].map((c, i) => [c, i]));

/** Decode one source-map segment (base64 VLQ) into its numbers. */
function decodeSegment(segment: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const c of segment) {
    const digit = VLQ.get(c);
    if (digit === undefined) break;
    value += (digit & 31) << shift;
    if (digit & 32) shift += 5;
    else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

/**
 * The package a source belongs to (`node_modules/lit-html`), or for the project's own files its
 * area: the directory (`src/`, `src/i18n/`, `components/`).
 */
function packageOf(file: string): string {
  const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (m) return `node_modules/${m[1]}`;
  if (file.startsWith('(')) return file;
  if (file.startsWith('src/i18n/')) return 'src/i18n/';
  const dir = /^([^/]+)\//.exec(file);
  return dir ? `${dir[1]}/` : file;
}

/**
 * Which sources the bytes of a built file come from, by its source map: each mapped segment of
 * generated code counts for its source, up to the next segment (UTF-8 bytes). Unmapped bytes
 * (the bundler's own glue) count as `(unmapped)`.
 */
export function attribute(
  file: string,
): { files: Contribution[]; packages: Contribution[] } | undefined {
  const mapFile = `${file}.map`;
  if (!existsSync(mapFile)) return undefined;
  const map = JSON.parse(readFileSync(mapFile, 'utf8')) as {
    sources: string[];
    sourceRoot?: string;
    mappings: string;
  };
  // A package's file is named from its (first) node_modules/ on, wherever that folder is (a
  // symlinked or hoisted node_modules outside the project gives `../../…/node_modules/…`).
  const sources = map.sources.map((s) => {
    const path = relative(ROOT, resolve(dirname(mapFile), map.sourceRoot ?? '', s)).replace(
      /\\/g,
      '/',
    );
    const at = path.indexOf('node_modules/');
    return at > 0 && path[at - 1] === '/' ? path.slice(at) : path;
  });
  const code = readFileSync(file, 'utf8').split('\n');
  const bytes = new Map<string, number>();
  const add = (name: string, n: number) => bytes.set(name, (bytes.get(name) ?? 0) + n);
  let source = 0;
  const lines = map.mappings.split(';');
  for (let li = 0; li < code.length; li++) {
    const text = code[li]!;
    const segments = (lines[li] ?? '').split(',').filter((s) => s !== '');
    let col = 0;
    const points: Array<{ col: number; source: number | undefined }> = [];
    for (const seg of segments) {
      const v = decodeSegment(seg);
      col += v[0] ?? 0;
      if (v.length >= 4) {
        source += v[1]!;
        points.push({ col, source });
      } else points.push({ col, source: undefined });
    }
    const lineBytes = (from: number, to: number) => Buffer.byteLength(text.slice(from, to));
    if (points.length === 0 || points[0]!.col > 0)
      add('(unmapped)', lineBytes(0, points[0]?.col ?? text.length));
    for (let i = 0; i < points.length; i++) {
      const p = points[i]!;
      const end = points[i + 1]?.col ?? text.length;
      add(
        p.source === undefined ? '(unmapped)' : (sources[p.source] ?? '(unknown)'),
        lineBytes(p.col, end),
      );
    }
    // The newline itself.
    if (li < code.length - 1) add('(unmapped)', 1);
  }
  const total = [...bytes.values()].reduce((a, b) => a + b, 0);
  const list = (m: Map<string, number>): Contribution[] =>
    [...m.entries()]
      .map(([name, n]) => ({
        name,
        bytes: n,
        pct: total > 0 ? Math.round((n / total) * 1000) / 10 : 0,
      }))
      .sort((a, b) => b.bytes - a.bytes);
  const packages = new Map<string, number>();
  for (const [name, n] of bytes) {
    const p = packageOf(name);
    packages.set(p, (packages.get(p) ?? 0) + n);
  }
  return { files: list(bytes), packages: list(packages) };
}
