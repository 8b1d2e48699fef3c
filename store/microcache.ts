import { LRUCache } from 'lru-cache';

/**
 * How long the desk-wide lists every console page shows (agents, macros, vendors) are answered from memory. Admins
 * change them rarely; the process that made a change forgets its copy at once, another API process within this.
 */
export const DIRECTORY_CACHE_MS = 1_000;

/**
 * A read that many callers repeat (every agent's queue page, polled) is answered from one query per
 * `ttlMs`: callers share the query in flight, and its result for `ttlMs` after it arrived. Failures
 * are not kept. Issue 7 added it when every list scanned FerretDB's collection; the lists now read an index
 * (store/models.ts), and it still turns N identical queries a second into one.
 *
 * `clock` is monotonic milliseconds (performance.now() by default); lru-cache reads a start of 0 as
 * "no ttl", so a clock given by a test starts above 0.
 */
export function microcache<A extends unknown[], R>(
  load: (...args: A) => Promise<R>,
  ttlMs: number,
  max = 200,
  clock = () => performance.now(),
): ((...args: A) => Promise<R>) & { forget(): void } {
  if (ttlMs <= 0) return Object.assign((...args: A) => load(...args), { forget() {} });
  // Boxed: lru-cache keeps no undefined or null values, and a load may answer either.
  const cache = new LRUCache<string, { value: R }, { args: A }>({
    max,
    ttl: ttlMs,
    ttlResolution: 0,
    perf: { now: clock },
    fetchMethod: async (_key, _stale, { context }) => ({ value: await load(...context.args) }),
  });
  // forget() moves on to a new generation instead of clearing: clearing would abort a load in flight and fail its
  // callers, and a load begun before the change must not answer anyone who asks after it.
  let generation = 0;
  const cached = async (...args: A): Promise<R> =>
    (await cache.fetch(JSON.stringify([generation, args]), { context: { args } }))!.value;
  return Object.assign(cached, {
    /** After this process changed what the load reads: the next caller loads again (other processes within ttlMs). */
    forget() {
      generation++;
    },
  });
}
