// The framework type declarations as a React or Vue user's compiler sees them: small TSX files
// and Vue single-file components, written to a folder inside the package (so `sip-phone/react`,
// `sip-phone/jsx` and `sip-phone/vue` resolve through the package's `exports` to the .d.ts files
// `npm run build` put in dist/lib), compiled by `tsc` and `vue-tsc`. Each `ok-*` file must compile
// clean; each `bad-*` file holds one mistake and must fail with the expected error, on the marked
// line. Hyphenated JSX attributes (`auth-usr="…"`) are not in the table: TypeScript lets any
// hyphenated JSX attribute through, whatever the types say.
// Needs `npm run build` first (`npm test` runs it before this file).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

const COMPILER_OPTIONS = {
  target: 'ES2022',
  module: 'ESNext',
  moduleResolution: 'bundler',
  lib: ['ES2023', 'DOM', 'DOM.Iterable'],
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  types: [],
};

const WRAPPERS = `import {
  SipPhone, SipDialpad, SipCallBanner, SipCallHistory, SipDeviceSettings, SipCallButton, SipSelfTest,
} from 'sip-phone/react';`;
const TAGS = `import type {} from 'sip-phone/jsx';`;

/** The React cases: file name → [source, expected error code or undefined]. The mistake is on the `// ✗` line. */
const REACT_CASES = {
  'ok-wrappers.tsx': [
    `${WRAPPERS}
import type { CallState, QualityIssue, RegistrationState, SelfTestReport } from 'sip-phone';
const states: CallState[] = [];
export const page = (
  <>
    <SipPhone
      server="wss://sip.example.com/ws"
      uri="sip:alice@example.com"
      history
      rejectStatus={603}
      config={{ dtmfMode: 'info' }}
      credentials={async () => ({ password: 'secret' })}
      onSipRegistrationChange={(e) => { const state: RegistrationState = e.detail.state; return state; }}
      onSipCallChange={(e) => states.push(e.detail.state)}
      onSipCallRequest={(e) => e.preventDefault()}
      onSipQualityChange={(e) => { const issues: QualityIssue[] = e.detail.issues; return issues; }}
      onSipTransferRequest={(e) => e.detail.accept()}
    />
    <SipDialpad disabled onSipDialpadPress={(e) => e.detail.key.toUpperCase()} />
    <SipCallBanner snapshot={undefined} />
    <SipCallHistory limit={20} databaseName="calls" onSipRedial={(e) => e.detail.target} onSipHistoryClear={(e) => e.preventDefault()} />
    <SipDeviceSettings microphone="" onSipDeviceChange={(e) => e.detail.kind} />
    <SipCallButton target="sip:reception@example.com" cooldown={10} callOnly onSipCallRequest={(e) => e.detail.target} onSipCallChange={(e) => e.detail.state}>
      Call reception
    </SipCallButton>
    <SipSelfTest htmlFor="phone" onSipSelfTestComplete={(e) => { const report: SelfTestReport = e.detail.report; return report; }} />
  </>
);
`,
  ],
  'ok-tags.tsx': [
    `${TAGS}
import type { CallState } from 'sip-phone';
const states: CallState[] = [];
export const page = (
  <>
    <sip-phone id="phone" server="wss://sip.example.com/ws" uri="sip:alice@example.com" auth-user="alice" history config={{ dtmfMode: 'info' }} onsip-call-change={(e) => states.push(e.detail.state)} />
    <sip-call-button target="sip:reception@example.com" keypad cooldown={5} onsip-call-request={(e) => e.preventDefault()}>Call reception</sip-call-button>
    <sip-dialpad disabled onsip-dialpad-press={(e) => e.detail.key} />
    <sip-call-banner />
    <sip-call-history limit={10} />
    <sip-device-settings speaker="" />
    <sip-self-test htmlFor="phone" />
  </>
);
`,
  ],
  'bad-wrapper-misspelt-prop.tsx': [
    `${WRAPPERS}\nexport const x = <SipPhone servr="wss://x" />; // ✗\n`,
    2322,
  ],
  'bad-wrapper-prop-type.tsx': [
    `${WRAPPERS}\nexport const x = <SipPhone server={42} />; // ✗\n`,
    2322,
  ],
  'bad-wrapper-boolean-type.tsx': [
    `${WRAPPERS}\nexport const x = <SipPhone history="yes" />; // ✗\n`,
    2322,
  ],
  'bad-wrapper-misspelt-event.tsx': [
    `${WRAPPERS}\nexport const x = <SipPhone onSipCallChanged={() => 0} />; // ✗\n`,
    2322,
  ],
  'bad-wrapper-event-type.tsx': [
    `${WRAPPERS}\nexport const x = <SipPhone onSipCallChange={(e: MouseEvent) => e.clientX} />; // ✗\n`,
    2322,
  ],
  'bad-wrapper-event-detail.tsx': [
    `${WRAPPERS}\nexport const x = <SipPhone onSipCallChange={(e) => e.detail.sttate} />; // ✗\n`,
    2551,
  ],
  'bad-wrapper-event-not-fired.tsx': [
    `${WRAPPERS}\nexport const x = <SipDialpad onSipCallChange={() => 0} />; // ✗\n`,
    2322,
  ],
  'bad-tag-misspelt-prop.tsx': [
    `${TAGS}\nexport const x = <sip-phone servr="wss://x" />; // ✗\n`,
    2322,
  ],
  'bad-tag-prop-type.tsx': [
    `${TAGS}\nexport const x = <sip-call-button cooldown="ten" />; // ✗\n`,
    2322,
  ],
  'bad-tag-unknown-element.tsx': [`${TAGS}\nexport const x = <sip-phon />; // ✗\n`, 2339],
  'bad-tag-event-type.tsx': [
    `${TAGS}\nexport const x = <sip-phone onsip-call-change={(e: KeyboardEvent) => e.key} />; // ✗\n`,
    2322,
  ],
};

