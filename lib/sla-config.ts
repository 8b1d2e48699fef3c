/**
 * The SLA configuration used at startup: the built-in default (the SLA's calendar plus US public holidays, and
 * DEFAULT_POLICY), or the JSON file named by SLA_CONFIG. An invalid file stops startup with an error naming the field.
 *
 * File form (every key optional):
 *   { "calendar": { "timezone": "UTC-5", "windows": [...], "holidays": ["2026-12-25"] },
 *     "holidayRules": [{ "country": "US", "state": "NY", "types": ["public"] }],
 *     "holidayYears": { "from": 2025, "to": 2032 },
 *     "policy": { "warningAt": 0.5, "targets": { "urgent": { "firstResponseMinutes": 1 } }, "escalation": [...] } }
 * A file that gives its own calendar gets only the holidays it lists (explicit dates plus its own holidayRules);
 * without a calendar, the SLA's calendar and the default holiday rules are used.
 */
import { readFileSync } from 'node:fs';
import type { CalendarSpec } from '../domain/calendar';
import { SLA_CALENDAR, parseCalendar } from '../domain/calendar';
import { DomainError } from '../domain/errors';
import type { SlaPolicy } from '../domain/policy';
import { DEFAULT_POLICY, parsePolicyOverrides } from '../domain/policy';
import type { HolidayRule } from './holidays';
import { DEFAULT_HOLIDAY_RULES, HolidayRuleError, expandHolidays } from './holidays';

export interface SlaConfig {
  calendar: CalendarSpec;
  policy: SlaPolicy;
}

export class SlaConfigError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'SlaConfigError';
  }
}

const FILE_KEYS = ['calendar', 'holidayRules', 'holidayYears', 'policy'];
/** Holiday dates are expanded from a year before startup to this many years after it. */
const DEFAULT_YEARS_AHEAD = 5;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The default or configured calendar and policy. `now` only picks the holiday years; pass it for repeatable tests. */
export function loadSlaConfig(env: { SLA_CONFIG?: string | undefined }, now: Date = new Date()): SlaConfig {
  const path = env.SLA_CONFIG?.trim();
  if (!path) return buildConfig({}, now);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SlaConfigError(`SLA_CONFIG: cannot read ${path}: ${(error as Error).message}`, 'SLA_CONFIG');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SlaConfigError(`SLA_CONFIG ${path}: not valid JSON: ${(error as Error).message}`, 'SLA_CONFIG');
  }
  try {
    return buildConfig(json, now);
  } catch (error) {
    if (error instanceof SlaConfigError) throw new SlaConfigError(`SLA_CONFIG ${path}: ${error.message}`, error.field);
    throw error;
  }
}

/** Builds the configuration from already-parsed JSON (the SLA_CONFIG file's content); throws SlaConfigError(field). */
export function buildConfig(json: unknown, now: Date): SlaConfig {
  if (!isRecord(json)) throw new SlaConfigError('must be a JSON object {calendar, policy, holidayRules, holidayYears}');
  for (const key of Object.keys(json)) {
    if (!FILE_KEYS.includes(key))
      throw new SlaConfigError(`${key}: unknown field (allowed: ${FILE_KEYS.join(', ')})`, key);
  }
  const years = holidayYears(json.holidayYears, now);
  const ownCalendar = json.calendar !== undefined;
  const rules =
    json.holidayRules !== undefined ? holidayRules(json.holidayRules) : ownCalendar ? [] : DEFAULT_HOLIDAY_RULES;

  const calendar = withField('calendar', () => parseCalendar(ownCalendar ? json.calendar : SLA_CALENDAR));
  const ruleDates = withField('', () => expandHolidays(rules, years.from, years.to));
  const policy = withField('policy', () => parsePolicyOverrides(json.policy, DEFAULT_POLICY));
  return { calendar: { ...calendar, holidays: [...new Set([...calendar.holidays, ...ruleDates])].sort() }, policy };
}

function holidayRules(value: unknown): HolidayRule[] {
  if (!Array.isArray(value))
    throw new SlaConfigError('holidayRules: must be an array of {country, state?, types?}', 'holidayRules');
  return value.map((rule: unknown, index) => {
    if (!isRecord(rule)) {
      throw new SlaConfigError(
        `holidayRules[${index}]: must be an object {country, state?, types?}`,
        `holidayRules[${index}]`,
      );
    }
    return rule as unknown as HolidayRule;
  });
}

function holidayYears(value: unknown, now: Date): { from: number; to: number } {
  const year = now.getUTCFullYear();
  if (value === undefined) return { from: year - 1, to: year + DEFAULT_YEARS_AHEAD };
  if (!isRecord(value)) throw new SlaConfigError('holidayYears: must be an object {from, to}', 'holidayYears');
  const from = value.from ?? year - 1;
  const to = value.to ?? year + DEFAULT_YEARS_AHEAD;
  for (const [key, item] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (typeof item !== 'number' || !Number.isInteger(item) || item < 1900 || item > 9999) {
      throw new SlaConfigError(`holidayYears.${key}: must be a year between 1900 and 9999`, `holidayYears.${key}`);
    }
  }
  if ((to as number) < (from as number))
    throw new SlaConfigError('holidayYears.to: must not be before from', 'holidayYears.to');
  return { from: from as number, to: to as number };
}

/** Re-throws domain and holiday-rule errors with the field path inside the config file. */
function withField<T>(prefix: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof DomainError || error instanceof HolidayRuleError) {
      const field = [prefix, error.field].filter(Boolean).join('.');
      throw new SlaConfigError(field ? `${field}: ${error.reason}` : error.reason, field || undefined);
    }
    throw error;
  }
}
