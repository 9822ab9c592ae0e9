// The package's public entry points (package.json "exports") exist after `npm run build`, and the
// framework-free core loads in Node by its own name. (npm test builds before the Node tests.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  exports: Record<string, string | { types: string; default: string }>;
  sideEffects: string[];
  customElements: string;
};

test('every export in package.json points at a built file, with its types', () => {
  for (const [name, target] of Object.entries(pkg.exports)) {
    const files = typeof target === 'string' ? [target] : [target.types, target.default];
    for (const file of files)
      assert.ok(existsSync(join(root, file)), `${name} → ${file} is missing`);
  }
  assert.ok(existsSync(join(root, pkg.customElements)), 'custom-elements.json is generated');
});

test('the core loads by its package name, without a DOM', async () => {
  // (Typed locally: the sandbox's Node typecheck does not include the browser core.)
  // A computed specifier: the typecheck runs before the build that creates dist/lib.
  const specifier = 'sip-phone/core';
  const core = (await import(specifier)) as {
    Phone: unknown;
    parseDialString(input: string, options: { domain: string }): { uri: string };
    describeStatus(status: number, context?: string, lang?: string): { title: string };
  };
  assert.equal(typeof core.Phone, 'function');
  assert.equal(
    core.parseDialString('+1 (555) 010-0000', { domain: 'example.com' }).uri,
    'sip:+15550100000@example.com',
  );
  assert.notEqual(core.describeStatus(486, 'call', 'de').title, core.describeStatus(486).title);
});

test('the custom elements manifest documents every element', () => {
  const manifest = JSON.parse(readFileSync(join(root, pkg.customElements), 'utf8')) as {
    modules: Array<{ declarations?: Array<{ tagName?: string; customElement?: boolean }> }>;
  };
  const tags = manifest.modules.flatMap((m) =>
    (m.declarations ?? []).filter((d) => d.customElement).map((d) => d.tagName),
  );
  for (const tag of [
    'sip-phone',
    'sip-call-button',
    'sip-dialpad',
    'sip-call-banner',
    'sip-call-history',
    'sip-device-settings',
    'sip-self-test',
  ]) {
    assert.ok(tags.includes(tag), `${tag} in custom-elements.json`);
  }
});
