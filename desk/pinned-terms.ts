import { parseVersionRef, type VersionRef } from '../domain/agreement';
import { createCalendar, type BusinessCalendar, type CalendarSpec } from '../domain/calendar';
import type { SlaPolicy } from '../domain/policy';
import { escalationLadder, type TicketSnapshot } from '../domain/ticket-sla';
import type { Store } from '../store';
import { microcache } from '../store/microcache';
import type { TicketContent } from '../domain/entities';
import type { OrganizationInput } from './organizations';
import type { SlaRegistry } from './sla-registry';

/**
 * The calendar and policy a ticket runs under: the versions it was pinned to at receipt (or moved to by a re-timing),
 * not the default in force. Pages format a ticket's times, open windows, categories and escalation ladder with these.
 */
export interface PinnedTerms {
  calendar: BusinessCalendar;
  policy: SlaPolicy;
  /** L1 and the policy's escalation levels, in order. */
  ladder: string[];
  /** `<calendar>@<version>`, or `default` for a ticket opened before calendars were pinned (the default in force). */
  calendarName: string;
  /** `<policy>@<version>`. */
  policyName: string;
  /** Set when a version the ticket names is no longer stored (a deleted calendar or policy): what stands in for it. */
  standIn?: string;
}

/** Which versions: a null calendar is the default in force (tickets opened before calendars were pinned). */
export interface TermsRef {
  calendar: VersionRef | null;
  policy: VersionRef;
}

/**
 * A version's body does not change, so its terms are kept a while: the queue, polled by every agent, reads each once.
 * Not for ever, since a deleted calendar's name can be created again (its versions start over at 1).
 */
const RESOLVED_TTL_MS = 10 * 60_000;
/** Organizations' ladders for the queue's level filter are read again after this long. */
const LADDERS_TTL_MS = 30_000;

const refName = (r: VersionRef) => `${r.id}@${r.version}`;

/** A live snapshot names its versions; one read from the projection (the workflow away) does not. */
function snapshotRef(sla: Partial<Pick<TicketSnapshot, 'calendar' | 'policy'>> | null | undefined): TermsRef | null {
  return sla?.policy ? { calendar: sla.calendar ?? null, policy: sla.policy } : null;
}

export function createPinnedTerms(deps: { store: Store; registry: SlaRegistry }) {
  const { store, registry } = deps;
  const stored = async <T>(kind: 'calendar' | 'policy', ref: VersionRef) =>
    (await store.slaVersions.get<T>(kind, ref.id, ref.version))?.body ?? null;

  async function build(ref: TermsRef): Promise<PinnedTerms> {
    const current = registry.current();
    const [spec, body] = await Promise.all([
      ref.calendar ? stored<CalendarSpec>('calendar', ref.calendar) : current.calendar,
      stored<SlaPolicy>('policy', ref.policy),
    ]);
    const missing = [
      !spec && ref.calendar ? `calendar ${refName(ref.calendar)}` : '',
      !body ? `policy ${refName(ref.policy)}` : '',
    ].filter(Boolean);
    const policy = body ? { ...body, id: ref.policy.id, version: ref.policy.version } : current.policy;
    return {
      calendar: createCalendar(spec ?? current.calendar),
      policy,
      ladder: escalationLadder(policy),
      calendarName: ref.calendar && spec ? refName(ref.calendar) : 'default',
      policyName: refName(body ? ref.policy : current.policy),
      ...(missing.length
        ? {
            standIn: `the ticket's ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} no longer stored: the default in force stands in`,
          }
        : {}),
    };
  }

  // Keyed by the versions and by the default in force (what stands in for a missing or unpinned calendar).
  const resolved = microcache((ref: TermsRef, _defaults: string) => build(ref), RESOLVED_TTL_MS, 500);
  function resolve(ref: TermsRef): Promise<PinnedTerms> {
    const { calendarVersion, policy } = registry.current();
    // The same versions make the same key whatever the key order of the object they came in.
    const key: TermsRef = {
      calendar: ref.calendar && { id: ref.calendar.id, version: ref.calendar.version },
      policy: { id: ref.policy.id, version: ref.policy.version },
    };
    return resolved(key, `${calendarVersion}|${policy.version}`);
  }

  /** Tickets stored before `pinned`: the default's policy version is in `slaVersion`; an organization's names come from that agreement version. */
  const legacyRef = microcache(async (slaVersion: string): Promise<TermsRef> => {
    const opened = parseVersionRef(slaVersion);
    const current = registry.current();
    if (!opened || opened.id === 'default')
      return { calendar: null, policy: opened ?? { id: current.policy.id, version: current.policy.version } };
    const agreement = (await store.slaVersions.get<OrganizationInput>('agreement', opened.id, opened.version))?.body
      .agreement;
    if (!agreement) return { calendar: null, policy: { id: current.policy.id, version: current.policy.version } };
    // The versions in force at receipt are not recorded for these: the newest of the names the agreement gave.
    const [calendar, policy] = await Promise.all([
      store.slaVersions.latest('calendar', agreement.calendar),
      store.slaVersions.latest('policy', agreement.policy),
    ]);
    return {
      calendar: calendar ? { id: agreement.calendar, version: calendar.version } : null,
      policy: policy
        ? { id: agreement.policy, version: policy.version }
        : { id: current.policy.id, version: current.policy.version },
    };
  }, 60_000);

  /** The versions a ticket's content records (re-timings included), or for an older ticket those its `slaVersion` names. */
  const contentRef = async (ticket: TicketContent): Promise<TermsRef> => ticket.pinned ?? legacyRef(ticket.slaVersion);

  /** Every level any organization's agreement in force can reach, after the default's. */
  const ladders = microcache(async (): Promise<string[]> => {
    const orgs = await store.organizations.list();
    const names = [...new Set(orgs.map((o) => o.agreement.policy).filter((n) => n !== 'default'))];
    const policies = await Promise.all(names.map((n) => registry.latest<SlaPolicy>('policy', n)));
    return policies.flatMap((p) => (p ? escalationLadder(p.body) : []));
  }, LADDERS_TTL_MS);

  return {
    /** One ticket's terms: its live snapshot's versions, else those its content records (as lists read them). */
    async ofTicket(
      ticket: TicketContent,
      sla?: Partial<Pick<TicketSnapshot, 'calendar' | 'policy'>> | null,
    ): Promise<PinnedTerms> {
      return resolve(snapshotRef(sla) ?? (await contentRef(ticket)));
    },

    /** Several tickets' terms (a queue page): from their content, each distinct set of versions resolved once. */
    async ofTickets(tickets: TicketContent[]): Promise<Map<string, PinnedTerms>> {
      const terms = await Promise.all(tickets.map(async (t) => resolve(await contentRef(t))));
      return new Map(tickets.map((t, i) => [t.id, terms[i]!]));
    },

    /** The default's terms in force: for a ticket whose content is not stored (yet). */
    async ofDefault(): Promise<PinnedTerms> {
      const { policy } = registry.current();
      return resolve({ calendar: null, policy: { id: policy.id, version: policy.version } });
    },

    /** The escalation levels a ticket can be at: the default's ladder, then the other levels organizations' policies add. */
    async levels(): Promise<string[]> {
      return [...new Set([...escalationLadder(registry.current().policy), ...(await ladders())])];
    },
  };
}

export type PinnedTermsLookup = ReturnType<typeof createPinnedTerms>;
