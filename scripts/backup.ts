import path from 'node:path';
import { loadConfig } from '../lib/config';
import { backupDataDir, restoreDataDir } from './lib/backup';

/**
 * `npm run backup -- <file>`: one archive of DATA_DIR, taken while the desk runs (scripts/lib/backup.ts).
 * `npm run restore -- <file>`: rebuilds an empty (or new) DATA_DIR from one; then `npm start` on it.
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
    const { files } = await backupDataDir(dataDir, archive);
    console.log(`[backup] ${dataDir} → ${archive} (${files.length} files)`);
  } else {
    const { files } = restoreDataDir(archive, dataDir);
    console.log(`[restore] ${archive} → ${dataDir} (${files.length} files); start the desk on it with npm start`);
  }
} catch (err) {
  console.error(`[${command}] ${(err as Error).message}`);
  process.exit(1);
}
