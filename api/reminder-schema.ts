import { z } from 'zod';
import { REMINDER_AUDIENCES } from '../domain/policy-reminders';

/** A policy's `reminders` as JSON Schema states them (domain/policy-reminders.ts checks the rest: one per fraction). */
export const reminderList = z
  .array(
    z
      .object({
        at: z.number().gt(0).lt(1, 'must be a fraction between 0 and 1 (exclusive)'),
        notify: z
          .array(z.enum(REMINDER_AUDIENCES as unknown as [string, ...string[]]))
          .min(1, 'a reminder goes to at least one audience')
          .meta({ uniqueItems: true }),
        supportHoursOnly: z.boolean().optional(),
      })
      .strict(),
  )
  .max(10)
  .describe(
    "notices before each clock's target, each at a fraction of it (`at`), once per clock and cycle, on the timeline as a `warning` event with its `threshold`: `notify` names who hears of it (`assignee`, `level`: the current level's contacts, `organization`: the organization's admins, `webhook`: the `warning` webhook); `supportHoursOnly` holds a notice that falls outside the ticket's calendar until its next opening (the event keeps the instant as `detail.warningAt`). Replaces `warningAt` (the one-reminder shorthand: a warning to the level and the assignee, and the webhook); vendor clocks take the same reminders",
  );

/** What /docs says of reminders beside the policy's PUT (its field table gives only names and types). */
export const REMINDERS_NOTE =
  "A policy's `reminders` replaces the one `warningAt` warning with several: each `{at, notify, supportHoursOnly}` fires once per clock and cycle at its fraction `at` of the target, to `notify` (`assignee`, `level`, `organization`, `webhook`), on the timeline as a `warning` with its `threshold`; `supportHoursOnly` holds one that falls outside the ticket's calendar until it opens (not past the target). Without `reminders`, `warningAt` warns the level and the assignee once, as before.";
