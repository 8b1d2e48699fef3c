import fs from 'node:fs';
import os from 'node:os';

/**
 * Lowers this process's CPU priority to `nice` (never raises it: a launcher's higher nice value stands).
 * On Linux nice is per thread, so every thread running now is reniced (V8's and libuv's start before
 * any of our code), and threads started later inherit the main thread's value. Returns the main
 * thread's nice value afterwards.
 */
export function lowerCpuPriority(nice: number): number {
  const threads = process.platform === 'linux' ? fs.readdirSync('/proc/self/task').map(Number) : [0];
  for (const tid of threads) {
    try {
      os.setPriority(tid, Math.max(nice, os.getPriority(tid)));
    } catch (err) {
      if (fs.existsSync(`/proc/self/task/${tid}`)) throw err; // otherwise the thread ended since the listing
    }
  }
  return os.getPriority();
}
