/** The calendar's open hours as one sentence for customers, e.g. "Sunday to Thursday, 10 PM to 6 AM (EST)". */
import { zoneNameForHours } from './readable-time';
import type { CalendarSpec, CalendarWindow, Weekday } from './types';
import { resolveZone } from './zone';

/** Sunday first, as customers of a US-hours desk read a week. */
const WEEK: readonly Weekday[] = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

const capital = (day: Weekday) => day[0]!.toUpperCase() + day.slice(1);

/** '22:00' → '10 PM', '09:30' → '9:30 AM', '00:00' → '12 AM'. */
export function clockTime(hhmm: string): string {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  const hour = h % 12 === 0 ? 12 : h % 12;
  return `${hour}${m ? `:${String(m).padStart(2, '0')}` : ''} ${h < 12 ? 'AM' : 'PM'}`;
}

/** Days in runs of consecutive days, wrapping over the week's end: Fri, Sat, Sun, Mon is "Friday to Monday". */
function dayRuns(days: ReadonlySet<Weekday>): string {
  if (days.size === 7) return 'every day';
  const closed = WEEK.findIndex((d) => !days.has(d));
  const runs: Weekday[][] = [];
  for (let i = 1; i <= 7; i++) {
    const day = WEEK[(closed + i) % 7]!;
    if (!days.has(day)) continue;
    const last = runs.at(-1);
    const previous = WEEK[(closed + i - 1) % 7]!;
    if (last && last.at(-1) === previous) last.push(day);
    else runs.push([day]);
  }
  runs.sort((a, b) => WEEK.indexOf(a[0]!) - WEEK.indexOf(b[0]!));
  const named = runs.map((run) =>
    run.length === 1
      ? capital(run[0]!)
      : run.length === 2
        ? `${capital(run[0]!)} and ${capital(run[1]!)}`
        : `${capital(run[0]!)} to ${capital(run.at(-1)!)}`,
  );
  return named.length <= 1 ? (named[0] ?? '') : `${named.slice(0, -1).join(', ')} and ${named.at(-1)}`;
}

function hours(w: Pick<CalendarWindow, 'open' | 'close'>): string {
  return w.open === w.close ? 'around the clock' : `${clockTime(w.open)} to ${clockTime(w.close)}`;
}

/**
 * "Sunday to Thursday, 10 PM to 6 AM (EST), excluding public holidays" for the SLA's calendar; days that share
 * the same hours are named together, groups of different hours are joined with "; ".
 */
export function describeSupportHours(spec: Pick<CalendarSpec, 'timezone' | 'windows' | 'holidays'>): string {
  const byHours = new Map<string, Set<Weekday>>();
  for (const w of spec.windows) {
    const key = hours(w);
    byHours.set(key, (byHours.get(key) ?? new Set()).add(w.day));
  }
  const groups = [...byHours].sort(
    ([, a], [, b]) => Math.min(...[...a].map((d) => WEEK.indexOf(d))) - Math.min(...[...b].map((d) => WEEK.indexOf(d))),
  );
  // Named as every time people read names it (readable-time.ts): the SLA's UTC-5 is "EST", Berlin "CET/CEST".
  const zone = zoneNameForHours(resolveZone(spec.timezone));
  const when = groups.length ? groups.map(([h, days]) => `${dayRuns(days)}, ${h}`).join('; ') : 'never';
  return `${when} (${zone})${spec.holidays.length ? ', excluding public holidays' : ''}`;
}
