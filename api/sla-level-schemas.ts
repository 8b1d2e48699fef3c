import { z } from 'zod';

/**
 * An escalation step's level terms (domain/policy-levels.ts) as JSON Schema states them: the level's own clock and
 * the actions a breach escalating to it runs. An `assign` action's agent must exist (the desk checks it: 400
 * naming `escalation[i].actions[j].agent`).
 */
const breachAction = z.discriminatedUnion('type', [
  z
    .object({ type: z.literal('raise_priority') })
    .strict()
    .describe('one priority step up, re-timing the running clocks'),
  z
    .object({ type: z.literal('assign'), agent: z.string().regex(/\S/, 'must name an agent by user id or email') })
    .strict()
    .describe('give the ticket to this agent (user id or email; stored as the user id)'),
]);

export const levelStepFields = {
  respondWithinMinutes: z
    .number()
    .positive('must be a number of business minutes > 0')
    .max(525_600)
    .describe(
      'business minutes (the ticket\'s calendar) the level has to act (reply, note, accept or resolve) once the ticket reaches it: its clock is `sla.clocks[]` `metric: "level"`; the warning goes to the level, the breach to the next level',
    )
    .optional(),
  actions: z
    .array(breachAction)
    .describe(
      'run once per ticket, in order, when a breach escalates to this step; on the timeline as `breach_action` (agents only)',
    )
    .optional(),
};
