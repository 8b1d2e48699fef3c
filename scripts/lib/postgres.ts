import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { waitForPort, type ManagedProcess } from './servers';

/**
 * A private PostgreSQL cluster for the Temporal server of the cluster mode: its own data directory under
 * DATA_DIR, listening on 127.0.0.1 only (no Unix socket), password authentication. PostgreSQL refuses to run
 * as root, so when we are root it runs as Debian's `postgres` system user.
 */

export const PG_USER = 'temporal';
export const PG_PASSWORD = 'temporal';
/** The database of the document store (FerretDB's PostgreSQL backend), beside Temporal's two. */
export const DOCUMENTS_DATABASE = 'ferretdb';

/** What FerretDB connects with; one FerretDB process, so a small pool leaves Temporal its connections. */
export function documentsUrl(port: number): string {
  return `postgres://${PG_USER}:${PG_PASSWORD}@127.0.0.1:${port}/${DOCUMENTS_DATABASE}?pool_max_conns=20`;
}

/** Creates the document store's database on first use (FerretDB creates its schemas and tables, not the database). */
export function createDocumentsDatabase(pgBin: string, port: number): void {
  const res = spawnSync(
    path.join(pgBin, 'createdb'),
    ['-h', '127.0.0.1', '-p', String(port), '-U', PG_USER, '--no-password', DOCUMENTS_DATABASE],
    { env: { ...process.env, PGPASSWORD: PG_PASSWORD }, encoding: 'utf8' },
  );
  if (res.status !== 0 && !/already exists/.test(res.stderr))
    throw new Error(`createdb ${DOCUMENTS_DATABASE} failed: ${res.stderr || res.error?.message}`);
  // FerretDB (patched, scripts/lib/ferretdb-index-patches.ts) sends an ORDER BY only when an index has exactly its
  // key, and no LIMIT when the query has a filter: it reads rows until the page is full and closes the query. Planned
  // for every row, PostgreSQL would sort the whole table before the first one; with sorting priced out it walks the
  // index and the page costs its own rows. Set on every start, so a store created before this setting gets it.
  const set = spawnSync(
    path.join(pgBin, 'psql'),
    [
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      '-U',
      PG_USER,
      '--no-password',
      '-d',
      DOCUMENTS_DATABASE,
      '-v',
      'ON_ERROR_STOP=1',
      '-c',
      `ALTER DATABASE ${DOCUMENTS_DATABASE} SET enable_sort = off`,
    ],
    { env: { ...process.env, PGPASSWORD: PG_PASSWORD }, encoding: 'utf8' },
  );
  if (set.status !== 0) throw new Error(`psql: ${set.stderr || set.error?.message}`);
}

export interface PostgresOptions {
  pgBin: string;
  /** Holds the cluster (`data/`) and nothing else of ours. */
  dir: string;
  port: number;
  logFile: string;
}

interface Identity {
  uid?: number;
  gid?: number;
}

function runAs(): Identity {
  if (process.getuid?.() !== 0) return {};
  for (const user of ['postgres', 'nobody']) {
    try {
      const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
      return { uid, gid };
    } catch {
      /* no such user */
    }
  }
  throw new Error('running as root and neither a `postgres` nor a `nobody` user exists to run PostgreSQL as');
}

/** The uid and gid PostgreSQL runs as (none when it runs as us); a restored data directory must be theirs. */
export const postgresOwner = (): Identity => runAs();

const dataDir = (opts: PostgresOptions) => path.join(opts.dir, 'data');

/** Creates the cluster on first use; returns whether it did. */
export function initPostgres(opts: PostgresOptions): boolean {
  const data = dataDir(opts);
  if (fs.existsSync(path.join(data, 'PG_VERSION'))) return false;
  const who = runAs();
  fs.mkdirSync(opts.dir, { recursive: true });
  fs.rmSync(data, { recursive: true, force: true });
  const pwfile = path.join(opts.dir, 'pwfile');
  fs.writeFileSync(pwfile, `${PG_PASSWORD}\n`, { mode: 0o600 });
  if (who.uid !== undefined) {
    fs.chownSync(opts.dir, who.uid, who.gid!);
    fs.chownSync(pwfile, who.uid, who.gid!);
    // The server's user must reach DATA_DIR through every parent directory.
    const probe = spawnSync('test', ['-w', opts.dir], { uid: who.uid, gid: who.gid });
    if (probe.status !== 0) {
      throw new Error(
        `PostgreSQL runs as uid ${who.uid}, which cannot reach ${opts.dir}: every directory above it must let others through (o+x), e.g. a DATA_DIR outside a private home directory`,
      );
    }
  }
  try {
    execFileSync(
      path.join(opts.pgBin, 'initdb'),
      ['-D', data, '-U', PG_USER, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--locale=C'],
      { ...who, stdio: ['ignore', 'pipe', 'pipe'], cwd: opts.dir },
    );
  } finally {
    fs.rmSync(pwfile, { force: true });
  }
  return true;
}

export async function startPostgres(opts: PostgresOptions): Promise<ManagedProcess> {
  initPostgres(opts);
  fs.mkdirSync(path.dirname(opts.logFile), { recursive: true });
  const out = fs.openSync(opts.logFile, 'a');
  // Temporal's four services hold up to 22 connections each, and the schema tool a few more.
  const args = [
    '-D',
    dataDir(opts),
    '-p',
    String(opts.port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
    '-c',
    'max_connections=200',
  ];
  const child = spawn(path.join(opts.pgBin, 'postgres'), args, {
    ...runAs(),
    cwd: opts.dir,
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  await waitForPort(opts.port, child, 'postgresql');
  // Listening comes before recovery ends; pg_isready says when it accepts sessions.
  const deadline = Date.now() + 60_000;
  while (
    spawnSync(path.join(opts.pgBin, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(opts.port)]).status !== 0
  ) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`postgresql did not accept connections on ${opts.port} (log: ${opts.logFile})`);
    await delay(100);
  }
  return {
    name: 'postgresql',
    child,
    // SIGINT is PostgreSQL's fast shutdown; SIGTERM would wait for Temporal's pooled connections to close.
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
