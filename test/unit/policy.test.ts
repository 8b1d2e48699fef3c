import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SLA_CALENDAR } from '../../domain/calendar';
import { PolicyError } from '../../domain/errors';
import { customerScope } from '../../domain/agreement';
import { DEFAULT_POLICY, PRIORITIES, isOutOfScope, parsePolicyOverrides, targetFor } from '../../domain/policy';
import { expandHolidays } from '../../lib/holidays';
import { SlaConfigError, loadSlaConfig } from '../../lib/sla-config';

describe('DEFAULT_POLICY (design §2)', () => {
  it("first response within the SLA's 24 business hours: urgent 2h, high 8h, normal and low 24h", () => {
    expect(PRIORITIES.map((p) => DEFAULT_POLICY.targets[p].firstResponse)).toEqual(
      [24, 24, 8, 2].map((h) => ({ minutes: h * 60, clock: 'business' })),
    );
  });

  it("never promises a first response after the same priority's resolution", () => {
    for (const p of PRIORITIES)
      expect(DEFAULT_POLICY.targets[p].firstResponse.minutes).toBeLessThanOrEqual(
        DEFAULT_POLICY.targets[p].resolution.minutes,
      );
  });

  it('resolution targets: urgent 8h, high 24h, normal 40h, low 80h; next response 2/4/8/16h', () => {
    expect(PRIORITIES.map((p) => DEFAULT_POLICY.targets[p].resolution.minutes / 60)).toEqual([80, 40, 24, 8]);
    expect(PRIORITIES.map((p) => targetFor(DEFAULT_POLICY, p, 'next_response').minutes / 60)).toEqual([16, 8, 4, 2]);
  });

  it('warns at 75 %, escalates to L2 at the breach and to management 8 business hours later', () => {
    expect(DEFAULT_POLICY.warningAt).toBe(0.75);
    expect(DEFAULT_POLICY.escalation).toEqual([
      { level: 'L2', afterBreachMinutes: 0 },
      { level: 'management', afterBreachMinutes: 480 },
    ]);
  });
});

describe('isOutOfScope', () => {
  it.each([
    ['training', false, true],
    ['training', true, false],
    ['custom-development', true, true],
    ['third-party', false, true],
    ['bug', false, false],
    ['unknown', false, false],
  ])('%s with training included=%s → %s', (category, trainingIncluded, expected) => {
    expect(isOutOfScope(category, customerScope(trainingIncluded), DEFAULT_POLICY)).toBe(expected);
  });

  it("follows each item of an agreement's scope; a listed category no item covers stays out of scope", () => {
    const policy = { ...DEFAULT_POLICY, outOfScopeCategories: [...DEFAULT_POLICY.outOfScopeCategories, 'other'] };
    const scope = { training: false, customDevelopment: true, thirdParty: true };
    expect(isOutOfScope('training', scope, policy)).toBe(true);
    expect(isOutOfScope('custom-development', scope, policy)).toBe(false);
    expect(isOutOfScope('third-party', scope, policy)).toBe(false);
    expect(isOutOfScope('other', { training: true, customDevelopment: true, thirdParty: true }, policy)).toBe(true);
  });
});