// The server is bound (`:server`), not written: vue-tsc 3.3 loses the event handlers' types on an
// element whose attribute value holds "//" (server="wss://…"); that is the checker, not these types.
const VUE_SCRIPT = `<script setup lang="ts">
import type {} from 'sip-phone/vue';
import type { CallState } from 'sip-phone';
const server = 'wss://sip.example.com/ws';
const states: CallState[] = [];
const record = (state: CallState) => states.push(state);
</script>
`;

/** The Vue cases, checked with `strictTemplates` (without it Vue lets unknown attributes fall through). */
const VUE_CASES = {
  'ok.vue': [
    `${VUE_SCRIPT}
<template>
  <sip-phone
    :server="server"
    uri="sip:alice@example.com"
    auth-user="alice"
    :history="true"
    :config="{ dtmfMode: 'info' }"
    @sip-call-change="(e) => record(e.detail.state)"
    @sip-registration-change="(e) => e.detail.state"
  />
  <sip-call-button target="sip:reception@example.com" :cooldown="5" @sip-call-request="(e) => e.preventDefault()">Call</sip-call-button>
  <sip-dialpad :disabled="false" @sip-dialpad-press="(e) => e.detail.key" />
  <sip-self-test for="phone" />
</template>
`,
  ],
  'bad-prop-type.vue': [
    `${VUE_SCRIPT}<template>\n  <sip-phone :server="42" /><!-- ✗ -->\n</template>\n`,
    2322,
  ],
  'bad-misspelt-prop.vue': [
    `${VUE_SCRIPT}<template>\n  <sip-phone servr="sip.example.com" /><!-- ✗ -->\n</template>\n`,
    2561,
  ],
  'bad-misspelt-hyphenated.vue': [
    `${VUE_SCRIPT}<template>\n  <sip-phone auth-usr="alice" /><!-- ✗ -->\n</template>\n`,
    2561,
  ],
  'bad-number-type.vue': [
    `${VUE_SCRIPT}<template>\n  <sip-call-button :cooldown="'ten'" /><!-- ✗ -->\n</template>\n`,
    2322,
  ],
  'bad-event-type.vue': [
    `${VUE_SCRIPT}<template>\n  <sip-phone @sip-call-change="(e: MouseEvent) => e.clientX" /><!-- ✗ -->\n</template>\n`,
    2322,
  ],
  'bad-event-detail.vue': [
    `${VUE_SCRIPT}<template>\n  <sip-phone @sip-call-change="(e) => record(e.detail.sttate)" /><!-- ✗ -->\n</template>\n`,
    2551,
  ],
};

