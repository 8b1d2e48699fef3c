import type { CalendarSpec } from '../domain/calendar';
import type { SlaPolicy } from '../domain/policy';
import type { SlaRegistry } from './sla-registry';

/** The concrete terms a customer is under: which agreement and version, its calendar, policy and scope. */
export interface Terms {
  agreement: string;
  version: number;
  /** `<agreement>@<version>`: what a ticket records and an acceptance names. */
  slaVersion: string;
  calendar: { id: string; version: number; spec: CalendarSpec };
  policy: SlaPolicy;
  /** What support covers beyond the product itself (the SLA's "Service Limitations"). */
  scope: { training: boolean; customDevelopment: boolean; thirdParty: boolean };
}

/** The standard SLA's scope: none of the limitations is lifted. */
const DEFAULT_SCOPE = { training: false, customDevelopment: false, thirdParty: false } as const;

/**
 * Agreements: every customer is under the default SLA (the registry's newest calendar and policy) until
 * organizations carry agreements of their own.
 */
export function createAgreements(deps: { slaRegistry: SlaRegistry }) {
  return {
    async termsFor(customer: { organizationId?: string }): Promise<Terms> {
      void customer;
      const { calendar, policy, calendarVersion } = deps.slaRegistry.current();
      return {
        agreement: policy.id,
        version: policy.version,
        slaVersion: `${policy.id}@${policy.version}`,
        calendar: { id: 'default', version: calendarVersion, spec: calendar },
        policy,
        scope: { ...DEFAULT_SCOPE },
      };
    },
  };
}

export type Agreements = ReturnType<typeof createAgreements>;
