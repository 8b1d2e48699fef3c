import fs from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A directory lock (mkdir is atomic) holding the owner's pid, so a lock left by a killed
 * run is recognised as stale and taken over instead of blocking forever.
 */
export async function withLock<T>(lockDir: string, log: (l: string) => void, fn: () => Promise<T>): Promise<T> {
  const ownerFile = `${lockDir}/owner`;
  let announced = false;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(ownerFile, String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number.parseInt(fs.existsSync(ownerFile) ? fs.readFileSync(ownerFile, 'utf8') : '', 10);
      if (Number.isFinite(owner) && !alive(owner)) {
        fs.rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (!Number.isFinite(owner)) {
        // The owner is between mkdir and writing its pid; give it a moment, then treat it as stale.
        const age = Date.now() - fs.statSync(lockDir).mtimeMs;
        if (age > 10_000) fs.rmSync(lockDir, { recursive: true, force: true });
      }
      if (!announced) {
        log(`waiting for another provisioning run${Number.isFinite(owner) ? ` (pid ${owner})` : ''} to finish`);
        announced = true;
      }
      await delay(250);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}
