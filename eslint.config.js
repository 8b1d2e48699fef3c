// @ts-check
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';
import { importX, createNodeResolver } from 'eslint-plugin-import-x';

// Workflow code is replayed; domain code is pure. Neither may touch the outside world.
const ioModules = [
  ...builtinModules,
  ...builtinModules.map((m) => `node:${m}`),
  'mongoose',
  'mongodb',
  'express',
  'nodemailer',
  'smtp-server',
  'mailparser',
  'pino',
  'date-holidays',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
  '@temporalio/testing',
];

// Who may import store/: the use cases, the activities, the store itself, and the composition roots that build it.
const STORE_ALLOWED = [
  'desk/**',
  'activities/**',
  'store/**',
  'api/main.ts',
  'worker/main.ts',
  'scripts/**',
  'test/**',
  'bench/**',
];
const NO_STORE = {
  group: ['**/store', '**/store/**'],
  message: 'only desk/ (and activities/) reach store/: call a use case in desk/, or name the type from domain/',
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'tools/**', 'test-results/**'] },
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // A cycle makes load order decide which binding is still undefined; `import type` edges are erased at
  // build time, so the rule (by design) does not count them.
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  // desk/ is the only door to store/: besides desk/ and activities/ (and store/ itself), only the composition
  // roots that build a store and hand it to them import it. Blocks below that set this rule again for their
  // directories restate the ban, since a later block's options replace an earlier one's.
  {
    files: ['**/*.ts'],
    ignores: [...STORE_ALLOWED],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [NO_STORE] }] },
  },
  {
    files: ['workflows/**/*.ts', 'domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: ioModules.map((name) => ({
            name,
            message: 'workflows/ and domain/ must stay deterministic and free of I/O',
          })),
          patterns: [
            {
              group: ['**/store/**', '**/api/**', '**/lib/**', '**/worker/**', '**/scripts/**'],
              message: 'no I/O layers here',
            },
            { group: ['**/activities/**'], message: 'use `import type` for activities', allowTypeImports: true },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'setTimeout', 'setInterval', 'fetch', 'process', 'require'],
    },
  },
  {
    files: ['domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: ioModules.map((name) => ({ name, message: 'domain/ is pure: no I/O' })),
          patterns: [
            {
              group: [
                '**/store/**',
                '**/api/**',
                '**/lib/**',
                '**/worker/**',
                '**/scripts/**',
                '**/activities/**',
                '**/workflows/**',
              ],
              message: 'domain/ depends on nothing else in the project',
            },
            { group: ['@temporalio/*'], message: 'domain/ does not know about Temporal' },
          ],
        },
      ],
    },
  },
  // The application layer knows no HTTP; adapters call it and never each other (api/http holds what the
  // HTTP adapters share; api/app.ts and api/main.ts compose them).
  {
    files: ['desk/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: ['express', 'multer', 'smtp-server', 'express-rate-limit', 'helmet'].map((name) => ({
            name,
            message: 'desk/ is the application layer: no HTTP or SMTP',
          })),
          patterns: [
            {
              group: ['**/api/**', '**/channels/**', '**/worker/**', '**/scripts/**'],
              message: 'desk/ is called by adapters, never the reverse',
            },
          ],
        },
      ],
    },
  },
  // An adapter never imports another adapter, nor store/.
  ...[
    ['api/routes', ['**/web/**', '**/console/**', '**/portal/**', '**/channels/**']],
    ['api/web', ['**/routes/**', '**/console/**', '**/portal/**', '**/channels/**']],
    ['api/console', ['**/routes/**', '**/web/**', '**/portal/**', '**/channels/**']],
    ['api/portal', ['**/routes/**', '**/web/**', '**/console/**', '**/channels/**']],
    ['channels', ['**/api/**']],
  ].map(([dir, group]) => ({
    files: [`${dir}/**/*.ts`],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group,
              message: 'an adapter never imports another adapter: share through desk/ (use cases) or api/http/',
            },
            NO_STORE,
          ],
        },
      ],
    },
  })),
);
