/**
 * Business-time benchmark: deadline computations per second on one core, interval arithmetic vs a naive
 * minute-stepping implementation measured in the same run, for
 *   - the default calendar (the SLA's Sun–Thu 22:00–06:00 UTC-5 shifts plus US public holidays), and
 *   - a sparse calendar (one 30-minute window a week, two weeks in three closed by holidays),
 * each computing 24 business hours from random instants in 2026–2030.
 *
 *   taskset -c 0 npx tsx bench/business-time.ts [--write FILE]   (prints the BENCHMARKS.md section; --write also saves it)
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import type { CalendarSpec } from '../domain/calendar';
import { SLA_CALENDAR, createCalendar } from '../domain/calendar';
import { expandHolidays } from '../lib/holidays';

const MINUTE = 60_000;
const DAY = 86_400_000;
const BUSINESS_MINUTES = 1440;
const RANGE_START = Date.UTC(2026, 0, 1);
const RANGE_MS = 5 * 365 * DAY;

/** Deterministic starts (any instant, with seconds and milliseconds), so runs are comparable. */
function randomStarts(count: number, seed: number): Date[] {
  let state = seed;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
  return Array.from({ length: count }, () => new Date(RANGE_START + Math.floor(next() * RANGE_MS)));
}

const defaultCalendar: CalendarSpec = { ...SLA_CALENDAR, holidays: expandHolidays([{ country: 'US' }], 2025, 2035) };

function sparseCalendar(): CalendarSpec {
  const holidays: string[] = [];
  // Wednesdays from 2026-01-07 for ten years; two in three are holidays.
  for (let week = 0; week < 520; week++) {
    if (week % 3 !== 0) holidays.push(new Date(Date.UTC(2026, 0, 7) + week * 7 * DAY).toISOString().slice(0, 10));
  }
  return { timezone: 'UTC-5', windows: [{ day: 'wednesday', open: '10:00', close: '10:30' }], holidays };
}

/**
 * The naive way (what a polling helpdesk job does): step minute by minute, converting each minute to local time
 * and testing every window and the holiday list. Fixed-offset zones only; exact for starts with seconds.
 */
function naiveDeadline(spec: CalendarSpec, start: Date, minutes: number): Date {
  const offset = Number(/UTC([+-]\d+)?/.exec(spec.timezone)?.[1] ?? 0) * 60 * MINUTE;
  const holidays = new Set(spec.holidays);
  const days = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
  const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  const isOpenMinute = (t: number): boolean => {
    const local = new Date(t + offset);
    const minuteOfDay = local.getUTCHours() * 60 + local.getUTCMinutes();
    for (const window of spec.windows) {
      const open = toMinutes(window.open);
      const close = toMinutes(window.close);
      const overnight = close <= open;
      // Today's window, or yesterday's overnight window reaching into today.
      for (const [dayShift, inWindow] of [
        [0, minuteOfDay >= open && (overnight || minuteOfDay < close)],
        [-1, overnight && minuteOfDay < close],
      ] as const) {
        if (!inWindow) continue;
        const openDate = new Date(t + offset + dayShift * DAY);
        if (days[openDate.getUTCDay()] !== window.day) continue;
        if (holidays.has(openDate.toISOString().slice(0, 10))) continue;
        return true;
      }
    }
    return false;
  };
  let remaining = minutes * MINUTE;
  let t = start.getTime();
  const boundary = Math.ceil(t / MINUTE) * MINUTE;
  if (boundary > t) {
    if (isOpenMinute(boundary - MINUTE)) {
      if (boundary - t >= remaining) return new Date(t + remaining);
      remaining -= boundary - t;
    }
    t = boundary;
  }
  for (; ; t += MINUTE) {
    if (!isOpenMinute(t)) continue;
    if (remaining <= MINUTE) return new Date(t + remaining);
    remaining -= MINUTE;
  }
}

interface Measurement {
  perSecond: number;
  count: number;
  seconds: number;
}

/** Runs `compute` over the starts for about `budgetMs` (and at least `minCount` times), checking the clock every `batch` calls. */
function measure(
  starts: Date[],
  compute: (start: Date) => Date,
  budgetMs: number,
  batch: number,
  minCount = 0,
): Measurement {
  let sink = 0;
  let count = 0;
  const began = performance.now();
  let now = began;
  while (now - began < budgetMs || count < minCount) {
    for (let i = 0; i < batch; i++) {
      sink += compute(starts[count % starts.length] as Date).getTime() & 1;
      count++;
    }
    now = performance.now();
  }
  if (sink < 0) console.log(sink); // keeps the results observable so the work cannot be optimised away
  const seconds = (now - began) / 1000;
  return { perSecond: count / seconds, count, seconds };
}

