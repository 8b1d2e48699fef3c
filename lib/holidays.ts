/**
 * Expands holiday rules by country (the `date-holidays` package) into explicit local dates 'YYYY-MM-DD'.
 * This stays outside domain/: the calendar and the workflow only ever see dates, so a package update
 * cannot change the history of a running ticket.
 */
import Holidays from 'date-holidays';

export type HolidayType = 'public' | 'bank' | 'optional' | 'school' | 'observance';
export const HOLIDAY_TYPES: readonly HolidayType[] = ['public', 'bank', 'optional', 'school', 'observance'];

export interface HolidayRule {
  /** ISO 3166-1 alpha-2, e.g. 'US'. */
  country: string;
  /** ISO 3166-2 subdivision, e.g. 'NY'. */
  state?: string;
  region?: string;
  /** Default ['public']. */
  types?: HolidayType[];
}

/** The SLA's "excluding public holidays" for an EST desk: US public holidays. */
export const DEFAULT_HOLIDAY_RULES: readonly HolidayRule[] = [{ country: 'US', types: ['public'] }];

export class HolidayRuleError extends Error {
  constructor(
    readonly reason: string,
    readonly field: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'HolidayRuleError';
  }
}

const DAY_MS = 86_400_000;

function checkRule(rule: HolidayRule, field: string): void {
  const registry = new Holidays();
  const countries = registry.getCountries();
  if (typeof rule.country !== 'string' || !countries[rule.country]) {
    throw new HolidayRuleError(
      `unknown country "${String(rule.country)}" (ISO 3166-1 alpha-2, e.g. "US")`,
      `${field}.country`,
    );
  }
  if (rule.state !== undefined && !registry.getStates(rule.country)?.[rule.state]) {
    throw new HolidayRuleError(`unknown state "${rule.state}" for ${rule.country}`, `${field}.state`);
  }
  if (
    rule.region !== undefined &&
    (rule.state === undefined || !registry.getRegions(rule.country, rule.state)?.[rule.region])
  ) {
    throw new HolidayRuleError(
      `unknown region "${rule.region}" for ${rule.country}/${rule.state ?? '?'}`,
      `${field}.region`,
    );
  }
  (rule.types ?? []).forEach((type, index) => {
    if (!HOLIDAY_TYPES.includes(type)) {
      throw new HolidayRuleError(`must be one of ${HOLIDAY_TYPES.join(', ')}`, `${field}.types[${index}]`);
    }
  });
}

/** Sorted, de-duplicated local dates of every holiday the rules define in [fromYear, toYear]. */
export function expandHolidays(
  rules: readonly HolidayRule[],
  fromYear: number,
  toYear: number,
  field = 'holidayRules',
): string[] {
  const dates = new Set<string>();
  rules.forEach((rule, index) => {
    checkRule(rule, `${field}[${index}]`);
    const holidays = new Holidays(
      { country: rule.country, state: rule.state, region: rule.region },
      { types: rule.types ?? ['public'] },
    );
    for (let year = fromYear; year <= toYear; year++) {
      for (const holiday of holidays.getHolidays(year)) {
        // `date` is the local date; a holiday lasting several days covers each of them.
        const first = Date.parse(`${holiday.date.slice(0, 10)}T00:00:00Z`);
        const days = Math.max(1, Math.round((holiday.end.getTime() - holiday.start.getTime()) / DAY_MS));
        for (let day = 0; day < days; day++) dates.add(new Date(first + day * DAY_MS).toISOString().slice(0, 10));
      }
    }
  });
  return [...dates].sort();
}
