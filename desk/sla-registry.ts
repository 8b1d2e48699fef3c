import { parseCalendar, type CalendarSpec } from '../domain/calendar';
import { parsePolicyOverrides, type SlaPolicy, DEFAULT_POLICY } from '../domain/policy';
import type { Logger } from '../lib/logger';
import type { Store } from '../store';
import type { SlaSettings } from './tickets';

export interface VersionedSla extends SlaSettings {
  calendarVersion: number;
}

const NAME = 'default';

/** Equal as stored data: key order and a policy's id and version number aside. */
function sameBody(a: unknown, b: unknown): boolean {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(canonical) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])])) : v;
  const strip = (v: unknown) => {
    const { id: _id, version: _version, ...rest } = v as Record<string, unknown>;
    return rest;
  };
  return JSON.stringify(canonical(strip(a))) === JSON.stringify(canonical(strip(b)));
}

export interface SlaRegistryDeps {
  store: Store;
  /** The built-in SLA, or SLA_CONFIG's when `configFile` is set. */
  seed: SlaSettings;
  /** SLA_CONFIG's path: the seed is then applied over stored versions, not only on first start. */
  configFile?: string;
  logger?: Pick<Logger, 'info'>;
  now: () => Date;
  refreshMs?: number;
}

/**
 * The SLA in force: the newest stored calendar and policy versions, seeded on first start. An SLA_CONFIG file
 * that differs from the newest stored version becomes a new version at startup (and says so), so setting it on
 * an existing DATA_DIR is never silently ignored. `current()` is synchronous for request handlers; it is
 * refreshed after every change here and periodically, so several API instances converge on the newest versions.
 */
export function createSlaRegistry(deps: SlaRegistryDeps) {
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
      for (const kind of ['calendar', 'policy'] as const) {
        const latest = await store.slaVersions.latest(kind, NAME);
        const next = (latest?.version ?? 0) + 1;
        const body = kind === 'calendar' ? deps.seed.calendar : { ...deps.seed.policy, id: NAME, version: next };
        if (latest && (!deps.configFile || sameBody(latest.body, body))) continue;
        const stored = await store.slaVersions.append(kind, NAME, body, latest ? 'SLA_CONFIG' : 'startup', deps.now());
        if (latest) {
          await store.audit.record({ at: deps.now(), actor: 'SLA_CONFIG', action: `${kind}.update`, target: `${kind}:${NAME}:${stored.version}` });
          deps.logger?.info(
            { kind, version: stored.version, previous: latest.version, file: deps.configFile },
            `SLA_CONFIG (${deps.configFile}) differs from the stored ${kind} version ${latest.version}: applied as version ${stored.version}; new tickets use it, open tickets keep theirs until re-timed`,
          );
        }
      }
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
