/**
 * The one way a time is written for a person (mail bodies and subjects, pages, macros): weekday, date and minute,
 * then the zone by the name people use: 'Mon 2026-12-07 22:00 EST', 'Tue 2026-03-31 09:00 CEST',
 * 'Wed 2026-12-02 14:45 Kathmandu time'. Never seconds, never a bare 'UTC±hh'. Machine formats keep ISO instants.
 */
import { MINUTE_MS, pad2 } from './civil';
import type { Zone } from './zone';
import { instantToLocalMs, offsetAt } from './zone';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/**
 * 'up' is the default because most times people read are promises (due by, open until, next opening): shown
 * rounded down, a deadline at 02:50:17 would read 02:50, a minute the promise has not yet reached, and a reader who
 * answers at 02:50:30 "before the deadline" would already be late by what the page said. Rounded up, the written
 * minute is never earlier than the real instant, and the deadline has passed once that minute is reached.
 * 'down' is for things that already happened (received, sent), as a wall clock shows them.
 */
export type MinuteRounding = 'up' | 'down';

/** Fixed offsets people know by a name; the seed's 'UTC-5' is the SLA's "EST". Others are written out in words. */
const FIXED_OFFSET_NAMES: Record<number, string> = {
  0: 'UTC',
  [-5 * 60]: 'EST',
  [-6 * 60]: 'CST',
  [-7 * 60]: 'MST',
  [-8 * 60]: 'PST',
  [-10 * 60]: 'HST',
  [60]: 'CET',
  [2 * 60]: 'EET',
  [5 * 60 + 30]: 'IST',
  [9 * 60]: 'JST',
};

/** Common abbreviations that Intl's English locales only give as 'GMT+9' and the like. */
const IANA_ABBREVIATIONS: Record<string, string> = {
  'Asia/Tokyo': 'JST',
  'Asia/Seoul': 'KST',
  'Asia/Hong_Kong': 'HKT',
  'Asia/Singapore': 'SGT',
  'Asia/Jakarta': 'WIB',
  'Asia/Karachi': 'PKT',
  'Europe/Moscow': 'MSK',
  'Africa/Johannesburg': 'SAST',
  'Africa/Lagos': 'WAT',
  'Africa/Nairobi': 'EAT',
};

/**
 * English locales each know the abbreviations of their own region (en-US: EST/PST, en-GB: CET/CEST/BST, en-IN: IST,
 * en-AU: AEST/AEDT); the first that gives a real abbreviation rather than 'GMT+5:30' wins.
 */
const ABBREVIATION_LOCALES = ['en-US', 'en-GB', 'en-IN', 'en-AU'];
const OFFSET_SPELLING = /^(GMT|UTC)[+-−]/;
const shortNameFormatters = new Map<string, Intl.DateTimeFormat[]>();

function formattersFor(zoneName: string): Intl.DateTimeFormat[] {
  let formatters = shortNameFormatters.get(zoneName);
  if (!formatters) {
    formatters = ABBREVIATION_LOCALES.map(
      (locale) => new Intl.DateTimeFormat(locale, { timeZone: zoneName, timeZoneName: 'short' }),
    );
    shortNameFormatters.set(zoneName, formatters);
  }
  return formatters;
}

/** '5 h 45 min ahead of UTC', '3 h behind UTC': an offset with no common name, in words. */
function offsetInWords(offsetMinutes: number): string {
  const abs = Math.abs(offsetMinutes);
  const hours = Math.floor(abs / 60);
  const minutes = abs % 60;
  const amount = minutes === 0 ? `${hours} h` : `${hours} h ${minutes} min`;
  return offsetMinutes > 0 ? `${amount} ahead of UTC` : `${amount} behind UTC`;
}

/** 'Kathmandu time', 'Sao Paulo time': the zone's city, for zones without a common abbreviation. */
function cityTime(zoneName: string): string {
  const city = zoneName.split('/').at(-1) ?? zoneName;
  return `${city.replaceAll('_', ' ')} time`;
}

/** The zone as people name it at an instant: EST, EDT, CET, CEST, IST, UTC, or the city's time. */
export function zoneNameForPeople(zone: Zone, epochMs: number): string {
  if (zone.kind === 'fixed') {
    const offsetMinutes = Math.round(zone.offsetMs / MINUTE_MS);
    return FIXED_OFFSET_NAMES[offsetMinutes] ?? offsetInWords(offsetMinutes);
  }
  const known = IANA_ABBREVIATIONS[zone.name];
  if (known) return known;
  for (const formatter of formattersFor(zone.name)) {
    const name = formatter.formatToParts(epochMs).find((p) => p.type === 'timeZoneName')?.value;
    if (name && !OFFSET_SPELLING.test(name) && !/^GMT$/.test(name)) return name;
    if (name === 'GMT' && offsetAt(zone, epochMs) === 0) return zone.name.startsWith('Europe/') ? 'GMT' : 'UTC';
  }
  return cityTime(zone.name);
}

/** The instant to the whole minute, rounded as the reader needs (see MinuteRounding). */
export function toWholeMinute(epochMs: number, rounding: MinuteRounding = 'up'): number {
  return (rounding === 'up' ? Math.ceil : Math.floor)(epochMs / MINUTE_MS) * MINUTE_MS;
}

/** 'Mon 2026-12-07 22:00', the wall time in the zone to the minute, without the zone's name. */
export function wallMinuteForPeople(zone: Zone, epochMs: number, rounding: MinuteRounding = 'up'): string {
  const local = new Date(instantToLocalMs(zone, toWholeMinute(epochMs, rounding)));
  const date = `${local.getUTCFullYear()}-${pad2(local.getUTCMonth() + 1)}-${pad2(local.getUTCDate())}`;
  return `${WEEKDAYS[local.getUTCDay()]} ${date} ${pad2(local.getUTCHours())}:${pad2(local.getUTCMinutes())}`;
}

/** 'Mon 2026-12-07 22:00 EST': the form every time a person reads takes. */
export function formatTimeForPeople(zone: Zone, epochMs: number, rounding: MinuteRounding = 'up'): string {
  const minute = toWholeMinute(epochMs, rounding);
  return `${wallMinuteForPeople(zone, minute)} ${zoneNameForPeople(zone, minute)}`;
}

/** Mid-January and mid-July: one instant on each side of any DST rule, for naming a zone over a whole year. */
const WINTER_AND_SUMMER = [Date.UTC(2026, 0, 15, 12), Date.UTC(2026, 6, 15, 12)];

/**
 * The zone's name for recurring hours, where no single instant applies: 'EST', 'IST', 'CET/CEST', 'EST/EDT', or
 * 'Sao Paulo time'. Pure: the two sample instants are constants, not today.
 */
export function zoneNameForHours(zone: Zone): string {
  const names = [...new Set(WINTER_AND_SUMMER.map((t) => zoneNameForPeople(zone, t)))];
  if (names.length === 1) return names[0]!;
  return names.some((n) => n.endsWith(' time')) ? cityTime(zone.name) : names.join('/');
}
