// ESLint flat config: TypeScript everywhere, Lit / web-component / a11y rules for the elements,
// and the walls between the rooms: the framework-free core in src/ imports neither `lit` nor the
// elements (components/) nor the pages (app/); the elements import neither the pages nor sandbox/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import litPlugin from 'eslint-plugin-lit';
import wcPlugin from 'eslint-plugin-wc';
import litA11y from 'eslint-plugin-lit-a11y';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'coverage/', '.tmp/', 'custom-elements.json'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    files: ['src/**/*.ts', 'components/**/*.ts', 'app/**/*.ts', 'test/**/*.ts'],
    ignores: ['test/sandbox/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['lit', 'lit/*', '@lit/*'], message: 'src/ is framework-free.' },
            {
              group: ['**/components', '**/components/**', '**/app', '**/app/**'],
              message: 'src/ is the core: the elements (components/) and pages (app/) build on it.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['components/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/app', '**/app/**', '**/sandbox', '**/sandbox/**'],
              message: 'The elements may not import the pages (app/) or the sandbox (sandbox/).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['components/**/*.ts'],
    ...litPlugin.configs['flat/recommended'],
  },
  {
    files: ['components/**/*.ts'],
    ...wcPlugin.configs['flat/recommended'],
  },
  {
    files: ['components/**/*.ts'],
    plugins: { 'lit-a11y': litA11y },
    rules: { ...litA11y.configs.recommended.rules },
  },
  {
    files: [
      'sandbox/**/*.ts',
      'bench/**/*.ts',
      'bench/**/*.mjs',
      'scripts/**/*.mjs',
      'test/sandbox/**/*.ts',
      'test/**/*.mjs',
      '*.js',
      '*.mjs',
      '*.ts',
    ],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // Playwright tests: Node code whose page.evaluate() callbacks run in the browser.
    files: ['test/e2e/**/*.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
