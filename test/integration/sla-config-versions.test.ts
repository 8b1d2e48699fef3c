import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALWAYS_OPEN_CALENDAR, SLA_CALENDAR } from '../../domain/calendar';
import { DEFAULT_POLICY, parsePolicyOverrides } from '../../domain/policy';
import { createSlaRegistry } from '../../desk/sla-registry';
import type { Store } from '../../store';
import { connectTestStore } from '../support/stack';

/** SLA_CONFIG on a DATA_DIR that already has SLA versions (desk/sla-registry.ts `init`). */

let store: Store;
beforeAll(async () => {
  store = await connectTestStore();
});
afterAll(async () => {
  await store?.conn.close();
});

function logged() {
  const lines: string[] = [];
  return { lines, logger: { info: (_fields: unknown, msg?: string) => void lines.push(String(msg)) } };
}

describe('SLA_CONFIG over stored versions', () => {
  const fast = {
    calendar: ALWAYS_OPEN_CALENDAR,
    policy: parsePolicyOverrides({ targets: { urgent: { firstResponseMinutes: 1, resolutionMinutes: 3 } } }),
  };
  const now = () => new Date();

  it('is applied as a new version with a log line saying so, and only when it differs from the newest', async () => {
    const first = createSlaRegistry({ store, seed: { calendar: SLA_CALENDAR, policy: DEFAULT_POLICY }, now });
    await first.init();
    expect(first.current().policy.version).toBe(1);

    const log = logged();
    const configured = createSlaRegistry({
      store,
      seed: fast,
      configFile: 'examples/sla-demo-fast.json',
      logger: log.logger,
      now,
    });
    await configured.init();
    expect(configured.current().policy.version).toBe(2);
    expect(configured.current().calendarVersion).toBe(2);
    expect(configured.current().policy.targets.urgent.firstResponse.minutes).toBe(1);
    expect(configured.current().calendar.timezone).toBe('UTC');
    expect(log.lines).toHaveLength(2);
    expect(log.lines.join('\n')).toMatch(
      /SLA_CONFIG \(examples\/sla-demo-fast\.json\) differs from the stored policy version 1: applied as version 2/,
    );
    expect((await store.slaVersions.latest('policy', 'default'))!.createdBy).toBe('SLA_CONFIG');
    expect((await store.audit.recent()).map((a) => a.actor)).toContain('SLA_CONFIG');

    // The same file again (a restart): nothing new, nothing logged.
    const again = logged();
    const restarted = createSlaRegistry({
      store,
      seed: fast,
      configFile: 'examples/sla-demo-fast.json',
      logger: again.logger,
      now,
    });
    await restarted.init();
    expect(restarted.current().policy.version).toBe(2);
    expect(again.lines).toEqual([]);

    // Without SLA_CONFIG the stored versions stand (an admin's PUT is never undone by a restart).
    const plain = createSlaRegistry({ store, seed: { calendar: SLA_CALENDAR, policy: DEFAULT_POLICY }, now });
    await plain.init();
    expect(plain.current().policy.version).toBe(2);
    expect((await store.slaVersions.list('policy', 'default')).map((v) => v.version)).toEqual([1, 2]);
  });
});
