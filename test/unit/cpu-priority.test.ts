import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const child = path.resolve(import.meta.dirname, '../support/cpu-priority-child.ts');
const run = (launcher: string[], nice: number): { main: number; nice: number[] } =>
  JSON.parse(execFileSync(launcher[0] ?? process.execPath, [...launcher.slice(1), ...(launcher.length ? [process.execPath] : []), '--import', 'tsx', child, String(nice)], { encoding: 'utf8' }));

describe('lowerCpuPriority (the worker yields the CPU to the API)', () => {
  it('lowers every thread of the process, those started before the call and after it', () => {
    const out = run([], 7);
    expect(out.main).toBe(7);
    expect(out.nice.length).toBeGreaterThan(4); // V8's and libuv's threads and both workers, not only the main thread
    expect(new Set(out.nice)).toEqual(new Set([7]));
  });

  it('never raises a priority its launcher lowered further', () => {
    const out = run(['nice', '-n', '12'], 7);
    expect(out.main).toBe(12);
    expect(new Set(out.nice)).toEqual(new Set([12]));
  });
});
