/** MongoDB's duplicate-key error (E11000): a concurrent upsert inserted the document first. */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: number }).code === 11000;
}

/**
 * The database is unreachable (driver network/selection errors, or mongoose giving up on a buffered
 * operation): the answer is 503 with Retry-After, never a 500 — nothing was done, the client retries.
 */
export function isStoreUnavailable(err: unknown): boolean {
  const e = err as { name?: string; message?: string } | null;
  if (
    /^Mongo(ServerSelection|Network|NetworkTimeout|NotConnected|PoolCleared|ServerClosed|TopologyClosed)Error$/.test(
      e?.name ?? '',
    )
  )
    return true;
  return (
    e?.name === 'MongooseError' &&
    /buffering timed out|Client must be connected|connection .* closed/i.test(e.message ?? '')
  );
}