interface Row {
  calendar: string;
  fast: Measurement;
  naive: Measurement;
  coldMicros: number;
}

function benchmark(name: string, spec: CalendarSpec): Row {
  const starts = randomStarts(100_000, 42);
  // Cold: a fresh calendar's first pass also builds its per-week interval cache.
  createCalendar({ ...spec, holidays: [...spec.holidays, '1999-01-01'] });
  const cold = createCalendar({ ...spec, holidays: [...spec.holidays, '1999-01-02'] });
  const coldStart = performance.now();
  for (const start of starts.slice(0, 2000)) cold.deadline(start, BUSINESS_MINUTES);
  const coldMicros = ((performance.now() - coldStart) * 1000) / 2000;

  const calendar = createCalendar(spec);
  for (const start of starts) calendar.deadline(start, BUSINESS_MINUTES); // warm-up: JIT and cache
  const fast = measure(starts, (start) => calendar.deadline(start, BUSINESS_MINUTES), 3000, 1000);

  const naiveStarts = starts.slice(0, 200);
  for (const start of naiveStarts.slice(0, 5)) {
    const expected = calendar.deadline(start, BUSINESS_MINUTES).getTime();
    if (naiveDeadline(spec, start, BUSINESS_MINUTES).getTime() !== expected)
      throw new Error(`naive and fast disagree for ${start.toISOString()}`);
  }
  const naive = measure(naiveStarts, (start) => naiveDeadline(spec, start, BUSINESS_MINUTES), 3000, 1, 5);
  return { calendar: name, fast, naive, coldMicros };
}

const format = (n: number) => Math.round(n).toLocaleString('en-US');

function table(rows: Row[], extra: string): string {
  const lines = [
    '| calendar | interval arithmetic (deadlines/s) | µs per deadline | first pass, cold cache (µs) | naive minute-stepping (deadlines/s) | speed-up |',
    '|---|---:|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    lines.push(
      `| ${row.calendar} | ${format(row.fast.perSecond)} | ${(1e6 / row.fast.perSecond).toFixed(2)} | ${row.coldMicros.toFixed(1)} | ${row.naive.perSecond.toFixed(1)} | ${format(row.fast.perSecond / row.naive.perSecond)}× |`,
    );
  }
  lines.push(extra);
  return lines.join('\n');
}

const rows = [
  benchmark('default (Sun–Thu 22:00–06:00 UTC-5, US holidays)', defaultCalendar),
  benchmark('sparse (30 min a week, 2/3 of weeks holidays)', sparseCalendar()),
];
// The same shifts in an IANA zone: after the first pass the per-week cache makes DST zones as fast as fixed ones.
const ianaSpec: CalendarSpec = { ...defaultCalendar, timezone: 'America/New_York' };
const ianaCalendar = createCalendar(ianaSpec);
const ianaStarts = randomStarts(100_000, 7);
const ianaColdStart = performance.now();
for (const start of ianaStarts.slice(0, 2000)) ianaCalendar.deadline(start, BUSINESS_MINUTES);
const ianaColdMicros = ((performance.now() - ianaColdStart) * 1000) / 2000;
for (const start of ianaStarts) ianaCalendar.deadline(start, BUSINESS_MINUTES);
const iana = measure(ianaStarts, (start) => ianaCalendar.deadline(start, BUSINESS_MINUTES), 3000, 1000);
const pinned =
  availableParallelism() < cpus().length ? `, this run pinned to ${availableParallelism()} core (taskset)` : '';
const machine = `\`nproc\` = ${cpus().length}, CPU "${cpus()[0]?.model ?? 'unknown'}" (/proc/cpuinfo model name), node ${process.version}${pinned}`;
const ianaRow = `| default shifts in America/New_York (DST) | ${format(iana.perSecond)} | ${(1e6 / iana.perSecond).toFixed(2)} | ${ianaColdMicros.toFixed(1)} | – | – |`;
const result = `${table(rows, ianaRow)}\n\nEach deadline is 24 business hours from a random instant in 2026–2030. Machine: ${machine}.`;
console.log(result);

const writeIndex = process.argv.indexOf('--write');
const target = writeIndex >= 0 ? process.argv[writeIndex + 1] : undefined;
if (target) {
  const section = `## Business time (deadlines per second)

Goal (issue 3): ≥ 200,000 deadlines/s on the default calendar and ≥ 20,000/s on a sparse one, on one core.

${result}

Interval arithmetic walks precomputed open intervals (epoch ms, cached per UTC week); the naive implementation
steps minute by minute testing every window and the holiday list, and is checked against the fast one in the
same run. "First pass, cold cache" is the cost per deadline of a fresh calendar whose week cache is still empty.

Rerun: \`taskset -c 0 npx tsx bench/business-time.ts\` (prints this section)
`;
  writeFileSync(target, section);
}
