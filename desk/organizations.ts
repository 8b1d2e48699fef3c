import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { conflictError, invalidInput, notFoundError } from '../domain/app-errors';
import { escalationLadder } from '../domain/ticket-sla';
import type { SlaPolicy } from '../domain/policy';
import type { Store } from '../store';
import type { AgreementSpec, Organization } from '../store/organizations';
import { ticketTermsOf, type Agreements } from './agreements';
import { retimeTickets } from './retime';
import type { SlaRegistry } from './sla-registry';

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
export function createOrganizationService(deps: { store: Store; registry: SlaRegistry; agreements: Agreements; temporal: Client; now: () => Date }) {
  const { store } = deps;

  /** The references only the store can check: the calendar and policy exist, contacts name levels of that policy, domains are free. */
  async function check(input: OrganizationInput, self?: string): Promise<void> {
    const { calendar, policy } = input.agreement;
    const [cal, pol] = await Promise.all([deps.registry.latest('calendar', calendar), deps.registry.latest<SlaPolicy>('policy', policy)]);
    if (!cal) throw invalidInput(`no calendar named ${calendar}; create it with POST /api/v1/sla/calendars`, 'agreement.calendar');
    if (!pol) throw invalidInput(`no policy named ${policy}; create it with POST /api/v1/sla/policies`, 'agreement.policy');
    const ladder = escalationLadder(policy === 'default' ? deps.registry.current().policy : pol.body);
    for (const level of Object.keys(input.agreement.contacts ?? {})) {
      if (!ladder.includes(level)) throw invalidInput(`the policy ${policy} has no level ${level}; its levels are ${ladder.join(', ')}`, `agreement.contacts.${level}`);
    }
    const holders = (await store.organizations.holdingDomains(input.domains)).filter((o) => o.id !== self);
    if (holders.length) {
      const taken = input.domains.filter((d) => holders.some((o) => o.domains.includes(d)));
      throw conflictError(`the domain ${taken.join(', ')} already belongs to ${holders.map((o) => `${o.id} (${o.name})`).join(', ')}`);
    }
  }

  const normalized = (input: OrganizationInput): OrganizationInput => ({
    name: input.name,
    domains: [...new Set(input.domains.map((d) => d.toLowerCase()))],
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
      await store.slaVersions.append('agreement', id, input, actor, now);
      const org: Organization = { id, ...input, version: 1, createdAt: now, updatedAt: now };
      await store.organizations.create(org);
      await store.audit.record({ at: now, actor, action: 'organization.create', target: `organization:${id}:1`, detail: { name: input.name } });
      return org;
    },

    /** A new agreement version. Open tickets keep theirs until `retime`. */
    async update(id: string, raw: OrganizationInput, actor: string): Promise<Organization> {
      const before = await existing(id);
      const input = normalized(raw);
      await check(input, id);
      const now = deps.now();
      const saved = await store.slaVersions.append('agreement', id, input, actor, now);
      const org: Organization = { id, ...input, version: saved.version, createdAt: before.createdAt, updatedAt: now };
      await store.organizations.replace(org);
      await store.audit.record({ at: now, actor, action: 'organization.update', target: `organization:${id}:${saved.version}`, detail: { fromVersion: before.version } });
      return org;
    },

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
      const outcome = await retimeTickets(deps.temporal, open, { policy: terms.policy, calendar: terms.calendar.spec, terms: ticketTermsOf(terms) });
      const result = { ...outcome, agreement: terms.agreement, version: terms.version, calendar: { id: terms.calendar.id, version: terms.calendar.version }, policy: { id: terms.policy.id, version: terms.policy.version } };
      await store.audit.record({ at: deps.now(), actor, action: 'tickets.retime', target: `organization:${id}:${org.version}`, detail: result });
      return result;
    },
  };
}

export type OrganizationService = ReturnType<typeof createOrganizationService>;
