import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PG_PASSWORD, PG_USER, postgresOwner } from './postgres';

/**
 * The cluster mode's part of a backup: its PostgreSQL, which holds Temporal's two databases and FerretDB's, copied by
 * `pg_basebackup` with the WAL it needs (`-X stream`): one consistent copy of the whole server at one instant, taken
 * while it runs, that starts as it was (PostgreSQL replays the WAL from the copy's backup_label). Workflows and
 * documents come from the same instant, which no pair of SQLite snapshots can give.
 */

/** Where the cluster's PostgreSQL keeps its data under DATA_DIR (scripts/lib/postgres.ts). */
export const PG_DATA = 'postgres/data';

export function snapshotPostgres(pgBin: string, port: number, into: string): void {
  const res = spawnSync(
    path.join(pgBin, 'pg_basebackup'),
    ['-h', '127.0.0.1', '-p', String(port), '-U', PG_USER, '-w', '-D', into, '-F', 'p', '-X', 'stream', '-c', 'fast'],
    { env: { ...process.env, PGPASSWORD: PG_PASSWORD }, encoding: 'utf8' },
  );
  if (res.status !== 0)
    throw new Error(
      `pg_basebackup of the PostgreSQL on port ${port} failed (is the cluster mode running there? SLA_DESK_PG_PORT): ${res.stderr || res.error?.message}`,
    );
}

/** A restored data directory as PostgreSQL insists on it: owned by the user it runs as, private to it. */
export function adoptPostgresData(dataDir: string): void {
  const data = path.join(dataDir, PG_DATA);
  if (!fs.existsSync(path.join(data, 'PG_VERSION'))) return;
  fs.chmodSync(data, 0o700);
  const owner = postgresOwner();
  if (owner.uid === undefined) return;
  const chown = (p: string) => fs.chownSync(p, owner.uid!, owner.gid!);
  chown(path.join(dataDir, 'postgres'));
  chown(data);
  for (const e of fs.readdirSync(data, { recursive: true, withFileTypes: true }))
    chown(path.join(e.parentPath, e.name));
}
