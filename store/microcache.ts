/**
 * A read that many callers repeat (every agent's queue page, polled) is answered from one query per
 * `ttlMs`: callers share the query in flight, and its result until `ttlMs` after it arrived. Failures
 * are not kept. On FerretDB, whose SQLite backend filters and sorts anything but `_id` by scanning the
 * collection, this turns N scans a second into one (issue 7, scale).
 */
export function microcache<A extends unknown[], R>(
  load: (...args: A) => Promise<R>,
  ttlMs: number,
  max = 200,
  clock = () => Date.now(),
) {
  // `at` is when the result arrived; a query still in flight is never stale (Infinity).
  const entries = new Map<string, { at: number; value: Promise<R> }>();
  return (...args: A): Promise<R> => {
    if (ttlMs <= 0) return load(...args);
    const key = JSON.stringify(args);
    const hit = entries.get(key);
    if (hit && clock() - hit.at < ttlMs) return hit.value;
    if (entries.size >= max) entries.delete(entries.keys().next().value!);
    const entry = { at: Infinity, value: load(...args) };
    entries.set(key, entry);
    entry.value.then(
      () => {
        entry.at = clock();
      },
      () => {
        if (entries.get(key) === entry) entries.delete(key);
      },
    );
    return entry.value;
  };
}
