import path from 'node:path';
import lockfile from 'proper-lockfile';

/**
 * A run's own work under a directory lock: `lockDir` is made with mkdir (atomic) and its mtime renewed
 * while the run holds it, so a lock left by a killed run goes stale (`STALE_MS` after its last renewal)
 * and is taken over instead of blocking forever. Work in between must not block the event loop that long.
 */
const STALE_MS = 30_000;

export async function withLock<T>(lockDir: string, log: (l: string) => void, fn: () => Promise<T>): Promise<T> {
  const options = { lockfilePath: lockDir, stale: STALE_MS };
  const release = await lockfile.lock(path.dirname(lockDir), options).catch(async (err: NodeJS.ErrnoException) => {
    if (err.code !== 'ELOCKED') throw err;
    log('waiting for another provisioning run to finish');
    return lockfile.lock(path.dirname(lockDir), {
      ...options,
      retries: { forever: true, minTimeout: 250, maxTimeout: 1_000 },
    });
  });
  try {
    return await fn();
  } finally {
    await release();
  }
}
