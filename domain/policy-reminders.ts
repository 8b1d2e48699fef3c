/**
 * Reminders: notices before a clock's target, each at a fraction of it, to the audiences it names. A policy's
 * `reminders` replaces the single `warningAt` warning; a policy without it keeps that warning (to the level's
 * contacts and the assignee), so every ticket opened before reminders existed behaves as it did.
 */
import { PolicyError } from './errors';

/** Who a reminder goes to: the assignee, the current level's contacts, the organization's admins, webhooks. */
export type ReminderAudience = 'assignee' | 'level' | 'organization' | 'webhook';
export const REMINDER_AUDIENCES: readonly ReminderAudience[] = ['assignee', 'level', 'organization', 'webhook'];

export interface Reminder {
  /** Fraction of the clock's target at which it fires, between 0 and 1 (exclusive). */
  at: number;
  notify: ReminderAudience[];
  /** A notice whose instant falls outside the ticket's calendar waits for its next opening (the instant is kept). */
  supportHoursOnly: boolean;
}

const REMINDER_KEYS = ['at', 'notify', 'supportHoursOnly'];
/** More would be noise, and each is a timer per clock and cycle. */
const MAX_REMINDERS = 10;

type Json = Record<string, unknown>;
const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function parseReminder(value: unknown, field: string): Reminder {
  if (!isRecord(value)) throw new PolicyError('must be an object {at, notify, supportHoursOnly}', field);
  for (const key of Object.keys(value)) {
    if (!REMINDER_KEYS.includes(key))
      throw new PolicyError(`unknown field (allowed: ${REMINDER_KEYS.join(', ')})`, `${field}.${key}`);
  }
  const { at, notify, supportHoursOnly = false } = value;
  if (typeof at !== 'number' || !(at > 0 && at < 1))
    throw new PolicyError('must be a fraction between 0 and 1 (exclusive)', `${field}.at`);
  if (!Array.isArray(notify) || notify.length === 0)
    throw new PolicyError(`must be a non-empty array of ${REMINDER_AUDIENCES.join(', ')}`, `${field}.notify`);
  notify.forEach((audience: unknown, index) => {
    const where = `${field}.notify[${index}]`;
    if (!REMINDER_AUDIENCES.includes(audience as ReminderAudience))
      throw new PolicyError(`unknown audience; use one of ${REMINDER_AUDIENCES.join(', ')}`, where);
    if (notify.indexOf(audience) !== index) throw new PolicyError(`duplicate "${String(audience)}"`, where);
  });
  if (typeof supportHoursOnly !== 'boolean')
    throw new PolicyError('must be true or false', `${field}.supportHoursOnly`);
  return { at, notify: notify as ReminderAudience[], supportHoursOnly };
}

/** A policy's `reminders`: each validated (the field named on a rejection), two at one fraction refused. */
export function parseReminders(value: unknown): Reminder[] {
  if (!Array.isArray(value)) throw new PolicyError('must be an array of {at, notify, supportHoursOnly}', 'reminders');
  if (value.length > MAX_REMINDERS) throw new PolicyError(`at most ${MAX_REMINDERS} reminders`, 'reminders');
  const reminders = value.map((item: unknown, index) => parseReminder(item, `reminders[${index}]`));
  reminders.forEach((reminder, index) => {
    if (reminders.findIndex((other) => other.at === reminder.at) !== index)
      throw new PolicyError(
        `duplicate fraction ${reminder.at}; give one reminder several audiences`,
        `reminders[${index}].at`,
      );
  });
  return reminders;
}
