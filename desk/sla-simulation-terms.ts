import { customerScope, parseVersionRef, versionsAfterRetime, type AgreementScope } from '../domain/agreement';
import { parseCalendar, type CalendarSpec } from '../domain/calendar';
import { invalidInput, isDomainError } from '../domain/errors';
import { DEFAULT_POLICY, parsePolicyOverrides, type SlaPolicy } from '../domain/policy';
import type { ReplayTerms } from '../domain/sla-replay';
import type { TicketContent } from '../domain/entities';
import type { Store } from '../store';
import type { OrganizationInput } from './organizations';
import type { PinnedTermsLookup } from './pinned-terms';

/** A ticket's terms for a replay: those it was pinned to at receipt, and what each re-timing moved it to. */
export interface RecordedTerms {
  opened: ReplayTerms;
  retimeTo: (detail: Record<string, unknown>) => ReplayTerms | null;
}

/** A proposed calendar or policy: its full JSON, or the name (`gold`, `gold@3`) of a stored one. */
export type ProposedTerm = string | Record<string, unknown>;

export interface Proposal {
  policy?: SlaPolicy;
  calendar?: CalendarSpec;
  /** How the response names them: `gold@3`, or `draft` for JSON. */
  names: { policy?: string; calendar?: string };
}

export function createRecordedTerms(deps: { store: Store; pinnedTerms: PinnedTermsLookup }) {
  const { store } = deps;
  const cache = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, read: () => Promise<T>): Promise<T> => {
    if (!cache.has(key)) cache.set(key, read());
    return cache.get(key) as Promise<T>;
  };
  const stored = <T>(kind: 'calendar' | 'policy' | 'agreement', id: string, version: number) =>
    once(`${kind}:${id}:${version}`, async () => (await store.slaVersions.get<T>(kind, id, version))?.body ?? null);

  /** The agreement's scope: an organization's version the ticket names, else the customer's own (`trainingIncluded`). */
  async function scopeOf(t: TicketContent): Promise<AgreementScope> {
    const ref = parseVersionRef(t.slaVersion);
    if (ref && ref.id !== 'default') {
      const body = await stored<OrganizationInput>('agreement', ref.id, ref.version);
      if (body?.agreement.scope) return body.agreement.scope;
    }
    const user = await once(`user:${t.customerId}`, () => store.users.byId(t.customerId));
    return customerScope(user?.agreement?.trainingIncluded ?? false);
  }

  /** What each ticket's timeline needs: its terms at receipt and those its re-timings name, read before replaying. */
  async function of(tickets: TicketContent[], retimes: Map<string, Record<string, unknown>[]>) {
    const pinned = await deps.pinnedTerms.ofTickets(tickets);
    const out = new Map<string, RecordedTerms>();
    for (const t of tickets) {
      const now = pinned.get(t.id)!;
      const scope = await scopeOf(t);
      const details = retimes.get(t.id) ?? [];
      const moved = new Map<Record<string, unknown>, ReplayTerms | null>();
      for (const d of details) moved.set(d, await retimeTerms(d, now.policy, now.calendar.spec, scope));
      const first = details[0];
      out.set(t.id, {
        opened: first
          ? await openedBeforeRetime(t, first, now.policy, now.calendar.spec, scope)
          : { policy: now.policy, calendar: now.calendar.spec, scope },
        retimeTo: (d) => moved.get(d) ?? null,
      });
    }
    return out;
  }

  /**
   * A re-timed ticket's content names the versions it was moved to. Those it was opened under: the policy version the
   * first re-timing says it left (its name from the agreement version the ticket was opened under), and that
   * agreement's calendar as it stood at receipt (the newest version stored by then).
   */
  async function openedBeforeRetime(
    t: TicketContent,
    first: Record<string, unknown>,
    policy: SlaPolicy,
    calendar: CalendarSpec,
    scope: AgreementScope,
  ): Promise<ReplayTerms> {
    const ref = parseVersionRef(t.slaVersion);
    const agreement =
      ref && ref.id !== 'default'
        ? (await stored<OrganizationInput>('agreement', ref.id, ref.version))?.agreement
        : null;
    const policyName = agreement?.policy ?? policy.id;
    const policyVersion = typeof first.fromPolicyVersion === 'number' ? first.fromPolicyVersion : policy.version;
    const openedPolicy = await stored<SlaPolicy>('policy', policyName, policyVersion);
    const calendarName = agreement?.calendar ?? 'default';
    const versions = await once(`versions:calendar:${calendarName}`, () =>
      store.slaVersions.list('calendar', calendarName),
    );
    const inForce = versions.filter((v) => v.createdAt <= t.receivedAt).at(-1);
    const openedCalendar = inForce ? await stored<CalendarSpec>('calendar', calendarName, inForce.version) : null;
    return {
      policy: openedPolicy ? { ...openedPolicy, id: policyName, version: policyVersion } : policy,
      calendar: openedCalendar ?? calendar,
      scope,
    };
  }

  async function retimeTerms(
    d: Record<string, unknown>,
    policy: SlaPolicy,
    calendar: CalendarSpec,
    scope: AgreementScope,
  ): Promise<ReplayTerms | null> {
    const to = versionsAfterRetime(d);
    const policyRef = to?.policy ?? { id: policy.id, version: Number(d.toPolicyVersion) };
    const body = await stored<SlaPolicy>('policy', policyRef.id, policyRef.version);
    const spec = to ? await stored<CalendarSpec>('calendar', to.calendar.id, to.calendar.version) : calendar;
    if (!body || !spec) return null;
    return { policy: { ...body, id: policyRef.id, version: policyRef.version }, calendar: spec, scope };
  }

  /** A proposal's calendar and policy: JSON is validated as the SLA API validates it (400 naming the field). */
  async function proposal(input: { policy?: ProposedTerm; calendar?: ProposedTerm }): Promise<Proposal> {
    const names: Proposal['names'] = {};
    const out: Proposal = { names };
    if (input.policy !== undefined) {
      if (typeof input.policy === 'string') {
        const found = await named<SlaPolicy>('policy', input.policy);
        out.policy = { ...found.body, id: found.id, version: found.version };
        names.policy = `${found.id}@${found.version}`;
      } else {
        out.policy = asField('policy', () =>
          parsePolicyOverrides({ id: 'draft', ...(input.policy as object) }, DEFAULT_POLICY),
        );
        names.policy = 'draft';
      }
    }
    if (input.calendar !== undefined) {
      if (typeof input.calendar === 'string') {
        const found = await named<CalendarSpec>('calendar', input.calendar);
        out.calendar = found.body;
        names.calendar = `${found.id}@${found.version}`;
      } else {
        out.calendar = asField('calendar', () => parseCalendar(input.calendar));
        names.calendar = 'draft';
      }
    }
    return out;
  }

  async function named<T>(kind: 'calendar' | 'policy', name: string) {
    const ref = parseVersionRef(name);
    const found = ref
      ? await store.slaVersions.get<T>(kind, ref.id, ref.version)
      : await store.slaVersions.latest<T>(kind, name);
    if (!found) throw invalidInput(`no stored ${kind} "${name}"`, kind);
    return { body: found.body, id: ref?.id ?? name, version: found.version };
  }

  return { of, proposal };
}

/** A policy's or calendar's own error names its field inside the proposal (`policy.targets.high.firstResponse`). */
function asField<T>(prefix: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (isDomainError(err)) throw invalidInput(err.reason, err.field ? `${prefix}.${err.field}` : prefix);
    throw err;
  }
}
