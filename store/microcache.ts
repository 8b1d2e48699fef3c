/**
 * A read that many callers repeat (every agent's queue page, polled) is answered from one query per
 * `ttlMs`: concurrent callers share the query in flight, later ones get its result until it is
 * `ttlMs` old. Failures are not kept. On FerretDB, whose SQLite backend filters and sorts anything
 * but `_id` by scanning the collection, this turns N scans a second into one (issue 7, scale).
 */
export function microcache<A extends unknown[], R>(load: (...args: A) => Promise<R>, ttlMs: number, max = 200, clock = () => Date.now()) {
  const entries = new Map<string, { at: number; value: Promise<R> }>();
  return (...args: A): Promise<R> => {
    if (ttlMs <= 0) return load(...args);
    const key = JSON.stringify(args);
    const hit = entries.get(key);
    if (hit && clock() - hit.at < ttlMs) return hit.value;
    if (entries.size >= max) entries.delete(entries.keys().next().value!);
    const value = load(...args);
    entries.set(key, { at: clock(), value });
    value.catch(() => {
      if (entries.get(key)?.value === value) entries.delete(key);
    });
    return value;
  };
}
