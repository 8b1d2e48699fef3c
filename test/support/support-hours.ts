import { WEEKDAYS, type CalendarSpec } from '../../domain/calendar';

/**
 * Support hours a suite chooses instead of the wall clock's: whether the seed's overnight shifts are open when a test
 * runs depends on the hour, so a suite that shows "open" or "closed" text, due times or countdowns runs under both of
 * these, each in the seed's zone (UTC-5, "EST"):
 * - open: around the clock, so due times are the receipt plus the target, at any second (rounding shows);
 * - closed: one whole day three days ahead (local), so support is closed for the whole run, wherever the clock stands,
 *   and due times fall on that day's opening minute.
 */
export type SupportHoursMode = 'open' | 'closed';

const ZONE = 'UTC-5';
const ZONE_OFFSET_MS = -5 * 3_600_000;
const DAY_MS = 86_400_000;

export interface SupportHours {
  mode: SupportHoursMode;
  calendar: CalendarSpec;
}

export function supportHours(mode: SupportHoursMode, now = new Date()): SupportHours {
  if (mode === 'open') {
    return {
      mode,
      calendar: {
        timezone: ZONE,
        windows: WEEKDAYS.map((day) => ({ day, open: '00:00', close: '00:00' })),
        holidays: [],
      },
    };
  }
  const localDay = new Date(now.getTime() + ZONE_OFFSET_MS + 3 * DAY_MS).getUTCDay();
  const day = WEEKDAYS[(localDay + 6) % 7]!;
  return { mode, calendar: { timezone: ZONE, windows: [{ day, open: '00:00', close: '00:00' }], holidays: [] } };
}

/** Both states, for `describe.each`. */
export const BOTH_SUPPORT_HOURS: SupportHoursMode[] = ['open', 'closed'];
