/** MongoDB's duplicate-key error (E11000): a concurrent upsert inserted the document first. */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: number }).code === 11000;
}
