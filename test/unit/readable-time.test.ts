import { describe, expect, it } from 'vitest';
import { createCalendar, formatTimeForPeople, formatUtcMinute, SLA_CALENDAR } from '../../domain/calendar';
import { resolveZone } from '../../domain/calendar/zone';
import { humanTimeProblems } from '../support/human-time';

/** Times people read: minute, weekday, date and the zone's everyday name, whatever the zone. */

const at = (iso: string) => Date.parse(iso);
const write = (zone: string, iso: string, rounding?: 'up' | 'down') =>
  formatTimeForPeople(resolveZone(zone), at(iso), rounding);

describe('formatTimeForPeople', () => {
  it("writes the seed's fixed UTC-5 hours as EST, to the minute", () => {
    expect(write('UTC-5', '2026-12-07T07:50:00Z')).toBe('Mon 2026-12-07 02:50 EST');
    expect(createCalendar(SLA_CALENDAR).formatLocal(new Date('2026-12-08T03:00:00Z'))).toBe('Mon 2026-12-07 22:00 EST');
  });

  it('rounds a due time up, never showing it earlier than it is; events can round down', () => {
    // The acknowledgement that once read "Mon 2026-12-07 02:50:17.347 UTC-5".
    expect(write('UTC-5', '2026-12-07T07:50:17.347Z')).toBe('Mon 2026-12-07 02:51 EST');
    expect(write('UTC-5', '2026-12-07T07:50:17.347Z', 'down')).toBe('Mon 2026-12-07 02:50 EST');
    expect(write('UTC-5', '2026-12-07T07:50:00.000Z')).toBe('Mon 2026-12-07 02:50 EST');
    // Rounding up across midnight moves the weekday and date with it.
    expect(write('UTC-5', '2026-12-08T04:59:59.001Z')).toBe('Tue 2026-12-08 00:00 EST');
    expect(formatUtcMinute(new Date('2026-12-07T05:58:58.197Z'))).toBe('2026-12-07 05:59 UTC');
  });

  it('names IST for Asia/Kolkata, which Intl spells GMT+5:30 in en-US', () => {
    expect(write('Asia/Kolkata', '2026-12-07T04:30:00Z')).toBe('Mon 2026-12-07 10:00 IST');
  });

  it('names CET and CEST for Europe/Berlin on both sides of its DST changes', () => {
    expect(write('Europe/Berlin', '2026-03-29T00:59:00Z')).toBe('Sun 2026-03-29 01:59 CET');
    expect(write('Europe/Berlin', '2026-03-29T01:00:00Z')).toBe('Sun 2026-03-29 03:00 CEST');
    expect(write('Europe/Berlin', '2026-10-25T00:30:00Z')).toBe('Sun 2026-10-25 02:30 CEST');
    expect(write('Europe/Berlin', '2026-10-25T01:30:00Z')).toBe('Sun 2026-10-25 02:30 CET');
  });

  it('names EST and EDT for America/New_York', () => {
    expect(write('America/New_York', '2026-12-07T15:00:00Z')).toBe('Mon 2026-12-07 10:00 EST');
    expect(write('America/New_York', '2026-07-06T14:00:00Z')).toBe('Mon 2026-07-06 10:00 EDT');
  });

  it('names the city where there is no common abbreviation, never a bare offset', () => {
    expect(write('Asia/Kathmandu', '2026-12-07T04:15:00Z')).toBe('Mon 2026-12-07 10:00 Kathmandu time');
    expect(write('America/Sao_Paulo', '2026-12-07T13:00:00Z')).toBe('Mon 2026-12-07 10:00 Sao Paulo time');
  });

  it('names UTC, other common fixed offsets, and writes the rest in words', () => {
    expect(write('UTC', '2026-12-07T10:00:00Z')).toBe('Mon 2026-12-07 10:00 UTC');
    expect(write('UTC+05:30', '2026-12-07T04:30:00Z')).toBe('Mon 2026-12-07 10:00 IST');
    expect(write('UTC+05:45', '2026-12-07T04:15:00Z')).toBe('Mon 2026-12-07 10:00 5 h 45 min ahead of UTC');
    expect(write('UTC-3', '2026-12-07T13:00:00Z')).toBe('Mon 2026-12-07 10:00 3 h behind UTC');
  });

  it('passes the checker the outbox and page tests use, in every zone above', () => {
    const zones = ['UTC-5', 'UTC+05:45', 'Asia/Kolkata', 'Europe/Berlin', 'America/New_York', 'Asia/Kathmandu'];
    const texts = zones.flatMap((z) => ['2026-03-29T01:00:17.5Z', '2026-12-07T07:50:17.347Z'].map((t) => write(z, t)));
    expect(humanTimeProblems(texts.join('\n'))).toEqual([]);
  });
});

describe('humanTimeProblems', () => {
  it('finds seconds, milliseconds and bare UTC offsets, and lets minutes and named zones through', () => {
    expect(humanTimeProblems('respond by Tue 2026-12-08 00:51:15.315 UTC-5')).toEqual([
      'seconds: "00:51:15"',
      'milliseconds: "00:51:15.315"',
      'bare offset: "UTC-5"',
    ]);
    expect(humanTimeProblems('due 2026-12-07 05:58:58.197 UTC')).toEqual([
      'seconds: "05:58:58"',
      'milliseconds: "05:58:58.197"',
    ]);
    expect(humanTimeProblems('Sun 2026-11-01 01:30 America/New_York (UTC-4)')).toEqual(['bare offset: "UTC-4"']);
    expect(humanTimeProblems('due Mon 2026-12-07 22:00 EST (2026-12-08 03:00 UTC), 3h 05m 09s left')).toEqual([]);
  });
});
