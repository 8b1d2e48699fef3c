/**
 * Interval arithmetic over a calendar's open time. Open time is precomputed per UTC week ("bucket") as a
 * sorted, merged list of [start, end) pairs in epoch ms, clipped to the bucket; queries walk those pairs,
 * so a deadline costs a handful of array reads, never a loop over minutes.
 */
import { CalendarError, DomainError } from '../errors';
import { DAY_MS, MINUTE_MS, MINUTES_PER_DAY, dayNumberOfMs, parseClockTime, parseIsoDate, weekdayIndex } from './civil';
import type { CalendarSpec } from './types';
import { WEEKDAYS } from './types';
import type { Zone } from './zone';
import { localToInstant, resolveZone } from './zone';

const BUCKET_MS = 7 * DAY_MS;
/** Giving up after this much time without any open time keeps a starved calendar from hanging a search. */
export const MAX_SCAN_YEARS = 10;
const MAX_EMPTY_BUCKETS = Math.ceil((MAX_SCAN_YEARS * 366 * DAY_MS) / BUCKET_MS);
const MAX_CACHED_BUCKETS = 20_000;
const MAX_CACHED_CONVERSIONS = 100_000;
/** Supported instants: 1900-01-01 to 9999-12-31 (the tz database and ISO strings are sane in this range). */
export const MIN_INSTANT_MS = Date.UTC(1900, 0, 1);
export const MAX_INSTANT_MS = Date.UTC(9999, 11, 31);
const EMPTY = new Float64Array(0);

export interface CompiledWindow {
  /** Minutes after local midnight of the day the window opens. */
  openMinute: number;
  /** Minutes after that same midnight; past 1440 when the window ends on the next day. */
  closeMinute: number;
  label: string;
}

export function assertInstant(ms: number, name: string): void {
  if (!Number.isFinite(ms)) throw new DomainError('invalid_argument', 'is not a valid instant', name);
  if (ms < MIN_INSTANT_MS || ms > MAX_INSTANT_MS) {
    throw new DomainError('out_of_range', 'must be between 1900-01-01 and 9999-12-31', name);
  }
}

/** Business minutes to exact ms; fractions below a millisecond round to the nearest millisecond. */
export function minutesToMs(minutes: number, name = 'businessMinutes'): number {
  if (typeof minutes !== 'number' || !Number.isFinite(minutes) || minutes < 0) {
    throw new DomainError('invalid_argument', 'must be a finite number of minutes >= 0', name);
  }
  return Math.round(minutes * MINUTE_MS);
}

export class OpenTime {
  readonly zone: Zone;
  /** windowsByWeekday[0] are Monday's windows. */
  readonly windowsByWeekday: CompiledWindow[][];
  readonly holidayDays: ReadonlySet<number>;
  private readonly buckets = new Map<number, Float64Array>();
  private readonly conversions = new Map<number, number>();

  constructor(spec: CalendarSpec) {
    this.zone = resolveZone(spec.timezone);
    this.windowsByWeekday = WEEKDAYS.map(() => []);
    for (const window of spec.windows) {
      const openMinute = parseClockTime(window.open, false) ?? 0;
      const close = parseClockTime(window.close, true) ?? 0;
      const closeMinute = close <= openMinute ? close + MINUTES_PER_DAY : close;
      this.windowsByWeekday[WEEKDAYS.indexOf(window.day)]?.push({
        openMinute,
        closeMinute,
        label: `${window.open}–${window.close}`,
      });
    }
    this.holidayDays = new Set(spec.holidays.map((date) => parseIsoDate(date) ?? 0));
  }

  /** Instant of a wall time, `minute` minutes after local midnight of day `dayNumber` (minute may exceed 1440). */
  wallTimeToInstant(dayNumber: number, minute: number): number {
    const localMs = dayNumber * DAY_MS + minute * MINUTE_MS;
    if (this.zone.kind === 'fixed') return localMs - this.zone.offsetMs;
    const memoized = this.conversions.get(localMs);
    if (memoized !== undefined) return memoized;
    if (this.conversions.size >= MAX_CACHED_CONVERSIONS) this.conversions.clear();
    const instant = localToInstant(this.zone, localMs);
    this.conversions.set(localMs, instant);
    return instant;
  }

  /** The [open, close) instants of every window that opens on local day `dayNumber`, ignoring holidays. */
  windowInstantsOn(dayNumber: number): { window: CompiledWindow; start: number; end: number }[] {
    const windows = this.windowsByWeekday[weekdayIndex(dayNumber)] ?? [];
    return windows.map((window) => ({
      window,
      start: this.wallTimeToInstant(dayNumber, window.openMinute),
      end: this.wallTimeToInstant(dayNumber, window.closeMinute),
    }));
  }

  /** Open time inside bucket k as flat [start0, end0, start1, end1, ...], merged and clipped. */
  piecesOf(bucket: number): Float64Array {
    const cached = this.buckets.get(bucket);
    if (cached) return cached;
    if (this.buckets.size >= MAX_CACHED_BUCKETS) this.buckets.clear();
    const pieces = this.computePieces(bucket);
    this.buckets.set(bucket, pieces);
    return pieces;
  }

