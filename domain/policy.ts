/**
 * SLA policy: versioned data (targets per priority and metric, warning fraction, escalation ladder, scope).
 * Defaults follow design §2; a config file or an admin overrides parts of it through parsePolicyOverrides.
 */
import { scopeItemFor, type AgreementScope } from './agreement';
import { PolicyError } from './errors';
import { DEFAULT_PAUSES, parsePauses, pausesOf, type PauseReason } from './policy-pauses';
import { parseReminders, type Reminder } from './policy-reminders';
import { LEVEL_STEP_KEYS, parseLevelTerms, type LevelTerms } from './policy-levels';

export type Priority = 'low' | 'normal' | 'high' | 'urgent';
export const PRIORITIES: readonly Priority[] = ['low', 'normal', 'high', 'urgent'];
export type Metric = 'first_response' | 'next_response' | 'resolution';
/** 'business' counts only open calendar time; '24x7' counts wall-clock time. */
export type ClockKind = 'business' | '24x7';
export const CLOCK_KINDS: readonly ClockKind[] = ['business', '24x7'];

export interface MetricTarget {
  minutes: number;
  clock: ClockKind;
}
export interface PriorityTargets {
  firstResponse: MetricTarget;
  nextResponse: MetricTarget;
  resolution: MetricTarget;
}
/** e.g. {level:'L2', afterBreachMinutes:0}, {level:'management', afterBreachMinutes:480}; level terms: policy-levels.ts */
export interface EscalationStep extends LevelTerms {
  level: string;
  afterBreachMinutes: number;
}

export interface SlaPolicy {
  id: string;
  version: number;
  /** Fraction of a target at which a warning fires, default 0.75. */
  warningAt: number;
  targets: Record<Priority, PriorityTargets>;
  /** After a breach, L1 → these levels in order, each on its own business-minute timer measured from the breach. */
  escalation: EscalationStep[];
  outOfScopeCategories: string[];
  categories: string[];
  /** Business minutes an agent has to accept an out-of-scope ticket before it closes as out_of_scope. */
  reviewWindowMinutes: number;
  /** Business minutes of quiet after 'resolved' before the ticket auto-closes. */
  autoCloseAfterMinutes: number;
  /**
   * What `pending` can wait on, by reason id (domain/policy-pauses.ts); absent in policies stored before reasons
   * existed, which have the defaults.
   */
  pauses?: Record<string, PauseReason>;
  /** Notices before each clock's target (domain/policy-reminders.ts); absent: the one `warningAt` warning. */
  reminders?: Reminder[];
}

const HOUR = 60;
const business = (hours: number): MetricTarget => ({ minutes: hours * HOUR, clock: 'business' });

/**
 * The SLA promises a first response within 24 business hours; each priority's target sits inside that promise
 * and never after its own resolution target (urgent: answered within 2, resolved within 8).
 */
export const DEFAULT_POLICY: SlaPolicy = deepFreeze({
  id: 'default',
  version: 1,
  warningAt: 0.75,
  targets: {
    urgent: { firstResponse: business(2), nextResponse: business(2), resolution: business(8) },
    high: { firstResponse: business(8), nextResponse: business(4), resolution: business(24) },
    normal: { firstResponse: business(24), nextResponse: business(8), resolution: business(40) },
    low: { firstResponse: business(24), nextResponse: business(16), resolution: business(80) },
  },
  escalation: [
    { level: 'L2', afterBreachMinutes: 0 },
    { level: 'management', afterBreachMinutes: 8 * HOUR },
  ],
  outOfScopeCategories: ['training', 'custom-development', 'third-party'],
  categories: ['bug', 'question', 'incident', 'account', 'training', 'custom-development', 'third-party', 'other'],
  reviewWindowMinutes: 8 * HOUR, // one shift
  autoCloseAfterMinutes: 40 * HOUR, // a business week of quiet
  pauses: DEFAULT_PAUSES,
});

/** Shared defaults are frozen all the way down so no caller can change them for everyone else. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

/** The target for one metric of one priority. */
export function targetFor(policy: SlaPolicy, priority: Priority, metric: Metric): MetricTarget {
  const targets = policy.targets[priority];
  if (metric === 'first_response') return targets.firstResponse;
  if (metric === 'next_response') return targets.nextResponse;
  return targets.resolution;
}

/**
 * A category the policy lists as out of scope stays so unless the agreement's scope includes it (training,
 * custom development, third party); a listed category no scope item covers is always out of scope.
 */
export function isOutOfScope(category: string, scope: AgreementScope, policy: SlaPolicy): boolean {
  if (!policy.outOfScopeCategories.includes(category)) return false;
  const item = scopeItemFor(category);
  return !(item && scope[item]);
}

