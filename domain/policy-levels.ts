/**
 * What an escalation step may carry besides its timing: a level clock (`respondWithinMinutes`, an operational
 * level agreement: the level reached must act within that many business minutes) and breach actions (`actions`,
 * run once when a breach escalates to the step). Parsed here so domain/policy.ts keeps only the step's timing.
 */
import { PolicyError } from './errors';

export type BreachAction = { type: 'raise_priority' } | { type: 'assign'; agent: string };
const BREACH_ACTION_TYPES = ['raise_priority', 'assign'] as const;

export interface LevelTerms {
  /** Business minutes (on the ticket's calendar) the level has to act (reply, note, accept, resolve) once reached. */
  respondWithinMinutes?: number;
  /** Run once per ticket, in order, when a breach escalates to this step. */
  actions?: BreachAction[];
}

export const LEVEL_STEP_KEYS = ['respondWithinMinutes', 'actions'] as const;
/** A year of minutes, as the API's schema bounds every target. */
const MAX_MINUTES = 525_600;

type Json = Record<string, unknown>;
const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function parseAction(value: unknown, field: string): BreachAction {
  if (!isRecord(value)) throw new PolicyError('must be an object {type, agent?}', field);
  const type = value.type;
  if (type === 'raise_priority') {
    for (const key of Object.keys(value))
      if (key !== 'type') throw new PolicyError('unknown field (allowed: type)', `${field}.${key}`);
    return { type };
  }
  if (type === 'assign') {
    for (const key of Object.keys(value))
      if (key !== 'type' && key !== 'agent')
        throw new PolicyError('unknown field (allowed: type, agent)', `${field}.${key}`);
    const agent = value.agent;
    if (typeof agent !== 'string' || agent.trim() === '')
      throw new PolicyError('must name an agent by user id or email', `${field}.agent`);
    return { type, agent: agent.trim() };
  }
  throw new PolicyError(`unknown action type; use one of ${BREACH_ACTION_TYPES.join(', ')}`, `${field}.type`);
}

/** The level fields of one escalation step (`field` is the step's, e.g. `escalation[0]`). */
export function parseLevelTerms(step: Json, field: string): LevelTerms {
  const terms: LevelTerms = {};
  const within = step.respondWithinMinutes;
  if (within !== undefined) {
    if (typeof within !== 'number' || !Number.isFinite(within) || within <= 0 || within > MAX_MINUTES)
      throw new PolicyError(
        `must be a number of business minutes > 0 and at most ${MAX_MINUTES}`,
        `${field}.respondWithinMinutes`,
      );
    terms.respondWithinMinutes = within;
  }
  if (step.actions !== undefined) {
    if (!Array.isArray(step.actions))
      throw new PolicyError(
        'must be an array of actions ({"type": "raise_priority"} or {"type": "assign", "agent"})',
        `${field}.actions`,
      );
    const actions = step.actions.map((a: unknown, i) => parseAction(a, `${field}.actions[${i}]`));
    actions.forEach((a, i) => {
      // Each runs once: a second of the same type would either repeat the first or undo it.
      if (actions.findIndex((b) => b.type === a.type) !== i)
        throw new PolicyError(`duplicate "${a.type}"`, `${field}.actions[${i}].type`);
    });
    terms.actions = actions;
  }
  return terms;
}

/** The assign actions of a policy's ladder, each with the field that names its agent (for the desk to resolve). */
export function assignActions(escalation: readonly LevelTerms[]): { field: string; action: { agent: string } }[] {
  return escalation.flatMap((step, i) =>
    (step.actions ?? []).flatMap((action, j) =>
      action.type === 'assign' ? [{ field: `escalation[${i}].actions[${j}].agent`, action }] : [],
    ),
  );
}