describe('parsePolicyOverrides', () => {
  it("accepts the issue's config form; left-out priorities and fields keep defaults", () => {
    const policy = parsePolicyOverrides({
      warningAt: 0.5,
      targets: { urgent: { firstResponseMinutes: 1, resolutionMinutes: 3 } },
      escalation: [{ level: 'L2', afterBreachMinutes: 0 }],
    });
    expect(policy.warningAt).toBe(0.5);
    expect(policy.targets.urgent).toEqual({
      firstResponse: { minutes: 1, clock: 'business' },
      nextResponse: { minutes: 120, clock: 'business' },
      resolution: { minutes: 3, clock: 'business' },
    });
    expect(policy.targets.high).toEqual(DEFAULT_POLICY.targets.high);
    expect(policy.escalation).toEqual([{ level: 'L2', afterBreachMinutes: 0 }]);
    expect(policy.categories).toEqual(DEFAULT_POLICY.categories);
  });

  it('accepts the full target form, clock kinds and the remaining fields', () => {
    const policy = parsePolicyOverrides(
      {
        id: 'gold',
        version: 3,
        targets: {
          low: { firstResponseMinutes: 480, resolution: { minutes: 600, clock: '24x7' }, nextResponseClock: '24x7' },
        },
        categories: ['bug', 'training'],
        outOfScopeCategories: ['training'],
        reviewWindowMinutes: 60,
        autoCloseAfterMinutes: 120,
      },
      DEFAULT_POLICY,
    );
    expect(policy).toMatchObject({ id: 'gold', version: 3, reviewWindowMinutes: 60, autoCloseAfterMinutes: 120 });
    expect(policy.targets.low.resolution).toEqual({ minutes: 600, clock: '24x7' });
    expect(policy.targets.low.nextResponse).toEqual({ minutes: 960, clock: '24x7' });
  });

  it('does not modify the base policy', () => {
    const before = JSON.stringify(DEFAULT_POLICY);
    parsePolicyOverrides({ targets: { urgent: { firstResponseMinutes: 1, resolutionMinutes: 5 } }, escalation: [] });
    expect(JSON.stringify(DEFAULT_POLICY)).toBe(before);
  });

  it.each([
    ['warningAt', { warningAt: 1.5 }],
    ['warningAt', { warningAt: '0.5' }],
    ['targets.urgent.resolutionMinutes', { targets: { urgent: { resolutionMinutes: 0 } } }],
    ['targets.urgent.firstResponseMinutes', { targets: { urgent: { firstResponseMinutes: 'soon' } } }],
    ['targets.urgent.resolution.clock', { targets: { urgent: { resolution: { clock: 'wall' } } } }],
    ['targets.urgent.resolve', { targets: { urgent: { resolve: 1 } } }],
    // A first response due after the resolution: the default urgent first response (2 h) over a 1-hour resolution.
    ['targets.urgent.firstResponse', { targets: { urgent: { resolutionMinutes: 60 } } }],
    ['targets.low.firstResponse', { targets: { low: { firstResponse: { minutes: 4801 } } } }],
    ['targets.critical', { targets: { critical: {} } }],
    [
      'escalation[1].afterBreachMinutes',
      {
        escalation: [
          { level: 'L2', afterBreachMinutes: 60 },
          { level: 'management', afterBreachMinutes: 30 },
        ],
      },
    ],
    ['escalation[0].level', { escalation: [{ level: '', afterBreachMinutes: 0 }] }],
    ['escalation[0].level', { escalation: [{ level: 'L1', afterBreachMinutes: 0 }] }],
    [
      'escalation[1].level',
      {
        escalation: [
          { level: 'L2', afterBreachMinutes: 0 },
          { level: 'L2', afterBreachMinutes: 1 },
        ],
      },
    ],
    ['escalation[0].afterBreachMinutes', { escalation: [{ level: 'L2', afterBreachMinutes: -1 }] }],
    ['outOfScopeCategories[0]', { categories: ['bug'], outOfScopeCategories: ['training'] }],
    ['categories[1]', { categories: ['bug', 'bug'] }],
    ['version', { version: 1.5 }],
    ['colour', { colour: 'blue' }],
  ])('rejects %s', (field, input) => {
    let error: unknown;
    try {
      parsePolicyOverrides(input);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as PolicyError).field).toBe(field);
    expect((error as PolicyError).message).toContain(field);
  });
});

describe('holiday rules', () => {
  it('expands US public holidays into explicit local dates', () => {
    const dates = expandHolidays([{ country: 'US' }], 2026, 2026);
    expect(dates).toContain('2026-11-26'); // Thanksgiving
    expect(dates).toContain('2026-12-25');
    expect(dates).toContain('2026-07-03'); // Independence Day observed
    expect(dates).not.toContain('2026-02-14'); // an observance, not a public holiday
  });

  it('names the bad field', () => {
    expect(() => expandHolidays([{ country: 'XX' }], 2026, 2026)).toThrow('holidayRules[0].country');
    expect(() => expandHolidays([{ country: 'US', state: 'ZZ' }], 2026, 2026)).toThrow('holidayRules[0].state');
  });
});

