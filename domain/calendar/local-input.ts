import { DomainError } from '../errors';
import { parseIsoDate } from './civil';
import type { OpenTime } from './open-time';
import { assertInstant } from './open-time';

const LOCAL_DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;

/** Reads a wall time without offset in the calendar's zone (gap: forward by the gap; overlap: earlier instant). */
export function parseLocalDateTime(openTime: OpenTime, text: string): number {
  const match = LOCAL_DATE_TIME.exec(text);
  const day = match ? parseIsoDate(match[1] as string) : null;
  if (!match || day === null) {
    throw new DomainError(
      'invalid_argument',
      `"${text}" is not a local date-time YYYY-MM-DDTHH:MM[:SS[.sss]]`,
      'wallTime',
    );
  }
  const hours = Number(match[2]);
  const minutes = Number(match[3]);
  const seconds = Number(match[4] ?? 0);
  const millis = Number((match[5] ?? '0').padEnd(3, '0'));
  if (hours > 23 || minutes > 59 || seconds > 59) {
    throw new DomainError('invalid_argument', `"${text}" has an invalid time of day`, 'wallTime');
  }
  // Convert the whole minute (where gaps and overlaps live), then add the sub-minute part.
  const minuteInstant = openTime.wallTimeToInstant(day, hours * 60 + minutes);
  const result = minuteInstant + seconds * 1000 + millis;
  assertInstant(result, 'wallTime');
  return result;
}
