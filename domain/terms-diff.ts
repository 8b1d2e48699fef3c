/**
 * What a revision changes in what a customer was promised, in words: "first response for high priority: 8 → 6
 * business hours". Pure: the terms before and after in, one line per change out (revision notices, desk/
 * revision-notices.ts). Only what customers are promised is named (targets, support hours, holidays, scope, when
 * resolved tickets close); how the desk escalates inside is its own business.
 */
import { SCOPE_ITEM_WORDS, SCOPE_NAMES, categoryWords, type AgreementScope } from './agreement';
import type { CalendarSpec } from './calendar';
import { describeSupportHours } from './calendar/support-hours';
import { PRIORITIES, type MetricTarget, type PriorityTargets, type SlaPolicy } from './policy';

/** The terms a customer holds: any part may be absent (not compared). */
export interface PromisedTerms {
  policy?: Pick<SlaPolicy, 'targets' | 'outOfScopeCategories' | 'autoCloseAfterMinutes'>;
  calendar?: CalendarSpec;
  scope?: AgreementScope;
}

const METRIC_WORDS: [keyof PriorityTargets, string][] = [
  ['firstResponse', 'first response'],
  ['nextResponse', 'next response'],
  ['resolution', 'resolution'],
];

/** "8 business hours", "90 business minutes", "4 hours around the clock". */
function amount(minutes: number): { n: number; unit: 'hour' | 'minute' } {
  return minutes % 60 === 0 ? { n: minutes / 60, unit: 'hour' } : { n: minutes, unit: 'minute' };
}
const plural = (n: number, unit: string) => `${unit}${n === 1 ? '' : 's'}`;
function targetWords(t: MetricTarget): string {
  const a = amount(t.minutes);
  return t.clock === 'business'
    ? `${a.n} business ${plural(a.n, a.unit)}`
    : `${a.n} ${plural(a.n, a.unit)} around the clock`;
}

/** "8 → 6 business hours" when only the number moves; both in full otherwise. */
export function targetChange(before: MetricTarget, after: MetricTarget): string {
  const a = amount(before.minutes);
  const b = amount(after.minutes);
  if (before.clock === after.clock && a.unit === b.unit) {
    const unit = plural(b.n === 1 && a.n === 1 ? 1 : 2, b.unit);
    return before.clock === 'business'
      ? `${a.n} → ${b.n} business ${unit}`
      : `${a.n} → ${b.n} ${unit} around the clock`;
  }
  return `${targetWords(before)} → ${targetWords(after)}`;
}

function policyChanges(before: PromisedTerms['policy'], after: PromisedTerms['policy']): string[] {
  if (!before || !after) return [];
  const lines: string[] = [];
  // Most urgent first: the order customers read their targets in.
  for (const priority of [...PRIORITIES].reverse()) {
    for (const [key, words] of METRIC_WORDS) {
      const a = before.targets[priority]?.[key];
      const b = after.targets[priority]?.[key];
      if (!a || !b || (a.minutes === b.minutes && a.clock === b.clock)) continue;
      lines.push(`${words} for ${priority} priority: ${targetChange(a, b)}`);
    }
  }
  const added = after.outOfScopeCategories.filter((c) => !before.outOfScopeCategories.includes(c));
  const removed = before.outOfScopeCategories.filter((c) => !after.outOfScopeCategories.includes(c));
  if (added.length) lines.push(`no longer covered: ${added.map(categoryWords).join(', ')}`);
  if (removed.length) lines.push(`now covered: ${removed.map(categoryWords).join(', ')}`);
  if (before.autoCloseAfterMinutes !== after.autoCloseAfterMinutes)
    lines.push(
      `a resolved ticket closes after ${targetChange(
        { minutes: before.autoCloseAfterMinutes, clock: 'business' },
        { minutes: after.autoCloseAfterMinutes, clock: 'business' },
      )} without an answer`,
    );
  return lines;
}

function calendarChanges(before?: CalendarSpec, after?: CalendarSpec): string[] {
  if (!before || !after) return [];
  const lines: string[] = [];
  const hours = (c: CalendarSpec) => describeSupportHours({ ...c, holidays: [] });
  if (hours(before) !== hours(after)) lines.push(`support hours: ${hours(before)} → ${hours(after)}`);
  const added = after.holidays.filter((d) => !before.holidays.includes(d)).sort();
  const removed = before.holidays.filter((d) => !after.holidays.includes(d)).sort();
  if (added.length) lines.push(`support closed for the ${plural(added.length, 'holiday')} ${added.join(', ')}`);
  if (removed.length) lines.push(`no longer a holiday (support open as usual): ${removed.join(', ')}`);
  return lines;
}

function scopeChanges(before?: AgreementScope, after?: AgreementScope): string[] {
  if (!before || !after) return [];
  return SCOPE_NAMES.filter((k) => Boolean(before[k]) !== Boolean(after[k])).map(
    (k) => `${SCOPE_ITEM_WORDS[k]}: ${before[k] ? 'included → not included' : 'not included → included'}`,
  );
}

/** Every change a customer would notice, one line each; none when the revision changes nothing they were promised. */
export function termsChanges(before: PromisedTerms, after: PromisedTerms): string[] {
  return [
    ...policyChanges(before.policy, after.policy),
    ...calendarChanges(before.calendar, after.calendar),
    ...scopeChanges(before.scope, after.scope),
  ];
}

/** The lines as a notice states them: each with the date it applies from ("…; from 2027-01-04"). */
export const withEffectiveDate = (lines: readonly string[], effectiveDate: string): string[] =>
  lines.map((l) => `${l}; from ${effectiveDate}`);