  private computePieces(bucket: number): Float64Array {
    const bucketStart = bucket * BUCKET_MS;
    const bucketEnd = bucketStart + BUCKET_MS;
    // A window opening on local day d lies within [d - 14h, d + 2 days + 14h] in UTC terms (offsets are
    // within ±14h, windows at most one day long plus a DST shift), so these days cover the bucket.
    const firstDay = dayNumberOfMs(bucketStart) - 3;
    const lastDay = dayNumberOfMs(bucketEnd) + 1;
    const raw: [number, number][] = [];
    for (let day = firstDay; day <= lastDay; day++) {
      if (this.holidayDays.has(day)) continue;
      for (const { start, end } of this.windowInstantsOn(day)) {
        // A window inside a spring-forward gap can end before its (moved) open: it has no open time that day.
        const from = Math.max(start, bucketStart);
        const to = Math.min(end, bucketEnd);
        if (to > from) raw.push([from, to]);
      }
    }
    if (raw.length === 0) return EMPTY;
    raw.sort((x, y) => x[0] - y[0]);
    const merged: number[] = [];
    for (const [from, to] of raw) {
      const lastEnd = merged[merged.length - 1];
      if (lastEnd !== undefined && from <= lastEnd) {
        merged[merged.length - 1] = Math.max(lastEnd, to); // overlapping or touching windows count once
      } else {
        merged.push(from, to);
      }
    }
    return Float64Array.from(merged);
  }

  isOpen(t: number): boolean {
    const pieces = this.piecesOf(bucketOf(t));
    const index = firstPieceEndingAfter(pieces, t);
    return index < pieces.length && (pieces[index] as number) <= t;
  }

  nextOpen(t: number): number {
    const cursor = new PieceCursor(this, t);
    cursor.next();
    return Math.max(cursor.start, t);
  }

  /** End of the open period containing t, or of the next one; touching pieces across buckets are joined. */
  nextClose(t: number): number {
    const cursor = new PieceCursor(this, t);
    cursor.next();
    let end = cursor.end;
    const limit = Math.max(cursor.start, t) + MAX_EMPTY_BUCKETS * BUCKET_MS;
    // A piece ending exactly at a bucket boundary continues if the next bucket opens with a piece at that instant.
    while (end % BUCKET_MS === 0) {
      checkRange(bucketOf(end));
      const following = this.piecesOf(bucketOf(end));
      if (following.length === 0 || following[0] !== end) break;
      end = following[1] as number;
      if (end > limit) {
        throw new CalendarError(
          `calendar is open without a break for over ${MAX_SCAN_YEARS} years`,
          undefined,
          'never_closes',
        );
      }
    }
    return end;
  }

  /** Earliest instant with exactly `ms` of open time in [start, instant). */
  deadline(start: number, ms: number): number {
    if (ms === 0) return start;
    let remaining = ms;
    let bucket = bucketOf(start);
    let pieces = this.piecesOf(bucket);
    let index = firstPieceEndingAfter(pieces, start);
    let emptyBuckets = 0;
    for (;;) {
      while (index < pieces.length) {
        const from = Math.max(pieces[index] as number, start);
        const available = (pieces[index + 1] as number) - from;
        if (available >= remaining) return from + remaining;
        remaining -= available;
        index += 2;
        emptyBuckets = 0;
      }
      bucket++;
      checkRange(bucket);
      pieces = this.piecesOf(bucket);
      index = 0;
      if (pieces.length === 0) checkStarvation(++emptyBuckets, bucket);
    }
  }

  /** Open time in [a, b) in ms; 0 when b <= a. */
  elapsed(a: number, b: number): number {
    if (b <= a) return 0;
    let total = 0;
    const lastBucket = bucketOf(b);
    for (let bucket = bucketOf(a); bucket <= lastBucket; bucket++) {
      const pieces = this.piecesOf(bucket);
      for (
        let index = bucket === bucketOf(a) ? firstPieceEndingAfter(pieces, a) : 0;
        index < pieces.length;
        index += 2
      ) {
        const from = Math.max(pieces[index] as number, a);
        const to = Math.min(pieces[index + 1] as number, b);
        if (from >= b) break;
        total += to - from;
      }
    }
    return total;
  }
}

/** Walks open pieces in time order from an instant, across buckets, refusing to scan a starved calendar forever. */
export class PieceCursor {
  start = 0;
  end = 0;
  private bucket: number;
  private pieces: Float64Array;
  private index: number;

  constructor(
    private readonly openTime: OpenTime,
    from: number,
  ) {
    this.bucket = bucketOf(from);
    this.pieces = openTime.piecesOf(this.bucket);
    this.index = firstPieceEndingAfter(this.pieces, from);
  }

  /** Loads the next piece into start/end. Always true; throws when no open time is found within the bound. */
  next(): boolean {
    let emptyBuckets = 0;
    while (this.index >= this.pieces.length) {
      this.bucket++;
      checkRange(this.bucket);
      this.pieces = this.openTime.piecesOf(this.bucket);
      this.index = 0;
      if (this.pieces.length === 0) checkStarvation(++emptyBuckets, this.bucket);
    }
    this.start = this.pieces[this.index] as number;
    this.end = this.pieces[this.index + 1] as number;
    this.index += 2;
    return true;
  }
}

function bucketOf(t: number): number {
  return Math.floor(t / BUCKET_MS);
}

function checkStarvation(emptyBuckets: number, bucket: number): void {
  if (emptyBuckets > MAX_EMPTY_BUCKETS) {
    const since = new Date((bucket - emptyBuckets) * BUCKET_MS).toISOString().slice(0, 10);
    throw new CalendarError(
      `no open time in the ${MAX_SCAN_YEARS} years after ${since} (are holidays covering every window?)`,
      'holidays',
      'no_open_time',
    );
  }
}

function checkRange(bucket: number): void {
  if (bucket * BUCKET_MS > MAX_INSTANT_MS) {
    throw new DomainError('out_of_range', 'result would be after 9999-12-31');
  }
}

/** Index (even) of the first piece whose end is after t, or pieces.length. */
function firstPieceEndingAfter(pieces: Float64Array, t: number): number {
  let low = 0;
  let high = pieces.length / 2;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((pieces[middle * 2 + 1] as number) > t) high = middle;
    else low = middle + 1;
  }
  return low * 2;
}
