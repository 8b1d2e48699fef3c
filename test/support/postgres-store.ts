import fs from 'node:fs';
import path from 'node:path';
import { ensurePostgres } from '../../scripts/lib/cluster-tools';
import { createDocumentsDatabase, documentsUrl, startPostgres } from '../../scripts/lib/postgres';
import { freePort, startMongoServer, type ManagedProcess } from '../../scripts/lib/servers';
import type { Log, Tools } from '../../scripts/lib/tools';

/**
 * The cluster mode's document store for the suite (SLA_DESK_TEST_STORE=postgresql): a private PostgreSQL in the run's
 * directory and FerretDB on its `ferretdb` database, as scripts/lib/cluster.ts starts them, so the store-level tests
 * (test/integration/ferretdb-patches.test.ts and any other) check the patches' guarantees on that backend too.
 * Returns the servers, FerretDB first (stopped before the database it uses), and FerretDB's URI.
 */
export async function startDocumentsOnPostgres(
  mongo: Tools['mongo'],
  runDir: string,
  log: Log,
): Promise<{ servers: ManagedProcess[]; uri: string }> {
  if (mongo.kind !== 'ferretdb') throw new Error('SLA_DESK_TEST_STORE=postgresql needs FerretDB, not mongod');
  const pgBin = await ensurePostgres(log);
  // mkdtemp makes the run's directory private; PostgreSQL runs as another user when we are root.
  fs.chmodSync(runDir, 0o755);
  const pgPort = await freePort();
  const postgres = await startPostgres({
    pgBin,
    dir: path.join(runDir, 'postgres'),
    port: pgPort,
    logFile: path.join(runDir, 'postgresql.log'),
  });
  createDocumentsDatabase(pgBin, pgPort);
  const port = await freePort();
  const ferretdb = await startMongoServer({
    server: mongo,
    port,
    postgresqlUrl: documentsUrl(pgPort),
    logFile: path.join(runDir, 'mongo.log'),
  });
  log(`document store: FerretDB on PostgreSQL (port ${pgPort})`);
  return { servers: [ferretdb, postgres], uri: `mongodb://127.0.0.1:${port}/` };
}
