import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { conflictError, invalidInput, notFoundError } from '../domain/errors';
import { escalationLadder } from '../domain/ticket-sla';
import type { SlaPolicy } from '../domain/policy';
import { canonicalDomain } from '../lib/email-address';
import type { Logger } from '../lib/logger';
import type { Store } from '../store';
import type { AgreementSpec, Organization } from '../store/organizations';
import { ticketTermsOf, type Agreements } from './agreements';
import { retimeTickets } from './retime';
import type { SlaRegistry } from './sla-registry';
import { createDomainClaims, STALE_CLAIM_MS, type DomainRefusal } from './domain-claims';

/** What an admin sends to create or change an organization (its shape checked by the API). */
export interface OrganizationInput {
  name: string;
  domains: string[];
  agreement: AgreementSpec;
}

export const newOrganizationId = () => `org-${randomBytes(5).toString('hex')}`;

/**
 * Organizations and their agreements. Every change is a new agreement version (audited, its history kept as
 * sla_versions of kind `agreement`); tickets keep the version they were opened under until an admin re-times them.
 */
export function createOrganizationService(deps: {
  store: Store;
  registry: SlaRegistry;
  agreements: Agreements;
  temporal: Client;
  now: () => Date;
  logger: Logger;
}) {
  const { store } = deps;
  const domains = createDomainClaims({ store, now: deps.now, logger: deps.logger });

  /** The references only the store can check: the calendar and policy exist, contacts name levels of that policy. */
  async function check(input: OrganizationInput): Promise<void> {
    const { calendar, policy } = input.agreement;
    const [cal, pol] = await Promise.all([
      deps.registry.latest('calendar', calendar),
      deps.registry.latest<SlaPolicy>('policy', policy),
    ]);
    if (!cal)
      throw invalidInput(
        `no calendar named ${calendar}; create it with POST /api/v1/sla/calendars`,
        'agreement.calendar',
      );
    if (!pol)
      throw invalidInput(`no policy named ${policy}; create it with POST /api/v1/sla/policies`, 'agreement.policy');
    const ladder = escalationLadder(policy === 'default' ? deps.registry.current().policy : pol.body);
    for (const level of Object.keys(input.agreement.contacts ?? {})) {
      if (!ladder.includes(level))
        throw invalidInput(
          `the policy ${policy} has no level ${level}; its levels are ${ladder.join(', ')}`,
          `agreement.contacts.${level}`,
        );
    }
  }

  /**
   * Claims the organization's domains, saves it, and settles its claims to what was saved (desk/domain-claims.ts):
   * of two saves claiming one domain at the same instant, one gets 409 naming the domain's field.
   */
  async function saveClaimingDomains<T>(
    id: string,
    raw: OrganizationInput,
    input: OrganizationInput,
    save: () => Promise<T>,
  ): Promise<T> {
    const claimed = await domains.claim(id, input.domains);
    if ('refused' in claimed) throw refusal(raw, claimed.refused);
    const settle = () =>
      domains
        .settle(id)
        .catch((err: unknown) =>
          deps.logger.error({ err, organizationId: id }, 'domain claims not settled; the next save settles them'),
        );
    let saved: T;
    try {
      await domains.beforeSave(claimed.held);
      saved = await save();
    } catch (err) {
      await settle();
      throw err;
    }
    await settle();
    return saved;
  }

  const normalized = (input: OrganizationInput): OrganizationInput => ({
    name: input.name,
    domains: [...new Set(input.domains.map(domainOf))],
    agreement: input.agreement,
  });

  async function existing(id: string): Promise<Organization> {
    const org = await store.organizations.get(id);
    if (!org) throw notFoundError('organization');
    return org;
  }

  return {
    async create(raw: OrganizationInput, actor: string): Promise<Organization> {
      const input = normalized(raw);
      await check(input);
      const now = deps.now();
      const id = newOrganizationId();
      const org: Organization = { id, ...input, version: 1, createdAt: now, updatedAt: now };
      await saveClaimingDomains(id, raw, input, async () => {
        await store.slaVersions.append('agreement', id, input, actor, now);
        await store.organizations.create(org);
      });
      await store.audit.record({
        at: now,
        actor,
        action: 'organization.create',
        target: `organization:${id}:1`,
        detail: { name: input.name },
      });
      return org;
    },

    /** A new agreement version. Open tickets keep theirs until `retime`. */
    async update(id: string, raw: OrganizationInput, actor: string): Promise<Organization> {
      const before = await existing(id);
      const input = normalized(raw);
      await check(input);
      const now = deps.now();
      const org = await saveClaimingDomains(id, raw, input, async (): Promise<Organization> => {
        const saved = await store.slaVersions.append('agreement', id, input, actor, now);
        const next: Organization = {
          id,
          ...input,
          version: saved.version,
          createdAt: before.createdAt,
          updatedAt: now,
        };
        await store.organizations.replace(next);
        return next;
      });
      await store.audit.record({
        at: now,
        actor,
        action: 'organization.update',
        target: `organization:${id}:${org.version}`,
        detail: { fromVersion: before.version },
      });
      return org;
    },

    /** Claims the domains of organizations saved before claims existed (the API, at every start). */
    backfillDomainClaims: () => domains.backfill(),

    get: existing,
    list: () => store.organizations.list(),
    versions: async (id: string) => (await existing(id), store.slaVersions.list('agreement', id)),

    async version(id: string, version: number) {
      const found = await store.slaVersions.get('agreement', id, version);
      if (!found) throw notFoundError('agreement version');
      return found;
    },

    /** Moves the organization's open tickets to its agreement in force now (newest calendar and policy it names), keeping business time used. */
    async retime(id: string, actor: string) {
      const org = await existing(id);
      const terms = await deps.agreements.organizationTerms(org);
      const open = await store.ticketStates.openIds({ organizationId: id });
      const outcome = await retimeTickets(deps.temporal, open, {
        policy: terms.policy,
        calendar: terms.calendar.spec,
        terms: ticketTermsOf(terms),
      });
      const result = {
        ...outcome,
        agreement: terms.agreement,
        version: terms.version,
        calendar: { id: terms.calendar.id, version: terms.calendar.version },
        policy: { id: terms.policy.id, version: terms.policy.version },
      };
      await store.audit.record({
        at: deps.now(),
        actor,
        action: 'tickets.retime',
        target: `organization:${id}:${org.version}`,
        detail: result,
      });
      return result;
    },
  };
}

/** 409 naming each refused domain; the field is the first one's place in the request's `domains`. */
function refusal(raw: OrganizationInput, refused: DomainRefusal[]) {
  const why = (r: DomainRefusal) =>
    r.holder
      ? `the domain ${r.domain} already belongs to ${r.holder.id} (${r.holder.name})`
      : r.claimedBy
        ? `the domain ${r.domain} is claimed by a change of ${r.claimedBy} not saved (yet): try again in a moment; a failed change frees it within ${STALE_CLAIM_MS / 60_000} minutes, or when ${r.claimedBy} is saved again`
        : `the domain ${r.domain} is being claimed by another change; try again`;
  const index = raw.domains.findIndex((d) => domainOf(d) === refused[0]!.domain);
  return conflictError(refused.map(why).join('; '), `domains[${index}]`);
}

export type OrganizationService = ReturnType<typeof createOrganizationService>;

/** The canonical form (IDNA, lower case) a domain is stored and compared in; the route has refused the rest. */
function domainOf(raw: string): string {
  const c = canonicalDomain(raw);
  if (!c.ok) throw invalidInput(c.reason, 'domains');
  return c.domain;
}