// ---- Parsing overrides (config file, admin API) ----
// Accepts the short form {"targets": {"urgent": {"firstResponseMinutes": 1, "resolutionMinutes": 3}}} and the
// full form {"targets": {"urgent": {"resolution": {"minutes": 3, "clock": "24x7"}}}}. Anything left out keeps
// the base policy's value; every rejection names the field.

type Json = Record<string, unknown>;
const TARGET_NAMES = ['firstResponse', 'nextResponse', 'resolution'] as const;
type TargetName = (typeof TARGET_NAMES)[number];

const POLICY_KEYS = [
  'id',
  'version',
  'warningAt',
  'targets',
  'escalation',
  'outOfScopeCategories',
  'categories',
  'reviewWindowMinutes',
  'autoCloseAfterMinutes',
  'pauses',
  'reminders',
];
const PRIORITY_KEYS = TARGET_NAMES.flatMap((name) => [name, `${name}Minutes`, `${name}Clock`]);

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rejectUnknownKeys(record: Json, allowed: readonly string[], prefix: string): void {
  for (const key of Object.keys(record)) {
    if (!allowed.includes(key)) {
      throw new PolicyError(`unknown field (allowed: ${allowed.join(', ')})`, prefix ? `${prefix}.${key}` : key);
    }
  }
}

function positiveMinutes(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new PolicyError('must be a number of minutes > 0', field);
  }
  return value;
}

function nonNegativeMinutes(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new PolicyError('must be a number of minutes >= 0', field);
  }
  return value;
}

function clockKind(value: unknown, field: string): ClockKind {
  const kind = CLOCK_KINDS.find((candidate) => candidate === value);
  if (!kind) throw new PolicyError(`must be one of ${CLOCK_KINDS.join(', ')}`, field);
  return kind;
}

function nonEmptyString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new PolicyError('must be a non-empty string', field);
  return value;
}

function stringList(value: unknown, field: string): string[] {
  if (!Array.isArray(value)) throw new PolicyError('must be an array of strings', field);
  const items = value.map((item: unknown, index) => nonEmptyString(item, `${field}[${index}]`));
  const duplicate = items.findIndex((item, index) => items.indexOf(item) !== index);
  if (duplicate >= 0) throw new PolicyError(`duplicate "${items[duplicate]}"`, `${field}[${duplicate}]`);
  return items;
}

function parseTarget(record: Json, name: TargetName, base: MetricTarget, field: string): MetricTarget {
  const full = record[name];
  let target = base;
  if (full !== undefined) {
    if (!isRecord(full)) throw new PolicyError('must be an object {minutes, clock}', `${field}.${name}`);
    rejectUnknownKeys(full, ['minutes', 'clock'], `${field}.${name}`);
    target = {
      minutes: full.minutes === undefined ? base.minutes : positiveMinutes(full.minutes, `${field}.${name}.minutes`),
      clock: full.clock === undefined ? base.clock : clockKind(full.clock, `${field}.${name}.clock`),
    };
  }
  const minutes = record[`${name}Minutes`];
  const clock = record[`${name}Clock`];
  if (minutes !== undefined) target = { ...target, minutes: positiveMinutes(minutes, `${field}.${name}Minutes`) };
  if (clock !== undefined) target = { ...target, clock: clockKind(clock, `${field}.${name}Clock`) };
  return target;
}

function parseTargets(value: unknown, base: Record<Priority, PriorityTargets>): Record<Priority, PriorityTargets> {
  if (!isRecord(value)) throw new PolicyError('must be an object keyed by priority', 'targets');
  rejectUnknownKeys(value, PRIORITIES, 'targets');
  const result = { ...base };
  for (const priority of PRIORITIES) {
    const overrides = value[priority];
    if (overrides === undefined) continue;
    const field = `targets.${priority}`;
    if (!isRecord(overrides)) throw new PolicyError('must be an object', field);
    rejectUnknownKeys(overrides, PRIORITY_KEYS, field);
    const current = base[priority];
    result[priority] = {
      firstResponse: parseTarget(overrides, 'firstResponse', current.firstResponse, field),
      nextResponse: parseTarget(overrides, 'nextResponse', current.nextResponse, field),
      resolution: parseTarget(overrides, 'resolution', current.resolution, field),
    };
  }
  return result;
}

