import { parseCalendar, type CalendarSpec } from '../domain/calendar';
import { parsePolicyOverrides, type SlaPolicy, DEFAULT_POLICY } from '../domain/policy';
import type { Store } from '../store';
import type { SlaSettings } from './tickets';

export interface VersionedSla extends SlaSettings {
  calendarVersion: number;
}

const NAME = 'default';

/**
 * The SLA in force: the newest stored calendar and policy versions, seeded from SLA_CONFIG on first
 * start. `current()` is synchronous for request handlers; it is refreshed after every change here
 * and periodically, so several API instances converge on the newest versions.
 */
export function createSlaRegistry(deps: { store: Store; seed: SlaSettings; now: () => Date; refreshMs?: number }) {
  const { store } = deps;
  let current: VersionedSla = { ...deps.seed, calendarVersion: 0 };
  let timer: NodeJS.Timeout | undefined;

  async function load(): Promise<void> {
    const [calendar, policy] = await Promise.all([
      store.slaVersions.latest<CalendarSpec>('calendar', NAME),
      store.slaVersions.latest<SlaPolicy>('policy', NAME),
    ]);
    if (calendar && policy) current = { calendar: calendar.body, policy: { ...policy.body, version: policy.version }, calendarVersion: calendar.version };
  }

  return {
    current: (): VersionedSla => current,

    async init(): Promise<void> {
      if (!(await store.slaVersions.latest('calendar', NAME))) await store.slaVersions.append('calendar', NAME, deps.seed.calendar, 'startup', deps.now());
      if (!(await store.slaVersions.latest('policy', NAME))) await store.slaVersions.append('policy', NAME, { ...deps.seed.policy, id: NAME, version: 1 }, 'startup', deps.now());
      await load();
      if (deps.refreshMs) {
        timer = setInterval(() => void load().catch(() => undefined), deps.refreshMs);
        timer.unref();
      }
    },

    stop(): void {
      if (timer) clearInterval(timer);
    },

    /** Validates (400 naming the field) and stores a new calendar version. */
    async putCalendar(input: unknown, actor: string) {
      const calendar = parseCalendar(input);
      const saved = await store.slaVersions.append('calendar', NAME, calendar, actor, deps.now());
      await store.audit.record({ at: deps.now(), actor, action: 'calendar.update', target: `calendar:${NAME}:${saved.version}` });
      await load();
      return saved;
    },

    /** The body uses the SLA_CONFIG policy form, applied over the built-in defaults. */
    async putPolicy(input: unknown, actor: string) {
      const parsed = parsePolicyOverrides(input, DEFAULT_POLICY);
      const latest = await store.slaVersions.latest('policy', NAME);
      const policy = { ...parsed, id: NAME, version: (latest?.version ?? 0) + 1 };
      const saved = await store.slaVersions.append('policy', NAME, policy, actor, deps.now());
      await store.audit.record({ at: deps.now(), actor, action: 'policy.update', target: `policy:${NAME}:${saved.version}` });
      await load();
      return { ...saved, body: { ...policy, version: saved.version } };
    },
  };
}

export type SlaRegistry = ReturnType<typeof createSlaRegistry>;
