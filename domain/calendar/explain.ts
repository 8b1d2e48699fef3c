/**
 * Explains a deadline as the open periods it consumes, in the calendar's local time, so a person can check
 * it by hand: which shifts counted, how much of each, which holidays closed a shift along the way.
 */
import { dayNumberOfMs, formatIsoDate } from './civil';
import { formatDuration, formatLocal, formatMinutes, formatWallTime } from './format';
import type { OpenTime } from './open-time';
import { PieceCursor, minutesToMs } from './open-time';
import type { DeadlineExplanation, ExplainedPeriod, SkippedHoliday } from './types';
import { formatOffset, instantToLocalMs, offsetAt } from './zone';

const WEEKDAY_ABBREVIATIONS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

interface Span {
  from: number;
  to: number;
}

export function explainDeadline(openTime: OpenTime, start: number, businessMinutes: number): DeadlineExplanation {
  const ms = minutesToMs(businessMinutes);
  const deadline = openTime.deadline(start, ms);
  const spans = consumedSpans(openTime, start, deadline);
  const zone = openTime.zone;
  const local = (t: number) => formatLocal(zone, t);

  let total = 0;
  const periods: ExplainedPeriod[] = spans.map(({ from, to }) => {
    const minutes = (to - from) / 60_000;
    total += to - from;
    return {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      fromLocal: local(from),
      toLocal: local(to),
      minutes,
      totalMinutes: total / 60_000,
    };
  });
  const skippedHolidays = holidaysSkipped(openTime, start, deadline);
  const startIsOpen = openTime.isOpen(start);

  return {
    timezone: zone.name,
    start: new Date(start).toISOString(),
    startLocal: local(start),
    startIsOpen,
    businessMinutes: ms / 60_000,
    deadline: new Date(deadline).toISOString(),
    deadlineLocal: local(deadline),
    periods,
    skippedHolidays,
    lines: describe(openTime, start, deadline, ms, startIsOpen, periods, spans, skippedHolidays),
  };
}

/** The business time in [start, deadline), touching pieces joined into one period. */
function consumedSpans(openTime: OpenTime, start: number, deadline: number): Span[] {
  const spans: Span[] = [];
  if (deadline <= start) return spans;
  const cursor = new PieceCursor(openTime, start);
  while (cursor.next() && cursor.start < deadline) {
    const from = Math.max(cursor.start, start);
    const to = Math.min(cursor.end, deadline);
    const last = spans[spans.length - 1];
    if (last && last.to === from) last.to = to;
    else spans.push({ from, to });
    if (cursor.end >= deadline) break;
  }
  return spans;
}

function holidaysSkipped(openTime: OpenTime, start: number, deadline: number): SkippedHoliday[] {
  const skipped: SkippedHoliday[] = [];
  if (deadline <= start) return skipped;
  // Windows may open up to two local days before the local date of `start` and still reach it.
  const firstDay = dayNumberOfMs(instantToLocalMs(openTime.zone, start)) - 2;
  const lastDay = dayNumberOfMs(instantToLocalMs(openTime.zone, deadline));
  for (let day = firstDay; day <= lastDay; day++) {
    if (!openTime.holidayDays.has(day)) continue;
    const closed = openTime
      .windowInstantsOn(day)
      .filter(({ start: open, end: close }) => close > open && open < deadline && close > start)
      .map(({ window }) => window.label);
    if (closed.length > 0) skipped.push({ date: formatIsoDate(day), windows: closed });
  }
  return skipped;
}

function describe(
  openTime: OpenTime,
  start: number,
  deadline: number,
  ms: number,
  startIsOpen: boolean,
  periods: ExplainedPeriod[],
  spans: Span[],
  holidays: SkippedHoliday[],
): string[] {
  const zone = openTime.zone;
  // Fixed zones print bare wall times; IANA zones add the offset in force, which disambiguates fall-back hours.
  const wall = (t: number) =>
    zone.kind === 'fixed' ? formatWallTime(zone, t) : `${formatWallTime(zone, t)} ${formatOffset(offsetAt(zone, t))}`;
  const lines = [`Time zone: ${zone.name}`];
  const startState = startIsOpen ? 'open' : `closed; next open ${wall(openTime.nextOpen(start))}`;
  lines.push(`Start:     ${wall(start)} (${startState})`);
  lines.push(`Needs:     ${formatDuration(ms / 60_000)} of business time`);

  // Holidays are listed where they fall among the periods, by the instant their window would have opened.
  const events: { at: number; text: string }[] = [];
  periods.forEach((period, index) => {
    const span = spans[index] as Span;
    events.push({
      at: span.from,
      text: `  ${index + 1}. ${wall(span.from)} → ${wall(span.to)}   ${formatMinutes(period.minutes)} min   total ${formatMinutes(period.totalMinutes)}`,
    });
  });
  for (const holiday of holidays) {
    const day = dayNumberOfMs(Date.parse(`${holiday.date}T00:00:00Z`));
    const opensAt = Math.min(...openTime.windowInstantsOn(day).map((w) => w.start));
    const weekday = WEEKDAY_ABBREVIATIONS[new Date(day * 86_400_000).getUTCDay()];
    const windows = holiday.windows.join(', ');
    events.push({ at: opensAt, text: `  -  holiday ${weekday} ${holiday.date}: ${windows} closed` });
  }
  events.sort((x, y) => x.at - y.at);
  lines.push(...events.map((event) => event.text));

  const atClose = ms > 0 && !openTime.isOpen(deadline) ? ' (at the close)' : '';
  lines.push(`Deadline:  ${formatLocal(zone, deadline)} = ${new Date(deadline).toISOString()}${atClose}`);
  return lines;
}