function parseEscalation(value: unknown): EscalationStep[] {
  if (!Array.isArray(value)) throw new PolicyError('must be an array of {level, afterBreachMinutes}', 'escalation');
  const steps = value.map((step: unknown, index): EscalationStep => {
    const field = `escalation[${index}]`;
    if (!isRecord(step)) throw new PolicyError('must be an object {level, afterBreachMinutes}', field);
    rejectUnknownKeys(step, ['level', 'afterBreachMinutes', ...LEVEL_STEP_KEYS], field);
    const level = nonEmptyString(step.level, `${field}.level`);
    if (level === 'L1')
      throw new PolicyError('L1 is where every ticket starts; list the levels after it', `${field}.level`);
    const afterBreachMinutes = nonNegativeMinutes(step.afterBreachMinutes, `${field}.afterBreachMinutes`);
    return { level, afterBreachMinutes, ...parseLevelTerms(step, field) };
  });
  steps.forEach((step, index) => {
    const previous = steps[index - 1];
    if (steps.findIndex((other) => other.level === step.level) !== index) {
      throw new PolicyError(`duplicate level "${step.level}"`, `escalation[${index}].level`);
    }
    // The ladder is climbed in order, so each step must come no earlier than the one before it.
    if (previous && step.afterBreachMinutes < previous.afterBreachMinutes) {
      throw new PolicyError('must not be earlier than the previous step', `escalation[${index}].afterBreachMinutes`);
    }
  });
  return steps;
}

/** Applies overrides onto `base` (default DEFAULT_POLICY) and returns a validated policy; throws PolicyError(field). */
export function parsePolicyOverrides(input: unknown, base: SlaPolicy = DEFAULT_POLICY): SlaPolicy {
  if (input === undefined || input === null) return base;
  if (!isRecord(input)) throw new PolicyError('policy must be an object');
  rejectUnknownKeys(input, POLICY_KEYS, '');
  const policy: SlaPolicy = { ...base };
  if (input.id !== undefined) policy.id = nonEmptyString(input.id, 'id');
  if (input.version !== undefined) {
    if (typeof input.version !== 'number' || !Number.isInteger(input.version) || input.version < 1) {
      throw new PolicyError('must be an integer >= 1', 'version');
    }
    policy.version = input.version;
  }
  if (input.warningAt !== undefined) {
    const fraction = input.warningAt;
    if (typeof fraction !== 'number' || !(fraction > 0 && fraction < 1)) {
      throw new PolicyError('must be a fraction between 0 and 1 (exclusive)', 'warningAt');
    }
    policy.warningAt = fraction;
    // The one-reminder shorthand: a policy that gives only `warningAt` has that warning, not the base's reminders.
    if (input.reminders === undefined) delete policy.reminders;
  }
  if (input.reminders !== undefined) policy.reminders = parseReminders(input.reminders);
  if (input.targets !== undefined) policy.targets = parseTargets(input.targets, base.targets);
  if (input.escalation !== undefined) policy.escalation = parseEscalation(input.escalation);
  if (input.categories !== undefined) policy.categories = stringList(input.categories, 'categories');
  if (input.outOfScopeCategories !== undefined) {
    policy.outOfScopeCategories = stringList(input.outOfScopeCategories, 'outOfScopeCategories');
  }
  if (input.reviewWindowMinutes !== undefined) {
    policy.reviewWindowMinutes = positiveMinutes(input.reviewWindowMinutes, 'reviewWindowMinutes');
  }
  if (input.autoCloseAfterMinutes !== undefined) {
    policy.autoCloseAfterMinutes = positiveMinutes(input.autoCloseAfterMinutes, 'autoCloseAfterMinutes');
  }
  if (input.pauses !== undefined) policy.pauses = parsePauses(input.pauses, pausesOf(base));
  for (const priority of PRIORITIES) {
    const { firstResponse, resolution } = policy.targets[priority];
    // A first response due after the resolution would promise an answer to a ticket already overdue.
    if (firstResponse.minutes > resolution.minutes) {
      throw new PolicyError(
        `must not exceed the resolution target (${resolution.minutes} min)`,
        `targets.${priority}.firstResponse`,
      );
    }
  }
  policy.outOfScopeCategories.forEach((category, index) => {
    if (!policy.categories.includes(category)) {
      throw new PolicyError(`"${category}" is not one of the categories`, `outOfScopeCategories[${index}]`);
    }
  });
  return policy;
}

/** A target as customers read it: "4 hours of support time", "90 minutes around the clock". */
export function describeTarget(t: MetricTarget): string {
  const h = t.minutes / 60;
  const amount = Number.isInteger(h) ? `${h} hour${h === 1 ? '' : 's'}` : `${t.minutes} minutes`;
  return `${amount}${t.clock === 'business' ? ' of support time' : ' around the clock'}`;
}

/** A priority's targets in one sentence, as the agreement sets them. */
export function describeTargets(policy: SlaPolicy, priority: Priority): string {
  const t = policy.targets[priority];
  return `For ${priority} priority your agreement sets a first response within ${describeTarget(t.firstResponse)} and a resolution within ${describeTarget(t.resolution)}.`;
}
