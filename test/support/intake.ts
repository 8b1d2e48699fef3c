import { randomBytes } from 'node:crypto';
import { SLA_CALENDAR, type CalendarSpec } from '../../domain/calendar';
import { DEFAULT_POLICY, type Priority, type SlaPolicy } from '../../domain/policy';
import type { TicketIntake } from '../../domain/ticket-sla';

export function intakeFor(opts: {
  receivedAt: Date;
  priority?: Priority;
  category?: string;
  trainingIncluded?: boolean;
  calendar?: CalendarSpec;
  policy?: SlaPolicy;
}): TicketIntake {
  const ticketId = randomBytes(5).toString('hex').toUpperCase();
  return {
    ticketId,
    subject: `Scenario ${ticketId}`,
    category: opts.category ?? 'bug',
    priority: opts.priority ?? 'normal',
    channel: 'api',
    customer: {
      id: `C${ticketId}`,
      email: `customer-${ticketId.toLowerCase()}@example.com`,
      trainingIncluded: opts.trainingIncluded ?? false,
    },
    receivedAt: opts.receivedAt.toISOString(),
    calendar: opts.calendar ?? SLA_CALENDAR,
    policy: opts.policy ?? DEFAULT_POLICY,
  };
}
