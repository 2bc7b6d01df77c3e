import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import boundaries from 'eslint-plugin-boundaries';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** The parts: top-level folders, each with `src/index.ts` as its one public entry. */
export const PARTS = ['contracts', 'platform', 'ingest', 'rule-core', 'processor', 'store-writer', 'tools', 'dashboard', 'simulators', 'standalone'];
const PUBLIC_ENTRY = 'src/index.ts';

/**
 * Import boundaries (eslint-plugin-boundaries): a part reaches another part only through that
 * part's public entry; test-support/ is for tests (and benchmarks and scripts), never shipped
 * code; e2e/ and scripts/ are consumers like any part. Inside a part, anything goes.
 */
const boundariesConfig = {
  files: ['**/*.ts'],
  plugins: { boundaries },
  settings: {
    'boundaries/elements': [
      // partialMatch: false anchors each pattern at the root, so dashboard/scripts/ is dashboard's.
      ...PARTS.map((part) => ({ type: 'part', pattern: part, partialMatch: false })),
      { type: 'test-support', pattern: 'test-support', partialMatch: false },
      { type: 'e2e', pattern: 'e2e', partialMatch: false },
      { type: 'scripts', pattern: 'scripts', partialMatch: false },
    ],
    // What the build ships (tsconfig.build.json): every part's src/. Tests, benchmarks and scripts are not shipped.
    'boundaries/files': [{ category: 'shipped', pattern: PARTS.map((part) => `${part}/src/**`) }],
    // The sources import `./x.js` where the file is `./x.ts`; resolve that to the real file.
    'import/resolver': { [fileURLToPath(new URL('scripts/eslint/resolve-typescript.cjs', import.meta.url))]: {}, node: {} },
  },
  rules: {
    'boundaries/dependencies': [
      'error',
      {
        default: 'allow',
        policies: [
          {
            disallow: { to: { element: { type: 'part' } } },
            message: 'Import another part only through its public entry ({{to.element.path}}/src/index.ts), not {{dependency.source}}.',
          },
          { allow: { to: { element: { type: 'part', fileInternalPath: PUBLIC_ENTRY } } } },
          { allow: { dependency: { relationship: { to: 'internal' } } } },
          {
            from: { file: { categories: 'shipped' } },
            disallow: { to: { element: { type: 'test-support' } } },
            message: 'test-support/ is for tests, benchmarks and scripts; shipped code (src/) must not import {{dependency.source}}.',
          },
        ],
      },
    ],
  },
};

/** rule-core is pure: no I/O, so no Node modules but hashing. */
const nodeModules = builtinModules.filter((name) => !name.startsWith('_')).flatMap((name) => [name, `node:${name}`]);
const PURE = 'rule-core does no I/O: it imports nothing from Node but node:crypto (hashing), and loads no module at run time.';
const ruleCoreIsPure = {
  files: ['rule-core/src/**/*.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: nodeModules
          .filter((name) => name !== 'node:crypto' && name !== 'crypto')
          .map((name) => ({ name, message: PURE })),
      },
    ],
    'no-restricted-syntax': ['error', { selector: 'ImportExpression', message: PURE }, { selector: "CallExpression[callee.name='require']", message: PURE }],
  },
};

export default defineConfig(
  { ignores: ['node_modules/', 'dist/', '.data/', '.services/', 'coverage/'] },
  tseslint.configs.recommended,
  boundariesConfig,
  ruleCoreIsPure,
  {
    rules: {
      // A leading underscore marks a parameter a signature requires, or a property taken out of a rest object.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // `let x; … ready: () => x?.ready(); x = await start()`: a closure reads it before the one assignment.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // Tests feed validators deliberately ill-typed input (`{ ...payload, ph: '7' } as any`).
    files: ['*/test/**/*.ts', 'test-support/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // CommonJS, as eslint-module-utils loads resolvers with require().
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The dashboard's page: plain browser JavaScript (an ES module), served as is.
    files: ['dashboard/public/**/*.js'],
    languageOptions: { sourceType: 'module' },
  },
);
