/**
 * Pause reasons: what a ticket waits on when an agent sets it pending, and which of its clocks stop meanwhile.
 * A policy's `pauses` maps a reason id to its terms; `pending` names one (`waitingOn`, default `customer`).
 */
import { PolicyError } from './errors';
import type { Metric } from './policy';

export interface PauseReason {
  /** What the ticket is waiting on, in words a customer reads ("Waiting on you"). */
  label: string;
  /** The clocks this reason pauses; the others keep counting. */
  clocks: Metric[];
  /** Whether the customer is told (the agent's `reason` goes to them); otherwise it stays with agents. */
  tellCustomer: boolean;
  /** Business minutes after which the pause ends by itself (clocks resume, the assignee is told); none: no limit. */
  maxMinutes?: number;
}

export const DEFAULT_PAUSE_REASON = 'customer';

/**
 * The reasons every policy has unless it says otherwise. `customer` is the pause tickets had before reasons
 * existed (the resolution clock only, the customer told). `vendor` pauses the customer's resolution clock only:
 * the agreement excludes third-party products, so time a third party takes is not ours to count, but the customer
 * is still owed answers (first and next response keep running). `hold` is the customer's own request, so their
 * next-response clock waits too; it ends by itself after a business week (40 hours) so no hold hides a ticket.
 */
export const DEFAULT_PAUSES: Readonly<Record<string, PauseReason>> = {
  customer: { label: 'Waiting on you', clocks: ['resolution'], tellCustomer: true },
  vendor: { label: 'Waiting on a third party', clocks: ['resolution'], tellCustomer: false },
  hold: {
    label: 'On hold at your request',
    clocks: ['resolution', 'next_response'],
    tellCustomer: false,
    maxMinutes: 2400,
  },
};

/** A policy's reasons; a policy stored before reasons existed has the defaults (its `pending` behaves as it did). */
export function pausesOf(policy: { pauses?: Record<string, PauseReason> }): Record<string, PauseReason> {
  return policy.pauses ?? DEFAULT_PAUSES;
}

const REASON_ID = /^[a-z][a-z0-9_-]{0,39}$/;
const PAUSE_METRICS: readonly Metric[] = ['first_response', 'next_response', 'resolution'];
const REASON_KEYS = ['label', 'clocks', 'tellCustomer', 'maxMinutes'];

type Json = Record<string, unknown>;
const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function parseReason(value: unknown, base: PauseReason | undefined, field: string): PauseReason {
  if (!isRecord(value)) throw new PolicyError('must be an object {label, clocks, tellCustomer, maxMinutes}', field);
  for (const key of Object.keys(value)) {
    if (!REASON_KEYS.includes(key))
      throw new PolicyError(`unknown field (allowed: ${REASON_KEYS.join(', ')})`, `${field}.${key}`);
  }
  const label = value.label ?? base?.label;
  if (typeof label !== 'string' || label.trim() === '')
    throw new PolicyError('must be a non-empty string', `${field}.label`);
  const clocks = value.clocks ?? base?.clocks;
  if (!Array.isArray(clocks) || clocks.length === 0)
    throw new PolicyError(`must be a non-empty array of clocks (${PAUSE_METRICS.join(', ')})`, `${field}.clocks`);
  clocks.forEach((metric: unknown, index) => {
    const at = `${field}.clocks[${index}]`;
    if (!PAUSE_METRICS.includes(metric as Metric))
      throw new PolicyError(`unknown clock; use one of ${PAUSE_METRICS.join(', ')}`, at);
    if (clocks.indexOf(metric) !== index) throw new PolicyError(`duplicate "${String(metric)}"`, at);
  });
  const tellCustomer = value.tellCustomer ?? base?.tellCustomer ?? false;
  if (typeof tellCustomer !== 'boolean') throw new PolicyError('must be true or false', `${field}.tellCustomer`);
  const maxMinutes = value.maxMinutes === undefined ? base?.maxMinutes : value.maxMinutes;
  if (maxMinutes !== undefined && (typeof maxMinutes !== 'number' || !Number.isFinite(maxMinutes) || maxMinutes <= 0))
    throw new PolicyError('must be a number of business minutes > 0', `${field}.maxMinutes`);
  return {
    label,
    clocks: clocks as Metric[],
    tellCustomer,
    ...(maxMinutes !== undefined ? { maxMinutes } : {}),
  };
}

/**
 * `pauses` overrides: each reason given replaces or adds that reason (a field left out keeps the base reason's);
 * reasons not given keep the base's. `customer` always stays, since `pending` without `waitingOn` means it.
 */
export function parsePauses(
  value: unknown,
  base: Record<string, PauseReason> = DEFAULT_PAUSES,
): Record<string, PauseReason> {
  if (!isRecord(value)) throw new PolicyError('must be an object keyed by reason id', 'pauses');
  const result: Record<string, PauseReason> = { ...base };
  for (const [id, reason] of Object.entries(value)) {
    if (!REASON_ID.test(id))
      throw new PolicyError('a reason id is lowercase letters, digits, "-" or "_" (up to 40)', `pauses.${id}`);
    result[id] = parseReason(reason, base[id], `pauses.${id}`);
  }
  return result;
}
