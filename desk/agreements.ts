import type { AgreementScope, LevelContacts, TicketTerms } from '../domain/agreement';
import { customerScope, slaVersionOf } from '../domain/agreement';
import type { CalendarSpec } from '../domain/calendar';
import type { SlaPolicy } from '../domain/policy';
import type { Store } from '../store';
import type { Organization } from '../store/organizations';
import type { SlaRegistry } from './sla-registry';

/** The terms a customer's tickets are opened under: their organization's agreement in force, or the default. */
export interface AgreementTerms {
  /** The organization's id, or `default`. */
  agreement: string;
  /** The agreement's version; for `default`, the default policy's. */
  version: number;
  /** `<agreement>@<version>`, what a ticket records. */
  slaVersion: string;
  calendar: { id: string; version: number; spec: CalendarSpec };
  policy: SlaPolicy;
  scope: AgreementScope;
  contacts?: LevelContacts;
  /** An organization's own SLA document (its agreement's `text`); absent for the default and agreements without one. */
  text?: string;
}

/** Who the terms are for: a customer (a User or a Principal) with or without an organization. */
export interface AgreementHolder {
  organizationId?: string;
  /** A customer without an organization: whether training is in their scope (User). */
  agreement?: { trainingIncluded: boolean };
  /** The same, as a Principal carries it. */
  trainingIncluded?: boolean;
}

/** The part of the terms a ticket carries in its workflow (the calendar and policy bodies travel beside it). */
export const ticketTermsOf = (t: AgreementTerms): TicketTerms => ({
  agreement: t.agreement,
  version: t.version,
  calendar: { id: t.calendar.id, version: t.calendar.version },
  scope: t.scope,
  ...(t.contacts ? { contacts: t.contacts } : {}),
});

export function createAgreements(deps: { store: Store; registry: SlaRegistry }) {
  const { store, registry } = deps;

  /** The default agreement: synchronous, from the registry, so a customer without an organization costs no read. */
  function defaultTerms(trainingIncluded: boolean): AgreementTerms {
    const sla = registry.current();
    return {
      agreement: 'default',
      version: sla.policy.version,
      slaVersion: slaVersionOf({ agreement: 'default', version: sla.policy.version }),
      calendar: { id: 'default', version: sla.calendarVersion, spec: sla.calendar },
      policy: sla.policy,
      scope: customerScope(trainingIncluded),
    };
  }

  /** An organization's agreement with the newest versions of the calendar and policy it names. */
  async function organizationTerms(org: Organization): Promise<AgreementTerms> {
    const { calendar: calendarName, policy: policyName } = org.agreement;
    const sla = registry.current();
    const [calendar, policy] = await Promise.all([
      calendarName === 'default'
        ? { version: sla.calendarVersion, body: sla.calendar }
        : registry.latest<CalendarSpec>('calendar', calendarName),
      policyName === 'default'
        ? { version: sla.policy.version, body: sla.policy }
        : registry.latest<SlaPolicy>('policy', policyName),
    ]);
    // Deleting a calendar or policy an agreement names is refused, so a missing one is a store out of step.
    if (!calendar || !policy)
      throw new Error(`organization ${org.id}: its agreement names a calendar or policy that is not stored`);
    return {
      agreement: org.id,
      version: org.version,
      slaVersion: slaVersionOf({ agreement: org.id, version: org.version }),
      calendar: { id: calendarName, version: calendar.version, spec: calendar.body },
      policy: { ...policy.body, id: policyName, version: policy.version },
      scope: org.agreement.scope,
      ...(org.agreement.contacts && Object.keys(org.agreement.contacts).length
        ? { contacts: org.agreement.contacts }
        : {}),
      ...(org.agreement.text ? { text: org.agreement.text } : {}),
    };
  }

  return {
    defaultTerms,
    organizationTerms,

    /** An organization's agreement in force by id; the default for `none` (customers without one) or an unknown id. */
    async ofOrganization(organizationId: string): Promise<AgreementTerms> {
      const org = organizationId === 'none' ? null : await store.organizations.get(organizationId);
      return org ? organizationTerms(org) : defaultTerms(false);
    },

    /** The terms in force now for this customer: what a ticket they open is pinned to, and what the portal shows. */
    async termsFor(customer: AgreementHolder): Promise<AgreementTerms> {
      const trainingIncluded = customer.agreement?.trainingIncluded ?? customer.trainingIncluded ?? false;
      if (!customer.organizationId) return defaultTerms(trainingIncluded);
      const org = await store.organizations.get(customer.organizationId);
      if (!org) throw new Error(`customer's organization ${customer.organizationId} is not stored`);
      return organizationTerms(org);
    },
  };
}

export type Agreements = ReturnType<typeof createAgreements>;
