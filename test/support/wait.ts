import { setTimeout as delay } from 'node:timers/promises';

/**
 * Polls an observable condition until it holds (or fails after `timeoutMs`). Used only where the
 * system offers no event to wait on, e.g. an asynchronous projection reaching the API.
 */
export async function eventually<T>(
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await delay(50);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** Response bodies in tests are checked field by field, so `any` is the honest type here. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const json = (res: Response): Promise<any> => res.json();
