import { invalidInput } from '../domain/errors';
import { assignActions } from '../domain/policy-levels';
import type { SlaPolicy } from '../domain/policy';
import type { Store } from '../store';
import { createAgentDirectory } from './agents';

/**
 * A policy's `assign` breach actions name agents by user id or email; the desk keeps the user id (as an agent's
 * own assignment does), so the workflow assigns without asking the store. An agent who does not exist is refused
 * when the policy is stored (400 naming `escalation[i].actions[j].agent`), from the API or `SLA_CONFIG` alike.
 */
export async function withAgentIds(store: Store, policy: SlaPolicy): Promise<SlaPolicy> {
  const named = assignActions(policy.escalation);
  if (!named.length) return policy;
  const agents = createAgentDirectory({ store });
  const ids = new Map<string, string>();
  for (const { field, action } of named) {
    try {
      ids.set(field, (await agents.resolve(action.agent)).id);
    } catch {
      throw invalidInput(`${action.agent} is not an agent of this desk; give an agent's user id or email`, field);
    }
  }
  return {
    ...policy,
    escalation: policy.escalation.map((step, i) =>
      step.actions
        ? {
            ...step,
            actions: step.actions.map((a, j) =>
              a.type === 'assign' ? { ...a, agent: ids.get(`escalation[${i}].actions[${j}].agent`)! } : a,
            ),
          }
        : step,
    ),
  };
}
