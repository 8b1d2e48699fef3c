/**
 * `work`, or `late()`'s error once `ms` have passed, whichever comes first. The work goes on (nothing here can stop
 * it); the timer is cleared as soon as either settles, so a budget leaves nothing behind.
 */
export function withinBudget<T>(work: Promise<T>, ms: number, late: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(late()), ms);
  });
  return Promise.race([work, expiry]).finally(() => clearTimeout(timer));
}
