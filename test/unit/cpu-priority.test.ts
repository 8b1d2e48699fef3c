import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const child = path.resolve(import.meta.dirname, '../support/cpu-priority-child.ts');
/** Runs the child under `launcher` (e.g. `nice -n 12`), asking it to lower itself to `nice`. */
function run(nice: number, launcher: string[] = []): { main: number; nice: number[] } {
  const [cmd, ...args] = [...launcher, process.execPath, '--import', 'tsx', child, String(nice)];
  return JSON.parse(execFileSync(cmd!, args, { encoding: 'utf8' }));
}

describe('lowerCpuPriority (the worker yields the CPU to the API)', () => {
  it('lowers every thread of the process, those started before the call and after it', () => {
    const out = run(7);
    expect(out.main).toBe(7);
    expect(out.nice.length).toBeGreaterThan(4); // V8's and libuv's threads and both workers, not only the main thread
    expect(new Set(out.nice)).toEqual(new Set([7]));
  });

  it('never raises a priority its launcher lowered further', () => {
    const out = run(7, ['nice', '-n', '12']);
    expect(out.main).toBe(12);
    expect(new Set(out.nice)).toEqual(new Set([12]));
  });
});
