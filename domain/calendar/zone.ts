/**
 * Time zones: fixed offsets ('UTC', 'UTC-5', 'UTC+05:45') are plain arithmetic; IANA names use the
 * built-in Intl tz database (available in Temporal's workflow sandbox too), memoized per zone.
 */
import { CalendarError } from '../errors';
import { DAY_MS, HOUR_MS, MINUTE_MS, pad2 } from './civil';

export type Zone =
  { kind: 'fixed'; name: string; offsetMs: number } | { kind: 'iana'; name: string; formatter: Intl.DateTimeFormat };

const FIXED_OFFSET_PATTERN = /^UTC(?:([+-])(\d{1,2})(?::(\d{2}))?)?$/;
const MAX_OFFSET_MS = 14 * HOUR_MS;

const zoneMemo = new Map<string, Zone>();

/** Parses and validates a zone name; throws CalendarError(field) for anything unknown. */
export function resolveZone(name: string, field = 'timezone'): Zone {
  const memoized = zoneMemo.get(name);
  if (memoized) return memoized;
  const zone = buildZone(name, field);
  zoneMemo.set(name, zone);
  return zone;
}

function buildZone(name: string, field: string): Zone {
  const fixed = FIXED_OFFSET_PATTERN.exec(name);
  if (fixed) {
    const sign = fixed[1] === '-' ? -1 : 1;
    const hours = Number(fixed[2] ?? 0);
    const minutes = Number(fixed[3] ?? 0);
    const offsetMs = sign * (hours * HOUR_MS + minutes * MINUTE_MS);
    if (minutes > 59 || Math.abs(offsetMs) > MAX_OFFSET_MS) {
      throw new CalendarError(`offset out of range in "${name}" (at most ±14:00)`, field);
    }
    return { kind: 'fixed', name, offsetMs };
  }
  if (name.startsWith('UTC') && name !== 'UTC' && !name.includes('/')) {
    throw new CalendarError(`"${name}" is not a valid offset; use UTC, UTC-5, UTC+6 or UTC+05:45`, field);
  }
  try {
    const formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    return { kind: 'iana', name, formatter };
  } catch {
    throw new CalendarError(`unknown time zone "${name}" (use an IANA name or UTC±HH[:MM])`, field);
  }
}

/**
 * UTC offset in ms at an instant (local = instant + offset). luxon's IANAZone.offset() reads the same parts, more
 * slowly (BENCHMARKS.md, "Business time"); luxon stays the independent engine the property tests check this against.
 */
export function offsetAt(zone: Zone, epochMs: number): number {
  if (zone.kind === 'fixed') return zone.offsetMs;
  const wholeSecondMs = Math.floor(epochMs / 1000) * 1000;
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  for (const part of zone.formatter.formatToParts(wholeSecondMs)) {
    switch (part.type) {
      case 'year':
        year = Number(part.value);
        break;
      case 'month':
        month = Number(part.value);
        break;
      case 'day':
        day = Number(part.value);
        break;
      case 'hour':
        hour = Number(part.value);
        break;
      case 'minute':
        minute = Number(part.value);
        break;
      case 'second':
        second = Number(part.value);
        break;
      default:
        break;
    }
  }
  return Date.UTC(year, month - 1, day, hour, minute, second) - wholeSecondMs;
}

/**
 * The instant of a local wall time given as ms since 1970-01-01T00:00 local. Nonexistent local times
 * (spring-forward gap) move forward by the gap; ambiguous ones (fall-back) take the earlier instant.
 */
export function localToInstant(zone: Zone, localMs: number): number {
  if (zone.kind === 'fixed') return localMs - zone.offsetMs;
  // Offsets a day either side bracket any single transition near this wall time.
  const offsetBefore = offsetAt(zone, localMs - DAY_MS);
  const offsetAfter = offsetAt(zone, localMs + DAY_MS);
  const withBefore = localMs - offsetBefore;
  const withAfter = localMs - offsetAfter;
  const beforeFits = offsetAt(zone, withBefore) === offsetBefore;
  const afterFits = offsetAt(zone, withAfter) === offsetAfter;
  if (beforeFits && afterFits) return Math.min(withBefore, withAfter);
  if (beforeFits) return withBefore;
  if (afterFits) return withAfter;
  // In the gap: reading the wall time with the pre-transition offset lands `gap` later on the wall.
  return withBefore;
}

export function instantToLocalMs(zone: Zone, epochMs: number): number {
  return epochMs + offsetAt(zone, epochMs);
}

/** 'UTC', 'UTC-5', 'UTC+05:45', 'UTC+10:30' */
export function formatOffset(offsetMs: number): string {
  if (offsetMs === 0) return 'UTC';
  const sign = offsetMs < 0 ? '-' : '+';
  const totalMinutes = Math.round(Math.abs(offsetMs) / MINUTE_MS);
  const hours = Math.floor(totalMinutes / 60);
  const minutes = totalMinutes % 60;
  return minutes === 0 ? `UTC${sign}${hours}` : `UTC${sign}${pad2(hours)}:${pad2(minutes)}`;
}

/** How a local time is labelled: the fixed zone as written, or the IANA name with the offset in force. */
export function zoneLabel(zone: Zone, epochMs: number): string {
  if (zone.kind === 'fixed') return zone.name;
  return `${zone.name} (${formatOffset(offsetAt(zone, epochMs))})`;
}
