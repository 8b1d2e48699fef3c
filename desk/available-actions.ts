import { availableActions, TERMINAL_STATUSES, type AgentAction } from '../domain/ticket';
import type { TicketSnapshot } from '../domain/ticket-sla';
import type { SlaSettings } from './tickets';

/**
 * The actions valid for this snapshot, by the same rules the workflow's validator applies
 * (domain/ticket.ts `refusal`); the escalation ladder is the SLA's in force. A finished workflow takes none.
 */
export function actionsFor(sla: TicketSnapshot, settings: SlaSettings): AgentAction[] {
  if (TERMINAL_STATUSES.includes(sla.status)) return [];
  return availableActions({
    status: sla.status,
    awaitingScopeReview: Boolean(sla.awaitingScopeReview),
    escalationLevel: sla.escalationLevel,
    escalationLadder: ['L1', ...settings.policy.escalation.map((e) => e.level)],
    priority: sla.priority,
  });
}
