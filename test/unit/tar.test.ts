import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packTarGz, unpackTarGz } from '../../scripts/lib/tar';

/** The backup's archive format (scripts/lib/tar.ts): what it writes, it and GNU tar read back byte for byte. */
const entries = [
  { name: 'admin-key', mode: 0o600, data: Buffer.from('adm_0123\n') },
  { name: 'mongo/sla-desk.sqlite', mode: 0o644, data: Buffer.alloc(4096 + 7, 1) },
  { name: 'outbox/empty.eml', mode: 0o644, data: Buffer.alloc(0) },
  // An empty directory PostgreSQL needs in a restored data directory.
  { name: 'postgres/data/pg_notify', mode: 0o700, data: Buffer.alloc(0), dir: true },
  // Past ustar's 100-byte name field: split into prefix and name.
  { name: `outbox/${'x'.repeat(60)}/${'y'.repeat(90)}.eml`, mode: 0o644, data: Buffer.from('Subject: hi\r\n') },
];

describe('the backup archive', () => {
  it('reads back what it wrote: names, modes and contents', () => {
    expect(unpackTarGz(packTarGz(entries))).toEqual(entries);
  });

  it('is a tar.gz the system tar lists and extracts', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tar-test-'));
    try {
      fs.writeFileSync(path.join(dir, 'a.tar.gz'), packTarGz(entries));
      const listed = execFileSync('tar', ['tzf', 'a.tar.gz'], { cwd: dir, encoding: 'utf8' }).trim().split('\n');
      expect(listed).toEqual(entries.map((e) => (e.dir ? `${e.name}/` : e.name)));
      fs.mkdirSync(path.join(dir, 'out'));
      execFileSync('tar', ['xzf', '../a.tar.gz'], { cwd: path.join(dir, 'out') });
      for (const e of entries)
        if (e.dir) expect(fs.readdirSync(path.join(dir, 'out', e.name))).toEqual([]);
        else expect(fs.readFileSync(path.join(dir, 'out', e.name))).toEqual(e.data);
      expect(fs.statSync(path.join(dir, 'out', 'admin-key')).mode & 0o777).toBe(0o600);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
