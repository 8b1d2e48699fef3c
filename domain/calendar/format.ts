/**
 * Exact local times and durations for operators' deadline explanations (to the millisecond, the offset beside).
 * Times for everyone else go through readable-time.ts.
 */
import { pad2, pad3 } from './civil';
import { toWholeMinute } from './readable-time';
import type { Zone } from './zone';
import { instantToLocalMs, zoneLabel } from './zone';

const WEEKDAY_ABBREVIATIONS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** 'Wed 2026-12-02 06:00' (seconds and milliseconds only when present), without the zone. */
export function formatWallTime(zone: Zone, epochMs: number): string {
  const local = new Date(instantToLocalMs(zone, epochMs));
  const date = `${local.getUTCFullYear()}-${pad2(local.getUTCMonth() + 1)}-${pad2(local.getUTCDate())}`;
  let time = `${pad2(local.getUTCHours())}:${pad2(local.getUTCMinutes())}`;
  const seconds = local.getUTCSeconds();
  const millis = local.getUTCMilliseconds();
  if (seconds !== 0 || millis !== 0) time += `:${pad2(seconds)}`;
  if (millis !== 0) time += `.${pad3(millis)}`;
  return `${WEEKDAY_ABBREVIATIONS[local.getUTCDay()]} ${date} ${time}`;
}

/** 'Wed 2026-12-02 06:00 UTC-5' or 'Sun 2026-11-01 01:30 America/New_York (UTC-4)'. */
export function formatLocal(zone: Zone, epochMs: number): string {
  return `${formatWallTime(zone, epochMs)} ${zoneLabel(zone, epochMs)}`;
}

/**
 * '2026-12-02 11:00 UTC': the same instant for readers outside the support calendar's zone, rounded up to the minute
 * as every due time people read is (readable-time.ts).
 */
export function formatUtcMinute(t: Date): string {
  return `${new Date(toWholeMinute(t.getTime(), 'up')).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Minutes as a short number: integers as is, fractions to at most 3 decimals. */
export function formatMinutes(minutes: number): string {
  return String(Math.round(minutes * 1000) / 1000);
}

/** '1440 min (24h)', '90 min (1h 30m)', '0.5 min (30s)' */
export function formatDuration(minutes: number): string {
  const totalSeconds = Math.round(minutes * 60 * 1000) / 1000;
  const hours = Math.floor(totalSeconds / 3600);
  const wholeMinutes = Math.floor((totalSeconds - hours * 3600) / 60);
  const seconds = Math.round((totalSeconds - hours * 3600 - wholeMinutes * 60) * 1000) / 1000;
  const parts: string[] = [];
  if (hours > 0) parts.push(`${hours}h`);
  if (wholeMinutes > 0) parts.push(`${wholeMinutes}m`);
  if (seconds > 0 || parts.length === 0) parts.push(`${seconds}s`);
  return `${formatMinutes(minutes)} min (${parts.join(' ')})`;
}
