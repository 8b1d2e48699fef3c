import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The layering the project's lint enforces, shown to fire: a store/ import outside desk/, activities/ and the
 * composition roots, and an import cycle. One ESLint instance over the project's own eslint.config.js.
 */

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
// The project's config, without type information: the rules shown here do not need it, and building a
// TypeScript program for the whole tree would cost the test seconds (and want every file to exist on disk).
const eslint = new ESLint({
  cwd: root,
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: false } },
    rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/no-misused-promises': 'off' },
  },
});

const storeImport =
  "import { createTicketRepository } from '../../store/tickets';\nexport const x = createTicketRepository;\n";
const ruleIds = async (code: string, filePath: string) =>
  (await eslint.lintText(code, { filePath: join(root, filePath) }))[0]!.messages.map((m) => m.ruleId);

describe('desk/ is the only door to store/', () => {
  it('refuses a store/ import in an adapter and in the rest of api/', async () => {
    expect(await ruleIds(storeImport, 'api/routes/x.ts')).toContain('@typescript-eslint/no-restricted-imports');
    expect(await ruleIds(storeImport.replace('../../', '../'), 'api/x.ts')).toContain(
      '@typescript-eslint/no-restricted-imports',
    );
    expect(await ruleIds(storeImport, 'api/http/x.ts')).toContain('@typescript-eslint/no-restricted-imports');
  });

  it('allows it in desk/ and in a composition root', async () => {
    expect(await ruleIds(storeImport.replace('../../', '../'), 'desk/x.ts')).not.toContain(
      '@typescript-eslint/no-restricted-imports',
    );
    expect(await ruleIds(storeImport.replace('../../', '../'), 'api/main.ts')).not.toContain(
      '@typescript-eslint/no-restricted-imports',
    );
  });
});

describe('import cycles', () => {
  // Real files: the rule follows imports on disk. Inside the repo, so the project's config and tsconfig apply.
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(root, 'test/unit/lint-cycle-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fail lint on a two-file cycle', async () => {
    writeFileSync(join(dir, 'a.ts'), "import { b } from './b';\nexport const a = (): number => b() + 1;\n");
    writeFileSync(join(dir, 'b.ts'), "import { a } from './a';\nexport const b = (): number => (a ? 1 : 0);\n");
    const [result] = await eslint.lintFiles([join(dir, 'a.ts')]);
    expect(result!.messages.map((m) => m.ruleId)).toContain('import-x/no-cycle');
  });
});
