/** What the SLA reports take and give (desk/reports.ts). */

export interface ReportFilter {
  from: Date;
  to: Date;
  /** One organization's tickets; `none`: only customers without one. */
  organizationId?: string;
  customerId?: string;
  /** Which outcomes; the stopped clocks and the breaches (what the attainment counts) unless given. */
  statuses?: readonly OutcomeKind[];
}

export const OUTCOME_KINDS = ['active', 'met', 'missed', 'breached'] as const;
export type OutcomeKind = (typeof OUTCOME_KINDS)[number];

/** One SLA outcome of one ticket: a clock that stopped (met or missed its target), breached, or still counting. */
export interface SlaOutcome {
  ticketId: string;
  subject: string;
  organizationId: string | null;
  organization: string | null;
  customerId: string;
  customerEmail: string | null;
  priority: string;
  category: string;
  metric: string;
  outcome: OutcomeKind;
  at: string;
  dueAt: string | null;
  businessMinutesUsed: number | null;
  /** An active clock's minutes to its target at `at` (negative once overdue); null for the others. */
  businessMinutesLeft: number | null;
}
