/**
 * Business-time CLI (a stable contract other tools test against):
 *   sla deadlines [--calendar FILE]   JSON lines on stdin → one JSON line per input line, in order:
 *     {"start": ISO, "businessMinutes": N} → {"deadline": "YYYY-MM-DDTHH:MM:SS.sssZ"}
 *     {"from": ISO, "to": ISO}             → {"businessMinutes": number}
 *     anything else                        → {"error": "…"} (and the run goes on)
 *   sla explain --start ISO --minutes N [--calendar FILE] [--json]
 * ISO instants carry Z or an offset; a date-time without one is read in the calendar's zone.
 * Without --calendar the configured default is used (SLA_CONFIG, else the SLA's calendar with US public holidays).
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { BusinessCalendar, CalendarSpec } from '../domain/calendar';
import { createCalendar, parseCalendar } from '../domain/calendar';
import { buildConfig, loadSlaConfig } from '../lib/sla-config';

const USAGE = `usage:
  sla deadlines [--calendar FILE]        JSON lines on stdin, one JSON answer per line on stdout
  sla explain --start ISO --minutes N [--calendar FILE] [--json]`;

class UsageError extends Error {}

const INSTANT_WITH_OFFSET = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?)(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})$/i;
const LOCAL_DATE_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?)(?:\.(\d{1,9}))?$/;

/** Reads an ISO instant exactly to the millisecond (further digits are truncated). */
function parseInstant(text: unknown, name: string, calendar: BusinessCalendar): Date {
  if (typeof text !== 'string') throw new Error(`${name} must be an ISO 8601 date-time string`);
  const withOffset = INSTANT_WITH_OFFSET.exec(text);
  if (withOffset) {
    const millis = (withOffset[2] ?? '').slice(0, 3).padEnd(3, '0');
    const ms = Date.parse(`${withOffset[1]}.${millis}${withOffset[3]}`);
    if (Number.isNaN(ms) || !isRealDate(text.slice(0, 10)))
      throw new Error(`${name} "${text}" is not a valid date-time`);
    return new Date(ms);
  }
  const local = LOCAL_DATE_TIME.exec(text);
  if (local) {
    const fraction = local[2] ? `.${local[2].slice(0, 3)}` : '';
    return calendar.fromLocal(`${local[1]}${fraction}`);
  }
  throw new Error(`${name} "${text}" is not an ISO 8601 date-time (e.g. 2026-11-26T12:00:00Z)`);
}

/** Date.parse rolls some impossible dates (e.g. 04-31) over instead of rejecting them. */
function isRealDate(date: string): boolean {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const check = new Date(Date.UTC(year, month - 1, day));
  return check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 && check.getUTCDate() === day;
}

function parseMinutes(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error(`${name} must be a number of minutes >= 0`);
  }
  return value;
}

function answer(line: string, calendar: BusinessCalendar): object {
  if (line.trim() === '') throw new Error('empty line');
  let input: unknown;
  try {
    input = JSON.parse(line);
  } catch {
    throw new Error('not valid JSON');
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new Error('expected a JSON object');
  const request = input as Record<string, unknown>;
  const isDeadline = 'start' in request || 'businessMinutes' in request;
  const isElapsed = 'from' in request || 'to' in request;
  if (isDeadline && !isElapsed) {
    const start = parseInstant(request.start, 'start', calendar);
    const minutes = parseMinutes(request.businessMinutes, 'businessMinutes');
    return { deadline: calendar.deadline(start, minutes).toISOString() };
  }
  if (isElapsed && !isDeadline) {
    const from = parseInstant(request.from, 'from', calendar);
    const to = parseInstant(request.to, 'to', calendar);
    return { businessMinutes: calendar.elapsed(from, to) };
  }
  throw new Error('expected {"start": ISO, "businessMinutes": N} or {"from": ISO, "to": ISO}');
}

async function runDeadlines(calendar: BusinessCalendar): Promise<void> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  let pending: string[] = [];
  for await (const line of lines) {
    let output: object;
    try {
      output = answer(line, calendar);
    } catch (error) {
      output = { error: (error as Error).message };
    }
    pending.push(JSON.stringify(output));
    // Batching keeps thousands of lines fast without holding the whole run in memory.
    if (pending.length >= 1000) {
      process.stdout.write(`${pending.join('\n')}\n`);
      pending = [];
    }
  }
  if (pending.length > 0) process.stdout.write(`${pending.join('\n')}\n`);
}

function runExplain(calendar: BusinessCalendar, options: Map<string, string>): void {
  const startText = options.get('start');
  const minutesText = options.get('minutes');
  if (startText === undefined || minutesText === undefined)
    throw new UsageError('explain needs --start ISO and --minutes N');
  const minutes = Number(minutesText);
  if (minutesText.trim() === '' || !Number.isFinite(minutes) || minutes < 0) {
    throw new UsageError(`--minutes must be a number >= 0, got "${minutesText}"`);
  }
  const explanation = calendar.explain(parseInstant(startText, '--start', calendar), minutes);
  if (options.has('json')) process.stdout.write(`${JSON.stringify(explanation, null, 2)}\n`);
  else process.stdout.write(`${explanation.lines.join('\n')}\n`);
}

function loadCalendar(file: string | undefined): CalendarSpec {
  if (file === undefined) return loadSlaConfig(process.env).calendar;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`--calendar ${file}: ${(error as Error).message}`);
  }
  try {
    // Either a calendar, or a whole SLA config file with a "calendar" key.
    const isConfigFile = typeof json === 'object' && json !== null && 'calendar' in json;
    return isConfigFile ? buildConfig(json, new Date()).calendar : parseCalendar(json);
  } catch (error) {
    throw new UsageError(`--calendar ${file}: ${(error as Error).message}`);
  }
}

const FLAGS_WITH_VALUES = new Set(['calendar', 'start', 'minutes']);
const BOOLEAN_FLAGS = new Set(['json']);

function parseArguments(args: string[]): { command: string | undefined; options: Map<string, string> } {
  const [command, ...rest] = args;
  const options = new Map<string, string>();
  for (let index = 0; index < rest.length; index++) {
    const argument = rest[index] as string;
    const [flag, inlineValue] = argument.startsWith('--') ? argument.slice(2).split(/=(.*)/s, 2) : [];
    if (flag !== undefined && BOOLEAN_FLAGS.has(flag) && inlineValue === undefined) {
      options.set(flag, 'true');
    } else if (flag !== undefined && FLAGS_WITH_VALUES.has(flag)) {
      const value = inlineValue ?? rest[++index];
      if (value === undefined) throw new UsageError(`--${flag} needs a value`);
      options.set(flag, value);
    } else {
      throw new UsageError(`unknown argument "${argument}"`);
    }
  }
  return { command, options };
}

async function main(): Promise<number> {
  try {
    const { command, options } = parseArguments(process.argv.slice(2));
    if (command === 'deadlines') {
      if (options.size > (options.has('calendar') ? 1 : 0))
        throw new UsageError('deadlines takes only --calendar FILE');
      await runDeadlines(createCalendar(loadCalendar(options.get('calendar'))));
      return 0;
    }
    if (command === 'explain') {
      runExplain(createCalendar(loadCalendar(options.get('calendar'))), options);
      return 0;
    }
    if (command === undefined || command === '--help' || command === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    }
    throw new UsageError(`unknown command "${command}"`);
  } catch (error) {
    const message = (error as Error).message;
    process.stderr.write(error instanceof UsageError ? `sla: ${message}\n${USAGE}\n` : `sla: ${message}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}

process.exitCode = await main();
