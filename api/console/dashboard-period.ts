import type { BusinessCalendar } from '../../domain/calendar';
import { dayNumberOfMs, formatIsoDate, parseIsoDate } from '../../domain/calendar/civil';
import { instantToLocalMs, resolveZone } from '../../domain/calendar/zone';

/** How many days the dashboard shows when it is not told: the last seven, today included. */
const DEFAULT_DAYS = 7;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** The period as the form shows it (what the agent typed, or the default's dates) and the instants it stands for. */
export interface DashboardPeriod {
  input: { from: string; to: string };
  from: Date | null;
  to: Date | null;
}

/**
 * The dashboard's period in the calendar its figures are read in: a date is that day in the calendar's zone ("from"
 * its midnight, "to" up to the next midnight, so a date includes its whole day), an instant is itself. Without
 * bounds, the last seven days by date, so the form shows dates a person reads rather than an instant to the
 * millisecond.
 */
export function dashboardPeriod(
  cal: BusinessCalendar,
  now: Date,
  raw: { from: string | undefined; to: string | undefined },
): DashboardPeriod {
  const today = dayNumberOfMs(instantToLocalMs(resolveZone(cal.spec.timezone), now.getTime()));
  const to = raw.to ?? (raw.from ? undefined : formatIsoDate(today));
  const from = raw.from ?? (raw.to ? undefined : formatIsoDate(today - (DEFAULT_DAYS - 1)));
  const midnight = (day: number) => cal.fromLocal(`${formatIsoDate(day)}T00:00`);
  const bound = (text: string | undefined, end: boolean): Date | null => {
    if (!text) return null;
    if (DATE.test(text)) {
      const day = parseIsoDate(text);
      return day === null ? null : midnight(end ? day + 1 : day);
    }
    if (!INSTANT.test(text)) return null;
    const at = new Date(text);
    return Number.isNaN(at.getTime()) ? null : at;
  };
  const toAt = to === undefined ? now : bound(to, true);
  const fromAt = from === undefined ? toAt && new Date(toAt.getTime() - DEFAULT_DAYS * 86_400_000) : bound(from, false);
  return {
    input: { from: from ?? fromAt?.toISOString() ?? '', to: to ?? toAt?.toISOString() ?? '' },
    from: fromAt,
    to: toAt,
  };
}
