import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';

export const historiesDir = fileURLToPath(new URL('../histories', import.meta.url));

/**
 * With RECORD_HISTORIES=1, keeps the history of a finished scenario under test/histories so the
 * replay test can prove later workflow changes stay deterministic for tickets already running.
 */
export async function recordHistory(name: string, handle: WorkflowHandle): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const history = await handle.fetchHistory();
  fs.mkdirSync(historiesDir, { recursive: true });
  const file = path.join(historiesDir, `${name.replace(/[^a-z0-9-]+/gi, '-').toLowerCase()}.json`);
  // The same proto3 JSON as `temporal workflow show --output json`, so either source can be replayed.
  fs.writeFileSync(file, historyToJSON(history));
}
