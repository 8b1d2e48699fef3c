import { randomBytes } from 'node:crypto';
import { createCalendar, parseCalendar, type CalendarSpec } from '../domain/calendar';
import { invalidInput, notFoundError } from '../domain/errors';
import { DEFAULT_POLICY, parsePolicyOverrides, type SlaPolicy } from '../domain/policy';
import type { Logger } from '../lib/logger';
import type { Store } from '../store';
import type { RevisionNotices, RevisionRecord } from './revision-notices';
import type { OrganizationService } from './organizations';
import type { AgreementSpec, Organization } from '../store/organizations';
import type { SettingsKind, SlaRegistry } from './sla-registry';

/**
 * Revisions and when they apply. A revision saved now (PUT of a calendar or policy, an organization's new agreement)
 * is announced as it is stored; one with a later `effectiveFrom` is announced now and stored as a new version when
 * its time comes, by whichever API instance claims it first (a timer here, and a check at every start).
 */

/** Timers wait at most this long, then look again (setTimeout's limit is 24.8 days; a restart re-arms anyway). */
const MAX_WAIT_MS = 6 * 3_600_000;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * How long an instance's claim on a due revision holds. Storing one takes milliseconds; a claim this old belongs to
 * an instance that failed (the store away, a crash) before marking it applied, and the next look takes it again.
 */
export const APPLY_LEASE_MS = 5 * 60_000;

/** The body as the registry would store it, validated now (400 naming the field): what it will promise. */
function parsedBody(kind: SettingsKind, body: unknown): CalendarSpec | SlaPolicy {
  if (kind === 'calendar') return parseCalendar(body);
  const { id: _id, ...overrides } = (body ?? {}) as Record<string, unknown>;
  return parsePolicyOverrides(overrides, DEFAULT_POLICY);
}

export function createRevisionSchedule(deps: {
  store: Store;
  /** The registry and organizations themselves, not those that announce: a scheduled revision was announced already. */
  registry: SlaRegistry;
  organizations: OrganizationService;
  notices: RevisionNotices;
  now: () => Date;
  logger: Logger;
}) {
  const { store, registry, notices } = deps;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  async function current(kind: SettingsKind, name: string): Promise<CalendarSpec | SlaPolicy> {
    if (name === 'default') return kind === 'calendar' ? registry.current().calendar : registry.current().policy;
    const latest = await registry.latest<CalendarSpec | SlaPolicy>(kind, name);
    if (!latest) throw notFoundError(kind);
    return latest.body;
  }

  /**
   * When a revision starts: an instant as given; a date at its midnight in the zone its customers read times in: the
   * revised calendar's, an agreement's own calendar's, and for a policy the default calendar's.
   */
  async function startOf(r: { kind: SettingsKind | 'agreement'; body: unknown; effectiveFrom: string }): Promise<Date> {
    if (!DATE.test(r.effectiveFrom)) return new Date(r.effectiveFrom);
    const zoneOf =
      r.kind === 'calendar'
        ? (r.body as CalendarSpec)
        : r.kind === 'agreement'
          ? ((await current('calendar', (r.body as AgreementSpec).calendar).catch(() => null)) as CalendarSpec | null)
          : null;
    return createCalendar(zoneOf ?? registry.current().calendar).fromLocal(`${r.effectiveFrom}T00:00`);
  }

  /** Stores an organization's scheduled agreement as its organization's PUT would, keeping its name and domains. */
  async function applyAgreement(rev: RevisionRecord): Promise<{ version: number }> {
    const org = await deps.organizations.get(rev.name);
    return deps.organizations.update(
      rev.name,
      { name: org.name, domains: org.domains, agreement: rev.body as AgreementSpec },
      rev.actor,
    );
  }

  /**
   * An organization's agreement from a later date: its calendar and policy must exist now (400 naming the field);
   * the rest of what its PUT checks is checked again when it is stored.
   */
  async function scheduleAgreement(input: {
    id: string;
    name: string;
    body: unknown;
    effectiveFrom: Date;
    actor: string;
  }) {
    const before = await deps.organizations.get(input.name);
    const agreement = input.body as AgreementSpec;
    if (!(await registry.latest('calendar', agreement.calendar)))
      throw invalidInput(`no calendar named ${agreement.calendar}`, 'body.calendar');
    if (!(await registry.latest('policy', agreement.policy)))
      throw invalidInput(`no policy named ${agreement.policy}`, 'body.policy');
    const after: Organization = { ...before, agreement, version: before.version + 1, updatedAt: input.effectiveFrom };
    return notices.agreementRevised(before, after, input.actor, { id: input.id, body: input.body });
  }

  const staleBefore = () => new Date(deps.now().getTime() - APPLY_LEASE_MS);

  async function apply(rev: RevisionRecord): Promise<void> {
    if (!(await store.revisions.claimScheduled(rev.id, deps.now(), staleBefore()))) return;
    let saved: { version: number };
    try {
      saved =
        rev.kind === 'agreement'
          ? await applyAgreement(rev)
          : rev.kind === 'calendar'
            ? await registry.putCalendar(rev.body, rev.actor, rev.name)
            : await registry.putPolicy(rev.body, rev.actor, rev.name);
    } catch (err) {
      // Nothing was stored: the next look (in a minute, see tick) takes it again. A crash here leaves the claim to
      // run out instead (APPLY_LEASE_MS), and the next start takes it.
      await store.revisions.releaseClaim(rev.id).catch(() => undefined);
      throw err;
    }
    await store.revisions.markApplied(rev.id, saved.version);
    deps.logger.info({ revision: rev.id, version: saved.version }, 'scheduled revision applied');
  }

  /** Stores every scheduled revision whose time has come; returns the next one's instant, if any. */
  async function applyDue(): Promise<Date | null> {
    const now = deps.now();
    for (const rev of await store.revisions.scheduled(staleBefore())) {
      if (rev.effectiveFrom > now) return rev.effectiveFrom;
      await apply(rev);
    }
    return null;
  }

  function arm(next: Date | null): void {
    if (timer) clearTimeout(timer);
    if (stopped || !next) return;
    const wait = Math.min(Math.max(next.getTime() - deps.now().getTime(), 0), MAX_WAIT_MS);
    timer = setTimeout(() => void tick(), wait);
    timer.unref();
  }

  async function tick(): Promise<void> {
    try {
      arm(await applyDue());
    } catch (err) {
      deps.logger.error({ err }, 'scheduled revisions not applied; trying again in a minute');
      arm(new Date(deps.now().getTime() + 60_000));
    }
  }

  return {
    /**
     * A revision of a calendar or policy that takes effect later: validated and announced now, stored as a new
     * version at `effectiveFrom`. An `effectiveFrom` not in the future is refused: a PUT stores it now.
     */
    async schedule(request: {
      kind: SettingsKind | 'agreement';
      name: string;
      body: unknown;
      /** An instant, or a date (`2027-01-04`): its midnight where the revised terms keep time (startOf). */
      effectiveFrom: string;
      actor: string;
    }): Promise<RevisionRecord> {
      const input = { ...request, effectiveFrom: await startOf(request) };
      if (input.effectiveFrom <= deps.now())
        throw invalidInput(
          'must be in the future (to revise now, PUT the calendar, policy or organization)',
          'effectiveFrom',
        );
      const id = `${input.kind}:${input.name}:from-${input.effectiveFrom.toISOString()}-${randomBytes(4).toString('hex')}`;
      const rev =
        input.kind === 'agreement'
          ? await scheduleAgreement({ ...input, id })
          : await notices.settingsRevised({
              id,
              kind: input.kind,
              name: input.name,
              before: await current(input.kind, input.name),
              after: parsedBody(input.kind, input.body),
              effectiveFrom: input.effectiveFrom,
              actor: input.actor,
              body: input.body,
            });
      // Recorded even when it announces nothing (desk/revision-notices.ts announce): it still has to be stored.
      if (!rev) throw new Error(`scheduled revision ${id} was not recorded`);
      arm((await store.revisions.scheduled(staleBefore()))[0]?.effectiveFrom ?? null);
      return rev;
    },

    applyDue,

    /** Applies what came due while stopped and arms the timer (the API, at every start). */
    start: () => tick(),

    stop(): void {
      stopped = true;
      if (timer) clearTimeout(timer);
    },

    /** The revisions, newest first: what each changes per group, when it applies, whether its notices are out. */
    list: () => store.revisions.list(),
  };
}