describe('loadSlaConfig', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  const dir = mkdtempSync(join(tmpdir(), 'sla-config-'));
  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };
  const errorOf = (path: string): SlaConfigError => {
    try {
      loadSlaConfig({ SLA_CONFIG: path }, now);
    } catch (error) {
      expect(error).toBeInstanceOf(SlaConfigError);
      return error as SlaConfigError;
    }
    throw new Error('expected the config to be rejected');
  };

  it('defaults to the SLA calendar with US public holidays and the default policy', () => {
    const config = loadSlaConfig({}, now);
    expect(config.calendar.windows).toEqual(SLA_CALENDAR.windows);
    expect(config.calendar.timezone).toBe('UTC-5');
    expect(config.calendar.holidays).toContain('2026-11-26');
    expect(config.calendar.holidays[0]?.startsWith('2025-')).toBe(true);
    expect(config.calendar.holidays.at(-1)?.startsWith('2031-')).toBe(true);
    expect(config.policy).toEqual(DEFAULT_POLICY);
  });

  it("reads the issue's config form", () => {
    const path = file('ok.json', {
      calendar: {
        timezone: 'America/New_York',
        windows: [{ day: 'monday', open: '09:00', close: '17:00' }],
        holidays: ['2026-12-25'],
      },
      policy: {
        warningAt: 0.5,
        targets: { urgent: { firstResponseMinutes: 1, resolutionMinutes: 3 } },
        escalation: [{ level: 'L2', afterBreachMinutes: 0 }],
      },
    });
    const config = loadSlaConfig({ SLA_CONFIG: path }, now);
    expect(config.calendar).toEqual({
      timezone: 'America/New_York',
      windows: [{ day: 'monday', open: '09:00', close: '17:00' }],
      holidays: ['2026-12-25'],
    });
    expect(config.policy.targets.urgent.resolution.minutes).toBe(3);
    expect(config.policy.targets.normal).toEqual(DEFAULT_POLICY.targets.normal);
  });

  it('adds holidays by rule for the configured years', () => {
    const path = file('rules.json', {
      holidayRules: [{ country: 'GB', state: 'ENG' }],
      holidayYears: { from: 2026, to: 2026 },
    });
    const config = loadSlaConfig({ SLA_CONFIG: path }, now);
    expect(config.calendar.holidays).toContain('2026-12-28'); // Boxing Day (substitute)
    expect(config.calendar.holidays.every((date) => date.startsWith('2026-'))).toBe(true);
  });

  it.each([
    [
      'bad-open.json',
      { calendar: { ...SLA_CALENDAR, windows: [{ day: 'monday', open: '24:30', close: '01:00' }] } },
      'calendar.windows[0].open',
    ],
    ['bad-zone.json', { calendar: { ...SLA_CALENDAR, timezone: 'Nowhere/City' } }, 'calendar.timezone'],
    ['no-windows.json', { calendar: { ...SLA_CALENDAR, windows: [] } }, 'calendar.windows'],
    [
      'bad-policy.json',
      { policy: { targets: { urgent: { resolutionMinutes: -3 } } } },
      'policy.targets.urgent.resolutionMinutes',
    ],
    [
      'first-after-resolution.json',
      { policy: { targets: { high: { firstResponseMinutes: 1500 } } } },
      'policy.targets.high.firstResponse',
    ],
    ['bad-rule.json', { holidayRules: [{ country: 'Atlantis' }] }, 'holidayRules[0].country'],
    ['bad-years.json', { holidayYears: { from: 2030, to: 2020 } }, 'holidayYears.to'],
    ['unknown-key.json', { calender: {} }, 'calender'],
    ['not-json.json', '{ "calendar": ', 'SLA_CONFIG'],
  ])('an invalid file (%s) names the field', (name, content, field) => {
    const path = file(name, content);
    const error = errorOf(path);
    expect(error.field).toBe(field);
    expect(error.message).toContain(path);
    if (field !== 'SLA_CONFIG') expect(error.message).toContain(field);
  });

  it('a missing file names SLA_CONFIG', () => {
    expect(errorOf(join(dir, 'missing.json')).field).toBe('SLA_CONFIG');
  });
});