/** `file(line,col): error TS1234: message` lines of tsc's and vue-tsc's output, by file. */
function diagnostics(output) {
  const byFile = new Map();
  for (const [, file, line, code, message] of output.matchAll(
    /^(?:.*[\\/])?([\w.-]+)\((\d+),\d+\): error TS(\d+): (.*)$/gm,
  )) {
    if (!byFile.has(file)) byFile.set(file, []);
    byFile.get(file).push({ line: Number(line), code: Number(code), message });
  }
  return byFile;
}

/** Writes the cases and a tsconfig into `dir`, runs `compiler` there; the diagnostics by file. */
async function compile(dir, cases, compilerOptions, extra, compiler) {
  await mkdir(dir, { recursive: true });
  for (const [name, [source]] of Object.entries(cases)) await writeFile(join(dir, name), source);
  await writeFile(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions, include: ['*.tsx', '*.vue'], ...extra }, null, 2),
  );
  const run = spawnSync(
    process.execPath,
    [join(root, compiler), '-p', join(dir, 'tsconfig.json')],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  return { output: run.stdout + run.stderr, byFile: diagnostics(run.stdout + run.stderr) };
}

/** Every `ok-*` file clean; every `bad-*` file exactly one error, of `code`, on the `✗` line. */
function check(cases, { output, byFile }) {
  const unexpected = [...byFile.keys()].filter((file) => !(file in cases));
  assert.deepEqual(unexpected, [], `errors outside the cases:\n${output}`);
  for (const [name, [source, code]] of Object.entries(cases)) {
    const found = byFile.get(name) ?? [];
    if (!code) {
      assert.deepEqual(found, [], `${name} should compile clean`);
      continue;
    }
    const line = source.split('\n').findIndex((text) => text.includes('✗')) + 1;
    assert.equal(found.length, 1, `${name}: one error expected, got ${JSON.stringify(found)}`);
    assert.deepEqual(
      { line: found[0].line, code: found[0].code },
      { line, code },
      `${name}: ${found[0].message}`,
    );
  }
}

let dir;

before(async () => {
  assert.ok(
    existsSync(join(root, 'dist/lib/components/frameworks/jsx.d.ts')),
    'dist/lib is not built: run `npm run build` first',
  );
  // Inside the package (so its name resolves to itself), in the ignored .tmp/.
  await mkdir(join(root, '.tmp'), { recursive: true });
  dir = await mkdtemp(join(root, '.tmp/framework-types-'));
});

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('TSX (React 19 JSX): the wrappers and the <sip-*> tags take their typed props and events; misspelt or mistyped ones fail', async () => {
  const result = await compile(
    join(dir, 'react'),
    REACT_CASES,
    { ...COMPILER_OPTIONS, jsx: 'react-jsx' },
    {},
    'node_modules/typescript/bin/tsc',
  );
  check(REACT_CASES, result);
});

test('Vue SFC (vue-tsc, strictTemplates): the <sip-*> tags take their typed props and events; misspelt or mistyped ones fail', async () => {
  const result = await compile(
    join(dir, 'vue'),
    VUE_CASES,
    COMPILER_OPTIONS,
    { vueCompilerOptions: { strictTemplates: true } },
    'node_modules/vue-tsc/bin/vue-tsc.js',
  );
  check(VUE_CASES, result);
});

test('the React example (docs/examples/react/) type-checks with its own strict tsconfig', () => {
  const run = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules/typescript/bin/tsc'),
      '-p',
      join(root, 'docs/examples/react/tsconfig.json'),
    ],
    { cwd: root, encoding: 'utf8' },
  );
  assert.equal(run.status, 0, run.stdout + run.stderr);
});
