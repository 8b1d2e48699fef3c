import { invalidInput, isDomainError } from '../domain/errors';
import { createCalendar, type BusinessCalendar } from '../domain/calendar';
import type { Priority } from '../domain/policy';
import { firstWarningFraction, METRICS, previewReminders } from '../domain/ticket-sla';
import type { Client } from '@temporalio/client';
import type { Store } from '../store';
import { retimeTickets } from './retime';
import type { SlaRegistry } from './sla-registry';

/** Support hours, deadline previews and re-timing (reports: desk/reports.ts). */
export function createSlaService(deps: { registry: SlaRegistry; store: Store; temporal: Client; now: () => Date }) {
  function callerZone(zone: string | undefined): BusinessCalendar | null {
    if (!zone) return null;
    try {
      return createCalendar({ ...deps.registry.current().calendar, timezone: zone });
    } catch (err) {
      if (isDomainError(err)) throw invalidInput(`unknown time zone "${zone}"`, 'zone');
      throw err;
    }
  }

  const instant = (cal: BusinessCalendar, zoned: BusinessCalendar | null, t: Date) => ({
    at: t.toISOString(),
    local: cal.formatLocal(t),
    ...(zoned ? { callerLocal: zoned.formatLocal(t) } : {}),
  });

  /** When support closes next; nothing for a calendar open around the clock, which never does. */
  function closing(cal: BusinessCalendar, zoned: BusinessCalendar | null, now: Date) {
    try {
      return { closesAt: instant(cal, zoned, cal.nextClose(now)) };
    } catch (err) {
      if (isDomainError(err) && err.code === 'never_closes') return {};
      throw err;
    }
  }

  return {
    status(zone?: string) {
      const sla = deps.registry.current();
      const cal = createCalendar(sla.calendar);
      const zoned = callerZone(zone);
      const now = deps.now();
      const open = cal.isOpen(now);
      return {
        open,
        now: instant(cal, zoned, now),
        ...(open ? closing(cal, zoned, now) : { opensAt: instant(cal, zoned, cal.nextOpen(now)) }),
        timezone: sla.calendar.timezone,
        calendarVersion: sla.calendarVersion,
        policyVersion: sla.policy.version,
      };
    },

    preview(receivedAt: Date, priority: Priority, zone?: string) {
      const sla = deps.registry.current();
      const cal = createCalendar(sla.calendar);
      const zoned = callerZone(zone);
      const targets = sla.policy.targets[priority];
      const byMetric = {
        first_response: targets.firstResponse,
        next_response: targets.nextResponse,
        resolution: targets.resolution,
      };
      return {
        receivedAt: receivedAt.toISOString(),
        priority,
        policyVersion: sla.policy.version,
        calendarVersion: sla.calendarVersion,
        due: METRICS.map((metric) => {
          const target = byMetric[metric];
          const business = target.clock === 'business';
          const due = business
            ? cal.deadline(receivedAt, target.minutes)
            : new Date(receivedAt.getTime() + target.minutes * 60_000);
          return {
            metric,
            targetMinutes: target.minutes,
            clock: target.clock,
            dueAt: instant(cal, zoned, due),
            warningAt: instant(
              cal,
              zoned,
              business
                ? cal.deadline(receivedAt, target.minutes * firstWarningFraction(sla.policy))
                : new Date(receivedAt.getTime() + target.minutes * firstWarningFraction(sla.policy) * 60_000),
            ),
            ...(sla.policy.reminders
              ? {
                  reminders: previewReminders(sla.policy, metric, target, receivedAt, cal).map((r) => ({
                    threshold: r.threshold,
                    warningAt: instant(cal, zoned, r.warningAt),
                    sendAt: r.sendAt ? instant(cal, zoned, r.sendAt) : null,
                  })),
                }
              : {}),
            ...(business ? { explanation: cal.explain(receivedAt, target.minutes) } : {}),
          };
        }),
      };
    },

    /**
     * Moves every open ticket of customers without an organization to the newest default policy and calendar,
     * keeping the business time each has used. Organizations' tickets follow their own agreement (desk/organizations.ts).
     */
    async retimeOpenTickets(actor: string) {
      const sla = deps.registry.current();
      const open = await deps.store.ticketStates.openIds({ organizationId: null });
      // Each ticket keeps its own customer's scope; only the names and versions move.
      const terms = {
        agreement: 'default',
        version: sla.policy.version,
        calendar: { id: 'default', version: sla.calendarVersion },
      };
      const outcome = {
        ...(await retimeTickets(deps.temporal, open, { policy: sla.policy, calendar: sla.calendar, terms })),
        policyVersion: sla.policy.version,
        calendarVersion: sla.calendarVersion,
      };
      await deps.store.audit.record({
        at: deps.now(),
        actor,
        action: 'tickets.retime',
        target: `policy:default:${sla.policy.version}`,
        detail: outcome,
      });
      return outcome;
    },
  };
}

export type SlaService = ReturnType<typeof createSlaService>;
