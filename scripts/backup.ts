import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../lib/config';
import { backupDataDir, restoreDataDir } from './lib/backup';
import { PG_DATA } from './lib/backup-postgres';
import { ensurePostgres } from './lib/cluster-tools';

/**
 * `npm run backup -- <file>`: one archive of DATA_DIR, taken while the desk runs (scripts/lib/backup.ts); of the
 * cluster mode's (DATA_DIR=./data-cluster) too, its PostgreSQL reached on SLA_DESK_PG_PORT as `npm start` starts it.
 * `npm run restore -- <file>`: rebuilds an empty (or new) DATA_DIR from one; then `npm start` (or start:cluster) on it.
 */
const [command, file] = process.argv.slice(2);
if ((command !== 'backup' && command !== 'restore') || !file) {
  console.error(`usage: npm run ${command === 'restore' ? 'restore' : 'backup'} -- <file>`);
  process.exit(2);
}
const { dataDir } = loadConfig();
const archive = path.resolve(file);
try {
  if (command === 'backup') {
    const postgres = fs.existsSync(path.join(dataDir, PG_DATA))
      ? {
          pgBin: await ensurePostgres((line) => console.log(`[backup] ${line}`)),
          port: Number(process.env.SLA_DESK_PG_PORT ?? 5433),
        }
      : undefined;
    const { files } = await backupDataDir(dataDir, archive, postgres);
    console.log(`[backup] ${dataDir} → ${archive} (${files.length} files)`);
  } else {
    const { files } = restoreDataDir(archive, dataDir);
    console.log(`[restore] ${archive} → ${dataDir} (${files.length} files); start the desk on it with npm start`);
  }
} catch (err) {
  console.error(`[${command}] ${(err as Error).message}`);
  process.exit(1);
}
