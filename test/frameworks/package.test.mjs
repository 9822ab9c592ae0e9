// The package as npm would publish it (`npm pack --dry-run`, after `npm run build`): what is in
// it, that every `exports` entry points at a file that is in it, with its types, and the framework
// entries' dependency rules. Also the walls: nothing in components/ or src/ imports the framework
// entries, and their tables agree with custom-elements.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
let packed;

/** The paths `npm pack` would ship (asked once); needs the build. */
function packedFiles() {
  assert.ok(
    existsSync(join(root, 'dist/sip-phone.js')) && existsSync(join(root, 'dist/lib')),
    'dist/ is not built: run `npm run build` first',
  );
  if (!packed) {
    const [result] = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
        cwd: root,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    packed = new Set(result.files.map((file) => file.path));
  }
  return packed;
}

test('npm pack: no tests, sandbox, bench, pages, scripts or TypeScript sources; the built entries, theme and manifest are in', () => {
  const files = packedFiles();
  const forbidden = [...files].filter(
    (path) =>
      /^(test|sandbox|bench|app|docs|scripts|src|components|public\/(?!theme\.css$))\b/.test(
        path,
      ) ||
      /^dist\/app\//.test(path) ||
      /\.test\.|(^|\/)test-artifacts\//.test(path),
  );
  assert.deepEqual(forbidden, []);
  for (const path of [
    'package.json',
    'README.md',
    'dist/sip-phone.js',
    'dist/kiosk/sip-call-button.js',
    'public/theme.css',
    'custom-elements.json',
  ])
    assert.ok(files.has(path), `${path} is packed`);
});

test('every exports entry is packed, and every JavaScript entry has its .d.ts packed too', () => {
  const files = packedFiles();
  const missing = [];
  for (const [entry, target] of Object.entries(pkg.exports)) {
    const { types, default: main } = typeof target === 'string' ? { default: target } : target;
    const file = main.replace(/^\.\//, '');
    if (!files.has(file)) missing.push(`${entry}: ${file}`);
    if (!file.endsWith('.js')) continue;
    if (!types) missing.push(`${entry}: no types`);
    else if (!files.has(types.replace(/^\.\//, ''))) missing.push(`${entry}: ${types}`);
  }
  assert.deepEqual(missing, []);
});

test('sip-phone/react is an entry; React and @lit/react are optional peers, needed by no other entry; lit is a dependency', () => {
  const files = packedFiles();
  assert.deepEqual(Object.keys(pkg.exports['./react']), ['types', 'default']);
  assert.ok(files.has('dist/lib/components/react/index.js'));
  assert.ok(files.has('dist/lib/components/react/index.d.ts'));
  for (const name of ['react', '@lit/react', 'vue']) {
    assert.ok(pkg.peerDependencies[name], `${name} is a peer dependency`);
    assert.equal(pkg.peerDependenciesMeta[name]?.optional, true, `${name} is optional`);
    assert.equal(pkg.dependencies[name], undefined, `${name} is not a dependency`);
  }
  assert.ok(pkg.dependencies.lit);
  assert.equal(pkg.private, undefined, 'publishable: not private');
  // Only the framework entries' built files name react, @lit/react or vue.
  const framework = /^dist\/lib\/components\/(react|frameworks)\//;
  const naming = [...files].filter(
    (path) =>
      /\.(js|d\.ts)$/.test(path) &&
      !framework.test(path) &&
      /from\s*["'](react|react-dom|@lit\/react|vue)["'/]/.test(
        readFileSync(join(root, path), 'utf8'),
      ),
  );
  assert.deepEqual(naming, []);
});

test('imports point down: nothing in components/ or src/ imports components/react/ or components/frameworks/', () => {
  const sources = (dir) =>
    readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
      .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'));
  const offenders = [...sources('components'), ...sources('src')]
    .filter((path) => !/^components\/(react|frameworks)\//.test(path))
    .filter((path) =>
      /from\s*["'][^"']*\/(react|frameworks)\/[^"']*["']|from\s*["'](react|@lit\/react|vue)["']/.test(
        readFileSync(join(root, path), 'utf8'),
      ),
    );
  assert.deepEqual(offenders, []);
});

test('the framework tables agree with custom-elements.json: every settable property and every @fires event of each element', async () => {
  const { sipElementProps, sipElementEvents } = await tsImport(
    '../../components/frameworks/elements.ts',
    import.meta.url,
  );
  const manifest = JSON.parse(readFileSync(join(root, 'custom-elements.json'), 'utf8'));
  const elements = manifest.modules
    .flatMap((module) => module.declarations ?? [])
    .filter((declaration) => declaration.customElement && declaration.tagName?.startsWith('sip-'));
  assert.deepEqual(
    elements.map((element) => element.tagName).sort(),
    Object.keys(sipElementProps).sort(),
  );
  // Written by the element, not by a page.
  const outputs = { 'sip-self-test': ['report'] };
  for (const element of elements) {
    const settable = (element.members ?? [])
      .filter(
        (member) =>
          member.kind === 'field' &&
          !member.static &&
          !member.readonly &&
          (member.privacy ?? 'public') === 'public' &&
          !(outputs[element.tagName] ?? []).includes(member.name),
      )
      .map((member) => member.name);
    assert.deepEqual(
      [...sipElementProps[element.tagName]].sort(),
      settable.sort(),
      `${element.tagName} properties`,
    );
    assert.deepEqual(
      [...sipElementEvents[element.tagName]],
      (element.events ?? []).map((event) => event.name),
      `${element.tagName} events`,
    );
  }
});
