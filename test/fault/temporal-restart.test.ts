import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { waitForCount } from '../../bench/lib';
import { apiClient } from '../support/http';
import { escalationLags, openUrgentAndHigh, shortSla, useFaultStack } from './support';

/**
 * The Temporal dev server stops and starts again on its sqlite file while tickets sleep on their
 * timers. Tickets are in two groups: the urgent ones fall due while the server is down (they must fire
 * as soon as it is back), the high ones after it is back (they must fire on time). None may be lost.
 */
const PER_GROUP = 20;
const URGENT_S = 45; // due during the outage
const HIGH_S = 100; // due after the restart

const sla = shortSla(URGENT_S, 0.9);
const policy = { ...sla.policy, targets: { ...sla.policy.targets, high: { firstResponseMinutes: HIGH_S / 60 } } };
const live = useFaultStack({ slaConfig: { ...sla, policy } });

describe('Temporal dev server restarted on its persistent database', () => {
  it(
    'fires every timer: the ones due during the outage at once, the others on time',
    { timeout: 600_000 },
    async () => {
      const api = apiClient(live.stack.apiUrl, live.stack.adminKey);
      const t0 = Date.now();
      const created = await openUrgentAndHigh(api, 2 * PER_GROUP);
      const ids = created.map((t) => t.id);
      const acks = () =>
        live.db
          .collection('notifications')
          .countDocuments({ ticketId: { $in: ids }, kind: 'acknowledgement', status: 'sent' });
      expect((await waitForCount(acks, ids.length, 60_000)).reached).toBe(ids.length);

      // Down from before the first urgent deadline until after the last one.
      const firstUrgent = Math.min(...created.filter((t) => t.priority === 'urgent').map((t) => t.dueAt));
      const lastUrgent = Math.max(...created.filter((t) => t.priority === 'urgent').map((t) => t.dueAt));
      expect(Date.now()).toBeLessThan(firstUrgent - 3_000); // the burst must leave room for the outage
      await delay(firstUrgent - 3_000 - Date.now());
      const downAt = Date.now();
      await live.stack.kill('temporal', 'SIGTERM');
      await delay(Math.max(0, lastUrgent + 2_000 - Date.now()));
      await live.stack.start('temporal');
      const upAt = Date.now();
      expect(Math.min(...created.filter((t) => t.priority === 'high').map((t) => t.dueAt))).toBeGreaterThan(upAt);

      const escalated = () =>
        live.db.collection('sla_events').countDocuments({ ticketId: { $in: ids }, type: 'escalated' });
      expect((await waitForCount(escalated, ids.length, HIGH_S * 1000 + 240_000)).reached).toBe(ids.length);
      const lags = await escalationLags(live.db, ids);
      const urgentLags = created.filter((t) => t.priority === 'urgent').map((t) => lags.get(t.id)!);
      const highLags = created.filter((t) => t.priority === 'high').map((t) => lags.get(t.id)!);
      expect(Math.min(...urgentLags, ...highLags)).toBeGreaterThanOrEqual(0);
      // Due while the server was down: fired once it was back, no later than the outage itself (plus a worker reconnect).
      expect(Math.max(...urgentLags)).toBeLessThanOrEqual(upAt - downAt + 15_000);
      // Due after the restart: on time, as in the precision test.
      expect(Math.max(...highLags)).toBeLessThan(5_000);
      console.log(
        `[fault] temporal restart: down ${upAt - downAt} ms (${((downAt - t0) / 1000).toFixed(0)} s after the burst began); max lag ${Math.max(...urgentLags)} ms (due while down), ${Math.max(...highLags)} ms (due after)`,
      );
    },
  );
});
