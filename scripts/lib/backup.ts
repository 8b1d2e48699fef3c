import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { backup as sqliteBackup, DatabaseSync } from 'node:sqlite';
import { adoptPostgresData, PG_DATA, snapshotPostgres } from './backup-postgres';
import { packTarGz, unpackTarGz, type TarEntry } from './tar';

/**
 * `npm run backup -- <file>` and `npm run restore -- <file>`: one gzipped tar of everything the desk keeps in DATA_DIR,
 * taken while it runs. In the cluster mode its PostgreSQL (Temporal and the documents) is copied by pg_basebackup
 * (backup-postgres.ts) and the rest as below; in the dev server's mode:
 *
 * Each SQLite database (the Temporal dev server's temporal.sqlite, FerretDB's mongo/*.sqlite) is copied with SQLite's
 * online backup in one step, a snapshot of one committed state however busy the server is; a plain copy of a file
 * in WAL mode could take half a transaction. The databases are taken one after another, Temporal's first: what the
 * documents hold is then never older than what the workflows hold. A ticket opened between the two snapshots
 * restores as content without a workflow, inert (as a refused request leaves it; its retry starts it); a notification
 * sent between them is marked sent in the documents, so its workflow, replaying the send, does not mail it again. The
 * outbox, the admin key, the reply-token secret and the other files follow as they are. Logs are left out.
 */

const SQLITE_HEADER = Buffer.from('SQLite format 3\0');
/** SQLite's own companions of a database: the online backup has read what of them counts. */
const SQLITE_COMPANION = /-(wal|shm|journal)$/;
/** Logs; and the cluster's live PostgreSQL files, which only pg_basebackup copies consistently. */
const LEFT_OUT = new Set(['logs', 'postgres']);

function isSqlite(file: string): boolean {
  const head = Buffer.alloc(SQLITE_HEADER.length);
  const fd = fs.openSync(file, 'r');
  try {
    return fs.readSync(fd, head, 0, head.length, 0) === head.length && head.equals(SQLITE_HEADER);
  } finally {
    fs.closeSync(fd);
  }
}

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .filter((rel) => !LEFT_OUT.has(rel.split('/')[0]!) && !SQLITE_COMPANION.test(rel))
    .sort();
}

async function snapshotSqlite(file: string, scratch: string): Promise<Buffer> {
  const copy = path.join(scratch, `${path.basename(file)}.${process.pid}`);
  const db = new DatabaseSync(file);
  try {
    // All pages in one step: one read transaction, so the copy is one committed state (SQLite restarts a stepwise
    // backup whenever another process writes, which a busy server would do forever).
    await sqliteBackup(db, copy, { rate: -1 });
  } finally {
    db.close();
  }
  try {
    return fs.readFileSync(copy);
  } finally {
    fs.rmSync(copy, { force: true });
  }
}

/** Order of the snapshots: Temporal's database first, then the documents, then the rest (see above). */
function rank(rel: string): number {
  if (rel === 'temporal.sqlite') return 0;
  if (rel.startsWith('mongo/')) return 1;
  return 2;
}

/** The cluster mode's PostgreSQL, to copy with pg_basebackup: its programs and the port it listens on. */
export interface ClusterPostgres {
  pgBin: string;
  port: number;
}

export async function backupDataDir(
  dataDir: string,
  archive: string,
  postgres?: ClusterPostgres,
): Promise<{ files: string[] }> {
  if (!fs.existsSync(dataDir)) throw new Error(`${dataDir} does not exist: nothing to back up`);
  const cluster = fs.existsSync(path.join(dataDir, PG_DATA));
  if (cluster && !postgres) throw new Error(`${dataDir} is the cluster mode's: its PostgreSQL must be given`);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'sla-desk-backup-'));
  try {
    const entries: TarEntry[] = [];
    if (cluster) {
      // First: it holds Temporal's databases and the documents, one instant for both (backup-postgres.ts).
      const copy = path.join(scratch, 'pgdata');
      snapshotPostgres(postgres!.pgBin, postgres!.port, copy);
      for (const e of fs.readdirSync(copy, { withFileTypes: true, recursive: true })) {
        const file = path.join(e.parentPath, e.name);
        const name = `${PG_DATA}/${path.relative(copy, file).split(path.sep).join('/')}`;
        const mode = fs.statSync(file).mode;
        if (e.isDirectory()) entries.push({ name, mode, data: Buffer.alloc(0), dir: true });
        else if (e.isFile()) entries.push({ name, mode, data: fs.readFileSync(file) });
      }
    }
    const files = filesUnder(dataDir).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
    for (const rel of files) {
      const file = path.join(dataDir, rel);
      const mode = fs.statSync(file).mode;
      const data = isSqlite(file) ? await snapshotSqlite(file, scratch) : fs.readFileSync(file);
      entries.push({ name: rel, mode, data });
    }
    // Written beside its destination and renamed: a backup interrupted half-way never looks like a whole one.
    fs.mkdirSync(path.dirname(archive), { recursive: true });
    const tmp = `${archive}.partial`;
    fs.writeFileSync(tmp, packTarGz(entries), { mode: 0o600 });
    fs.renameSync(tmp, archive);
    return { files: entries.filter((e) => !e.dir).map((e) => e.name) };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

export function restoreDataDir(archive: string, dataDir: string): { files: string[] } {
  if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0)
    throw new Error(`${dataDir} is not empty: restore into a new or empty DATA_DIR`);
  const entries = unpackTarGz(fs.readFileSync(archive));
  for (const e of entries) {
    const target = path.resolve(dataDir, e.name);
    if (!target.startsWith(path.resolve(dataDir) + path.sep)) throw new Error(`${archive}: entry outside: ${e.name}`);
    if (e.dir) {
      fs.mkdirSync(target, { recursive: true });
      continue;
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, e.data, { mode: e.mode });
  }
  adoptPostgresData(dataDir);
  return { files: entries.filter((e) => !e.dir).map((e) => e.name) };
}
