import { describe, expect, it } from 'vitest';
import { microcache } from '../../store/microcache';

describe('microcache (one query per second for a repeated read)', () => {
  it('shares one load among concurrent callers and answers from it until it is more than ttl old', async () => {
    let now = 10_000; // a monotonic clock, as performance.now() is: never 0
    let loads = 0;
    const cached = microcache(
      async (q: string) => `${q}#${++loads}`,
      1_000,
      10,
      () => now,
    );
    expect(await Promise.all([cached('a'), cached('a'), cached('a')])).toEqual(['a#1', 'a#1', 'a#1']);
    now = 11_000;
    expect(await cached('a')).toBe('a#1');
    expect(await cached('b')).toBe('b#2'); // another query is its own entry
    now = 11_001;
    expect(await cached('a')).toBe('a#3');
  });

  it('shares a slow query with every caller until it answers, and counts freshness from the answer', async () => {
    let now = 0;
    let loads = 0;
    let answer!: (v: string) => void;
    const cached = microcache(
      () => {
        loads++;
        return new Promise<string>((resolve) => (answer = resolve));
      },
      1_000,
      10,
      () => now,
    );
    const first = cached();
    now = 5_000; // the query has run five times the ttl and is still in flight
    const second = cached();
    expect(loads).toBe(1);
    answer('rows');
    expect(await Promise.all([first, second])).toEqual(['rows', 'rows']);
    now = 6_000;
    expect(await cached()).toBe('rows');
    expect(loads).toBe(1);
    now = 6_001;
    void cached();
    expect(loads).toBe(2);
  });

  it('does not keep a failure: the next caller loads again', async () => {
    let fail = true;
    const cached = microcache(async () => {
      if (fail) throw new Error('store unavailable');
      return 'ok';
    }, 60_000);
    await expect(cached()).rejects.toThrow('store unavailable');
    fail = false;
    expect(await cached()).toBe('ok');
  });

  it('after forget(), loads again for new callers while a load already in flight still answers its own', async () => {
    let loads = 0;
    let answer!: (v: string) => void;
    const cached = microcache(() => {
      loads++;
      return loads === 1 ? new Promise<string>((resolve) => (answer = resolve)) : Promise.resolve(`rows#${loads}`);
    }, 60_000);
    const before = cached();
    cached.forget(); // a write lands while the first load is in flight
    expect(await cached()).toBe('rows#2');
    answer('rows#1');
    expect(await before).toBe('rows#1');
    expect(await cached()).toBe('rows#2');
    expect(loads).toBe(2);
  });

  it('loads every time when turned off', async () => {
    let loads = 0;
    const cached = microcache(async () => ++loads, 0);
    await cached();
    await cached();
    expect(loads).toBe(2);
  });
});
