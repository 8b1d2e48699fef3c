import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../store';
import { CLAIM_LEASE_MS } from '../../store/notifications';
import { connectTestStore } from '../support/stack';

let store: Store;
beforeAll(async () => {
  store = await connectTestStore();
});
afterAll(async () => {
  await store?.conn.close();
});

const claim = (key: string) => ({
  key,
  ticketId: 'T1',
  kind: 'escalation',
  to: ['l2@test.local'],
  subject: 's',
  messageId: `<${key}@test.local>`,
});

describe('the notification log claim (store/notifications.ts)', () => {
  it('lets one attempt send; a concurrent retry is held off, a later one finds the mail sent', async () => {
    const t0 = new Date('2026-12-01T10:00:00Z');
    expect(await store.notifications.claim(claim('k1'), t0)).toBe('claimed');
    // Temporal retried while the first attempt is still sending: it must not send too.
    expect(await store.notifications.claim(claim('k1'), new Date(t0.getTime() + 1_000))).toBe('held');
    await store.notifications.markSent(['k1'], new Date(t0.getTime() + 2_000));
    expect(await store.notifications.claim(claim('k1'), new Date(t0.getTime() + 3_000))).toBe('sent');
    expect(await store.notifications.claim(claim('k1'), new Date(t0.getTime() + 10 * CLAIM_LEASE_MS))).toBe('sent');
  });

  it('takes over a claim whose attempt died, once its lease has run out, and only one taker wins', async () => {
    const t0 = new Date('2026-12-01T10:00:00Z');
    expect(await store.notifications.claim(claim('k2'), t0)).toBe('claimed');
    const late = new Date(t0.getTime() + CLAIM_LEASE_MS + 1);
    const takers = await Promise.all([
      store.notifications.claim(claim('k2'), late),
      store.notifications.claim(claim('k2'), late),
    ]);
    expect(takers.sort()).toEqual(['claimed', 'held']);
    const [entry] = await store.notifications.forTicket('T1').then((all) => all.filter((n) => String(n._id) === 'k2'));
    expect(entry).toMatchObject({ status: 'sending', attempts: 2 });
  });
});
