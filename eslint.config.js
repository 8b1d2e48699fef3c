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
  // desk/ is the adapters' only door to store/. api/routes and api/console still reach store/ directly
  // and are held to it once their calls move into desk/.
  ...[
    ['api/routes', ['**/web/**', '**/console/**', '**/portal/**', '**/channels/**'], false],
    ['api/web', ['**/routes/**', '**/console/**', '**/portal/**', '**/channels/**'], true],
    ['api/console', ['**/routes/**', '**/web/**', '**/portal/**', '**/channels/**'], false],
    ['api/portal', ['**/routes/**', '**/web/**', '**/console/**', '**/channels/**'], true],
    ['channels', ['**/api/**'], true],
  ].map(([dir, group, noStore]) => ({
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
            ...(noStore
              ? [{ group: ['**/store', '**/store/**'], message: 'adapters reach the data through desk/, never store/' }]
              : []),
          ],
        },
      ],
    },
  })),
);
