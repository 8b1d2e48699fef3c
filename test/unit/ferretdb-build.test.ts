import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyPatches } from '../../scripts/lib/ferretdb-build';

function sourceTree(text: string): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ferret-patch-'));
  fs.mkdirSync(path.join(root, 'pkg'));
  fs.writeFileSync(path.join(root, 'pkg/a.go'), text);
  return root;
}

describe('patching the FerretDB source copy', () => {
  const patch = { file: 'pkg/a.go', from: `X = "->'$._id'"`, to: `X = "->'_id'"` };

  it('replaces the expected text', () => {
    const root = sourceTree(`const (\n\tX = "->'$._id'"\n)\n`);
    applyPatches(root, [patch]);
    expect(fs.readFileSync(path.join(root, 'pkg/a.go'), 'utf8')).toBe(`const (\n\tX = "->'_id'"\n)\n`);
  });

  it('fails, naming the file, when the source is not the version the patch was written for', () => {
    const root = sourceTree('const X = 1\n');
    expect(() => applyPatches(root, [patch])).toThrow(/pkg\/a\.go/);
    expect(fs.readFileSync(path.join(root, 'pkg/a.go'), 'utf8')).toBe('const X = 1\n');
  });
});
