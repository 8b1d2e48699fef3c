import { conflictError, invalidInput, notFoundError } from '../domain/errors';
import { parseCalendar, type CalendarSpec } from '../domain/calendar';
import { parsePolicyOverrides, type SlaPolicy, DEFAULT_POLICY } from '../domain/policy';
import type { Logger } from '../lib/logger';
import type { Store } from '../store';
import type { SlaKind, SlaVersion } from '../domain/entities';
import { withAgentIds } from './policy-agents';

/** The calendar and policy a ticket's clocks run on. */
export interface SlaSettings {
  calendar: CalendarSpec;
  policy: SlaPolicy;
}

export interface VersionedSla extends SlaSettings {
  calendarVersion: number;
}

const NAME = 'default';

/** A calendar's or policy's name: what agreements refer to it by. */
export const SLA_NAME = /^[a-z][a-z0-9-]{1,39}$/;
export type SettingsKind = Exclude<SlaKind, 'agreement'>;

/** Equal as stored data: key order and a policy's id and version number aside. */
function sameBody(a: unknown, b: unknown): boolean {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
          )
        : v;
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
    if (calendar && policy)
      current = {
        calendar: calendar.body,
        policy: { ...policy.body, version: policy.version },
        calendarVersion: calendar.version,
      };
  }

  async function existing(kind: SettingsKind, name: string): Promise<SlaVersion> {
    const found = await store.slaVersions.latest(kind, name);
    if (!found) throw notFoundError(kind);
    return found;
  }

  return {
    current: (): VersionedSla => current,

    async init(): Promise<void> {
      for (const kind of ['calendar', 'policy'] as const) {
        const latest = await store.slaVersions.latest(kind, NAME);
        const next = (latest?.version ?? 0) + 1;
        const body =
          kind === 'calendar'
            ? deps.seed.calendar
            : { ...(await withAgentIds(store, deps.seed.policy)), id: NAME, version: next };
        if (latest && (!deps.configFile || sameBody(latest.body, body))) continue;
        const stored = await store.slaVersions.append(kind, NAME, body, latest ? 'SLA_CONFIG' : 'startup', deps.now());
        if (latest) {
          await store.audit.record({
            at: deps.now(),
            actor: 'SLA_CONFIG',
            action: `${kind}.update`,
            target: `${kind}:${NAME}:${stored.version}`,
          });
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

    /** The newest version of a named calendar or policy (`default` included), or null. */
    latest<T = unknown>(kind: SettingsKind, name: string): Promise<SlaVersion<T> | null> {
      return store.slaVersions.latest<T>(kind, name);
    },

    /** Every version of a named calendar or policy, oldest first, without their bodies (none: it does not exist). */
    versions(kind: SettingsKind, name: string): Promise<Omit<SlaVersion, 'body'>[]> {
      return store.slaVersions.list(kind, name);
    },

    /** One version of a named calendar or policy, or null. */
    version<T = unknown>(kind: SettingsKind, name: string, version: number): Promise<SlaVersion<T> | null> {
      return store.slaVersions.get<T>(kind, name, version);
    },

    /** Validates (400 naming the field) and stores a new calendar version; a named one must exist (POST creates it). */
    async putCalendar(input: unknown, actor: string, name = NAME) {
      if (name !== NAME) await existing('calendar', name);
      const calendar = parseCalendar(input);
      const saved = await store.slaVersions.append('calendar', name, calendar, actor, deps.now());
      await store.audit.record({
        at: deps.now(),
        actor,
        action: 'calendar.update',
        target: `calendar:${name}:${saved.version}`,
      });
      if (name === NAME) await load();
      return saved;
    },

    /** The body uses the SLA_CONFIG policy form, applied over the built-in defaults. */
    async putPolicy(input: unknown, actor: string, name = NAME) {
      if (name !== NAME) await existing('policy', name);
      const { id: _id, ...overrides } = (input ?? {}) as Record<string, unknown>;
      const parsed = await withAgentIds(store, parsePolicyOverrides(overrides, DEFAULT_POLICY));
      const latest = await store.slaVersions.latest('policy', name);
      const policy = { ...parsed, id: name, version: (latest?.version ?? 0) + 1 };
      const saved = await store.slaVersions.append('policy', name, policy, actor, deps.now());
      await store.audit.record({
        at: deps.now(),
        actor,
        action: 'policy.update',
        target: `policy:${name}:${saved.version}`,
      });
      if (name === NAME) await load();
      return { ...saved, body: { ...policy, version: saved.version } };
    },

    /** A new named calendar or policy from `{id, …body}` (version 1); 409 when the name is taken. */
    async create(kind: SettingsKind, input: Record<string, unknown>, actor: string) {
      const { id, ...body } = input;
      if (typeof id !== 'string' || !SLA_NAME.test(id))
        throw invalidInput('must be a lowercase name such as "acme-hours" (letters, digits, dashes; 2–40)', 'id');
      if (await store.slaVersions.latest(kind, id))
        throw conflictError(
          `a ${kind} named ${id} already exists; PUT /api/v1/sla/${kind === 'calendar' ? 'calendars' : 'policies'}/${id} stores a new version`,
        );
      const parsed =
        kind === 'calendar'
          ? parseCalendar(body)
          : { ...(await withAgentIds(store, parsePolicyOverrides(body, DEFAULT_POLICY))), id, version: 1 };
      const saved = await store.slaVersions.append(kind, id, parsed, actor, deps.now());
      if (saved.version !== 1) throw conflictError(`a ${kind} named ${id} was created at the same time`);
      await store.audit.record({ at: deps.now(), actor, action: `${kind}.create`, target: `${kind}:${id}:1` });
      return saved;
    },

    /**
     * Deletes a named calendar or policy with its versions. `default` stays, and so does one an organization's
     * agreement names (409 naming them). Tickets keep the copy they were opened under.
     */
    async remove(kind: SettingsKind, name: string, actor: string): Promise<void> {
      if (name === NAME) throw conflictError(`the default ${kind} cannot be deleted`);
      await existing(kind, name);
      const users = await store.organizations.using(kind, name);
      if (users.length) {
        throw conflictError(
          `the ${kind} ${name} is in use by organization${users.length > 1 ? 's' : ''} ${users.map((o) => `${o.id} (${o.name})`).join(', ')}`,
        );
      }
      await store.slaVersions.remove(kind, name);
      await store.audit.record({ at: deps.now(), actor, action: `${kind}.delete`, target: `${kind}:${name}` });
    },
  };
}

export type SlaRegistry = ReturnType<typeof createSlaRegistry>;
