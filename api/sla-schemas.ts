import { z } from 'zod';
import { WEEKDAYS } from '../domain/calendar';
import { CLOCK_KINDS, PRIORITIES } from '../domain/policy';
import { categoryName, zoneName } from './schemas';
import { reminderList } from './reminder-schema';
import { levelStepFields } from './sla-level-schemas';

/**
 * The bodies of PUT /api/v1/sla/{calendars,policies}/default as JSON Schema can state them. The route checks a
 * body against these first, so /openapi.json describes every field, type and range the server takes; the domain's
 * parsers (domain/calendar/parse.ts, domain/policy.ts) then apply what no schema can say, each a 400 naming the
 * field: a first-response target above its resolution target, out-of-scope categories that are not categories,
 * an escalation level listed twice or earlier than the one before it.
 */

/** Weekday names in any letter case, as the calendar parser lower-cases them. */
const caseless = (word: string) => [...word].map((c) => `[${c.toUpperCase()}${c}]`).join('');
const weekday = z
  .string()
  .regex(new RegExp(`^(?:${WEEKDAYS.map(caseless).join('|')})$`), `must be one of ${WEEKDAYS.join(', ')}`);
const HH_MM = '(?:[01][0-9]|2[0-3]):[0-5][0-9]';

const calendarWindow = z
  .object({
    day: weekday,
    open: z.string().regex(new RegExp(`^${HH_MM}$`), 'must be a local time "HH:MM" from 00:00 to 23:59'),
    close: z.string().regex(new RegExp(`^(?:${HH_MM}|24:00)$`), 'must be a local time "HH:MM" from 00:00 to 24:00'),
  })
  .strict();

export const calendarBody = z
  .object({
    timezone: zoneName,
    windows: z.array(calendarWindow).min(1, 'calendar has no open time: add at least one window'),
    // The parser reads a date through Date.UTC, which takes years 0–99 for 1900–1999: those are refused.
    holidays: z
      .array(z.iso.date('must be a real date "YYYY-MM-DD"').regex(/^(?!00)/, 'must be a date from the year 100 on'))
      .optional(),
  })
  .strict();

/** A year of minutes: longer targets or waits are typing mistakes, and their deadlines could leave the calendar's range. */
const MAX_MINUTES = 525_600;
const minutes = z
  .number()
  .positive('must be a number of minutes > 0')
  .max(MAX_MINUTES, `must be at most ${MAX_MINUTES} minutes (a year)`);
const clockKind = z.enum(CLOCK_KINDS as unknown as [string, ...string[]]);
const target = z.object({ minutes: minutes.optional(), clock: clockKind.optional() }).strict();
/** Each metric in the full form (`resolution: {minutes, clock}`) or the short one (`resolutionMinutes`, `resolutionClock`). */
const priorityTargets = z
  .object(
    Object.fromEntries(
      (['firstResponse', 'nextResponse', 'resolution'] as const).flatMap((name) => [
        [name, target.optional()],
        [`${name}Minutes`, minutes.optional()],
        [`${name}Clock`, clockKind.optional()],
      ]),
    ),
  )
  .strict();
const categoryList = z.array(categoryName).meta({ uniqueItems: true });
const pauseReason = z
  .object({
    label: z.string().regex(/\S/, 'must be a non-empty string').max(120).optional(),
    clocks: z
      .array(z.enum(['first_response', 'next_response', 'resolution']))
      .min(1, 'a reason pauses at least one clock')
      .meta({ uniqueItems: true })
      .optional(),
    tellCustomer: z.boolean().optional(),
    maxMinutes: minutes.optional(),
  })
  .strict();

export const policyBody = z
  .object({
    id: z.string().regex(/\S/, 'must be a non-empty string').optional(),
    version: z.number().int().min(1).optional(),
    warningAt: z.number().gt(0).lt(1, 'must be a fraction between 0 and 1 (exclusive)').optional(),
    targets: z
      .object(Object.fromEntries(PRIORITIES.map((p) => [p, priorityTargets.optional()])))
      .strict()
      .optional(),
    escalation: z
      .array(
        z
          .object({
            level: z.string().regex(/^(?!L1$)[\s\S]*\S/, 'a level after L1 (where every ticket starts)'),
            afterBreachMinutes: z.number().min(0).max(MAX_MINUTES),
            ...levelStepFields,
          })
          .strict(),
      )
      .optional(),
    categories: categoryList.min(1, 'a ticket needs a category to be opened under').optional(),
    outOfScopeCategories: categoryList.optional(),
    reviewWindowMinutes: minutes.optional(),
    autoCloseAfterMinutes: minutes.optional(),
    pauses: z
      .record(
        z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, 'a reason id is lowercase letters, digits, "-" or "_" (up to 40)'),
        pauseReason,
      )
      .describe(
        "what `pending` can wait on, by reason id (`waitingOn`): each reason names the clocks it pauses, whether the customer is told, and the business minutes after which it ends by itself. Reasons given replace the policy's own of that id; the others stay (`customer`, `vendor`, `hold` by default)",
      )
      .optional(),
    reminders: reminderList.optional(),
  })
  .strict()
  .meta({ minProperties: 1 });
