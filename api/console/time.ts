import { toWholeMinute, type BusinessCalendar, type MinuteRounding } from '../../domain/calendar';
import { html, type SafeHtml } from '../http/html';

/** Business-time helpers for the console: open windows, remaining time, countdowns. */

const alwaysOpen = new WeakMap<BusinessCalendar, boolean>();
/** A 24/7 calendar has no close; asking costs a long scan, so the answer is remembered per calendar. */
export function neverCloses(cal: BusinessCalendar): boolean {
  let known = alwaysOpen.get(cal);
  if (known === undefined) {
    try {
      cal.nextClose(cal.nextOpen(new Date(0)));
      known = false;
    } catch {
      known = true;
    }
    alwaysOpen.set(cal, known);
  }
  return known;
}

export interface Window {
  from: Date;
  to: Date;
}

/** The open periods overlapping [from, to), clipped to it; at most `max` of them. */
export function openWindows(cal: BusinessCalendar, from: Date, to: Date, max = 500): Window[] {
  if (to <= from) return [];
  if (neverCloses(cal)) return [{ from, to }];
  const out: Window[] = [];
  let cursor = from;
  while (out.length < max) {
    const open = cal.nextOpen(cursor);
    if (open >= to) break;
    const close = cal.nextClose(open);
    out.push({ from: open, to: close < to ? close : to });
    if (close >= to) break;
    cursor = close;
  }
  return out;
}

/** The open window containing `now`, or the next one; `until` null for a calendar that never closes. */
export function currentWindow(cal: BusinessCalendar, now: Date): { from: Date; until: Date | null } {
  if (neverCloses(cal)) return { from: now, until: null };
  const from = cal.nextOpen(now);
  return { from, until: cal.nextClose(from) };
}

/** Time left until `deadline` (negative when overdue), counted in business time for business clocks. */
export function remainingMs(cal: BusinessCalendar, clock: 'business' | '24x7', deadline: Date, now: Date): number {
  if (clock === '24x7') return deadline.getTime() - now.getTime();
  const minutes = deadline >= now ? cal.elapsed(now, deadline) : -cal.elapsed(deadline, now);
  return Math.round(minutes * 60_000);
}

/** '3h 05m 09s', the same format the countdown script writes. */
export function formatMs(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${Math.floor(s / 3600)}h ${pad(Math.floor((s % 3600) / 60))}m ${pad(s % 60)}s`;
}

/** Minutes for people, to the minute: '45 min', '24 h 0 min', '1 h 30 min' (sign dropped). */
export function hoursMinutes(minutes: number): string {
  const total = Math.round(Math.abs(minutes));
  return total < 60 ? `${total} min` : `${Math.floor(total / 60)} h ${total % 60} min`;
}

/** Business minutes for people ('24 h 0 min'), or '—' when there are none. */
export const hours = (minutes: number | null) => (minutes === null ? '—' : hoursMinutes(minutes));

/**
 * An instant to the minute in the ticket's calendar zone, named (EST, CET, …); the page script adds the reader's
 * own time and zone when it differs (the server does not know the reader's zone). Events are rounded down, as a
 * clock shows them; deadlines up, so that neither text shows a due time earlier than it is.
 */
export function when(cal: BusinessCalendar, t: Date | string, rounding: MinuteRounding = 'down'): SafeHtml {
  const at = new Date(toWholeMinute(new Date(t).getTime(), rounding));
  return html`<time class="when" datetime="${at.toISOString()}">${cal.formatLocal(at, rounding)}</time>`;
}

/**
 * A live countdown: rendered correct at `now`, then ticked by the page script, which subtracts only
 * the time inside the given open window (a business clock does not move while support is closed).
 */
export function countdown(cal: BusinessCalendar, clock: 'business' | '24x7', deadline: Date, now: Date): SafeHtml {
  const left = remainingMs(cal, clock, deadline, now);
  const win = clock === '24x7' ? { from: now, until: null } : currentWindow(cal, now);
  const open = now >= win.from && (!win.until || now < win.until);
  const text = `${left >= 0 ? `${formatMs(left)} left` : `overdue ${formatMs(left)}`}${open ? '' : ' (support closed)'}`;
  return html`<span
    class="countdown${left < 0 ? ' overdue' : ''}"
    data-remaining-ms="${left}"
    data-rendered-at="${now.getTime()}"
    data-open-from="${win.from.getTime()}"
    data-open-until="${win.until?.getTime() ?? 0}"
    >${text}</span
  >`;
}
