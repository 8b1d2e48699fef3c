import { LRUCache } from 'lru-cache';

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
) {
  if (ttlMs <= 0) return load;
  // Boxed: lru-cache keeps no undefined or null values, and a load may answer either.
  const cache = new LRUCache<string, { value: R }, { args: A }>({
    max,
    ttl: ttlMs,
    ttlResolution: 0,
    perf: { now: clock },
    fetchMethod: async (_key, _stale, { context }) => ({ value: await load(...context.args) }),
  });
  return async (...args: A): Promise<R> => (await cache.fetch(JSON.stringify(args), { context: { args } }))!.value;
}
