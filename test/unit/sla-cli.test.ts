/** The CLI contract, exercised by spawning the real command. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CalendarSpec } from '../../domain/calendar';
import { createCalendar } from '../../domain/calendar';
import { loadSlaConfig } from '../../lib/sla-config';

const root = resolve(import.meta.dirname, '../..');
const tsx = join(root, 'node_modules/.bin/tsx');
const dir = mkdtempSync(join(tmpdir(), 'sla-cli-'));
const env = { ...process.env, SLA_CONFIG: '' };

function sla(args: string[], input = '', extraEnv: Record<string, string> = {}) {
  const result = spawnSync(tsx, ['scripts/sla-cli.ts', ...args], {
    cwd: root,
    input,
    encoding: 'utf8',
    env: { ...env, ...extraEnv },
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function writeJson(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(content));
  return path;
}

const jsonLines = (text: string) =>
  text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('sla deadlines', () => {
  it('answers every line in order through `npm run --silent sla -- deadlines`, bad lines included', () => {
    const input = [
      { start: '2026-11-26T12:00:00Z', businessMinutes: 1440 }, // Thanksgiving: the Thursday shift is closed
      { start: '2026-11-19T07:00:00-05:00', businessMinutes: 1440 },
      { from: '2026-11-23T03:00:00Z', to: '2026-11-23T03:00:30Z' },
      { start: '2026-11-23T03:00:00.123Z', businessMinutes: 0.5 },
    ]
      .map((line) => JSON.stringify(line))
      .concat([
        'not json',
        '{"start":"2026-11-23T03:00:00Z"}',
        '{"start":"2026-04-31T00:00:00Z","businessMinutes":1}',
        '',
        '{"from":"2026-11-23T03:00:00Z","to":"2026-11-24T03:00:00Z"}',
        '[1]',
      ])
      .join('\n');
    const result = spawnSync('npm', ['run', '--silent', 'sla', '--', 'deadlines'], {
      cwd: root,
      input,
      encoding: 'utf8',
      env,
      timeout: 30_000,
    });
    expect(result.status).toBe(0);
    const lines = jsonLines(result.stdout);
    expect(lines.slice(0, 4)).toEqual([
      { deadline: '2026-12-02T11:00:00.000Z' },
      { deadline: '2026-11-24T11:00:00.000Z' },
      { businessMinutes: 0.5 },
      { deadline: '2026-11-23T03:00:30.123Z' },
    ]);
    expect(lines.slice(4, 8).every((line) => typeof line.error === 'string')).toBe(true);
    expect(lines[8]).toEqual({ businessMinutes: 480 });
    expect(lines[9]).toHaveProperty('error');
    expect(lines).toHaveLength(10);
  });

  it('agrees with the library on thousands of random lines, for every calendar form', () => {
    const calendars: CalendarSpec[] = [
      {
        timezone: 'America/New_York',
        windows: [
          { day: 'saturday', open: '22:00', close: '06:00' },
          { day: 'sunday', open: '01:30', close: '02:30' },
          { day: 'monday', open: '09:00', close: '17:00' },
        ],
        holidays: ['2026-03-09'],
      },
      {
        timezone: 'UTC+05:45',
        windows: [
          { day: 'friday', open: '00:00', close: '00:00' },
          { day: 'tuesday', open: '23:00', close: '24:00' },
        ],
        holidays: [],
      },
      {
        timezone: 'Australia/Lord_Howe',
        windows: [
          { day: 'sunday', open: '01:00', close: '03:00' },
          { day: 'wednesday', open: '12:00', close: '12:00' },
        ],
        holidays: ['2026-10-07'],
      },
    ];
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (const [index, spec] of calendars.entries()) {
      const cal = createCalendar(spec);
      const requests: object[] = [];
      const expected: object[] = [];
      for (let i = 0; i < 1000; i++) {
        const start = new Date(Date.UTC(2026, 0, 1) + Math.floor(random() * 365 * 86_400_000));
        if (i % 2 === 0) {
          const minutes = Math.floor(random() * 5000) + (i % 4 === 0 ? 0.25 : 0);
          requests.push({ start: start.toISOString(), businessMinutes: minutes });
          expected.push({ deadline: cal.deadline(start, minutes).toISOString() });
        } else {
          const to = new Date(start.getTime() + Math.floor(random() * 20 * 86_400_000));
          requests.push({ from: start.toISOString(), to: to.toISOString() });
          expected.push({ businessMinutes: cal.elapsed(start, to) });
        }
      }
      const path = writeJson(`calendar-${index}.json`, spec);
      const result = sla(['deadlines', '--calendar', path], requests.map((r) => JSON.stringify(r)).join('\n'));
      expect(result.stderr).toBe('');
      expect(jsonLines(result.stdout)).toEqual(expected);
    }
  });

  it('uses SLA_CONFIG and accepts a whole config file as --calendar', () => {
    const config = writeJson('config.json', {
      calendar: { timezone: 'UTC', windows: [{ day: 'monday', open: '09:00', close: '10:00' }] },
    });
    const line = JSON.stringify({ start: '2026-11-23T09:30:00Z', businessMinutes: 60 });
    expect(jsonLines(sla(['deadlines'], line, { SLA_CONFIG: config }).stdout)).toEqual([
      { deadline: '2026-11-30T09:30:00.000Z' },
    ]);
    expect(jsonLines(sla(['deadlines', '--calendar', config], line).stdout)).toEqual([
      { deadline: '2026-11-30T09:30:00.000Z' },
    ]);
    // The default matches the configured default calendar exactly.
    const defaultCal = createCalendar(loadSlaConfig({}).calendar);
    expect(jsonLines(sla(['deadlines'], line).stdout)).toEqual([
      { deadline: defaultCal.deadline(new Date('2026-11-23T09:30:00Z'), 60).toISOString() },
    ]);
  });

  it('refuses an impossible calendar at load time with the field, never hanging', () => {
    const noWindows = writeJson('empty.json', { timezone: 'UTC-5', windows: [], holidays: [] });
    const result = sla(['deadlines', '--calendar', noWindows], '{"start":"2026-01-01T00:00:00Z","businessMinutes":1}');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('windows: calendar has no open time');
    const badClose = writeJson('bad.json', {
      timezone: 'UTC-5',
      windows: [{ day: 'monday', open: '22:00', close: '24:30' }],
    });
    expect(
      sla(['explain', '--start', '2026-01-01T00:00:00Z', '--minutes', '1', '--calendar', badClose]).stderr,
    ).toContain('windows[0].close');
  });

  it('reports a starved calendar per line and goes on', () => {
    const mondays = Array.from({ length: 600 }, (_, week) =>
      new Date(Date.UTC(2026, 0, 5) + week * 7 * 86_400_000).toISOString().slice(0, 10),
    );
    const starved = writeJson('starved.json', {
      timezone: 'UTC',
      windows: [{ day: 'monday', open: '09:00', close: '10:00' }],
      holidays: mondays,
    });
    const input = [
      '{"start":"2026-01-01T00:00:00Z","businessMinutes":1}',
      '{"from":"2026-01-01T00:00:00Z","to":"2027-01-01T00:00:00Z"}',
    ].join('\n');
    const lines = jsonLines(sla(['deadlines', '--calendar', starved], input).stdout);
    expect(lines[0]?.error).toMatch(/no open time in the 10 years/);
    expect(lines[1]).toEqual({ businessMinutes: 0 });
  });
});

describe('sla explain', () => {
  it('prints the explanation for a person', () => {
    const result = sla(['explain', '--start', '2026-11-26T07:00', '--minutes', '1440']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Start:     Thu 2026-11-26 07:00 (closed; next open Sun 2026-11-29 22:00)');
    expect(result.stdout).toContain('holiday Thu 2026-11-26: 22:00–06:00 closed');
    expect(result.stdout).toContain('Deadline:  Wed 2026-12-02 06:00 UTC-5 = 2026-12-02T11:00:00.000Z');
  });

  it('prints JSON with --json and fails clearly on bad arguments', () => {
    const json = JSON.parse(sla(['explain', '--start=2026-11-23T03:00:00Z', '--minutes=90', '--json']).stdout) as {
      deadline: string;
      periods: unknown[];
    };
    expect(json.deadline).toBe('2026-11-23T04:30:00.000Z');
    expect(json.periods).toHaveLength(1);
    const badMinutes = sla(['explain', '--start', '2026-11-23T03:00:00Z', '--minutes', 'ten']);
    expect(badMinutes.status).toBe(2);
    expect(badMinutes.stderr).toContain('--minutes');
    expect(sla(['frobnicate']).status).toBe(2);
  });
});