export type RevisionSchedule = ReturnType<typeof createRevisionSchedule>;

/** The registry whose saves announce themselves: a new calendar or policy version is a revision customers hear of. */
export function announcingRegistry(registry: SlaRegistry, notices: RevisionNotices, now: () => Date): SlaRegistry {
  async function before(kind: SettingsKind, name: string) {
    if (name === 'default') return kind === 'calendar' ? registry.current().calendar : registry.current().policy;
    return (await registry.latest<CalendarSpec | SlaPolicy>(kind, name))?.body ?? null;
  }
  const announced = async <T extends { version: number; body: unknown }>(
    kind: SettingsKind,
    name: string,
    was: CalendarSpec | SlaPolicy | null,
    saved: T,
    actor: string,
  ): Promise<T> => {
    if (was)
      await notices.settingsRevised({
        kind,
        name,
        version: saved.version,
        before: was,
        after: saved.body as CalendarSpec | SlaPolicy,
        effectiveFrom: now(),
        actor,
      });
    return saved;
  };
  return {
    ...registry,
    async putCalendar(input, actor, name = 'default') {
      const was = await before('calendar', name);
      return announced('calendar', name, was, await registry.putCalendar(input, actor, name), actor);
    },
    async putPolicy(input, actor, name = 'default') {
      const was = await before('policy', name);
      return announced('policy', name, was, await registry.putPolicy(input, actor, name), actor);
    },
  };
}

/** The organizations whose agreement changes announce themselves to the organization's customers. */
export function announcingOrganizations(
  organizations: OrganizationService,
  notices: RevisionNotices,
): OrganizationService {
  return {
    ...organizations,
    async update(id, raw, actor) {
      const before = await organizations.get(id);
      const after = await organizations.update(id, raw, actor);
      await notices.agreementRevised(before, after, actor);
      return after;
    },
  };
}
