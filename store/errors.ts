/** MongoDB's duplicate-key error (E11000): a concurrent upsert inserted the document first. */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: number }).code === 11000;
}

/**
 * FerretDB is up but the PostgreSQL under it is not (the cluster mode's document store): it answers InternalError (1)
 * with the backend's error, e.g. "failed to connect to `user=temporal database=ferretdb`: … connection refused", or a
 * connection PostgreSQL ended as it stopped (SQLSTATE 57P01–57P03: shutdown, crash, not accepting connections yet).
 */
const FERRETDB_BACKEND_AWAY =
  /failed to connect to `|SQLSTATE 57P0[123]|conn closed|unexpected EOF|connection reset by peer|broken pipe/;

/**
 * The database is unreachable (driver network/selection errors, mongoose giving up on a buffered operation, or
 * FerretDB's PostgreSQL away): the answer is 503 with Retry-After, never a 500 — nothing was done, the client retries.
 */
export function isStoreUnavailable(err: unknown): boolean {
  const e = err as { name?: string; message?: string; code?: number } | null;
  if (e?.name === 'MongoServerError' && e.code === 1 && FERRETDB_BACKEND_AWAY.test(e.message ?? '')) return true;
  if (
    /^Mongo(ServerSelection|Network|NetworkTimeout|NotConnected|PoolCleared|ServerClosed|TopologyClosed|WaitQueueTimeout)Error$/.test(
      e?.name ?? '',
    )
  )
    return true;
  return (
    e?.name === 'MongooseError' &&
    /buffering timed out|Client must be connected|connection .* closed/i.test(e.message ?? '')
  );
}
