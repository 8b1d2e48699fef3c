import type { Client } from '@temporalio/client';
import type { TicketContent, TicketStateProjection } from '../domain/entities';
import { carriesSnapshot, snapshotAt, type TicketProjection, type TicketSnapshot } from '../domain/ticket-sla';
import type { Store } from '../store';
import { isTerminal, type TicketStatus } from '../domain/ticket';
import { stateQuery, type ticketWorkflow } from '../workflows/ticket';
import type { PinnedTermsLookup } from './pinned-terms';
import { workflowIdFor } from './ticket-ids';

/**
 * A ticket's SLA state as pages and the API read it: from the store's projection, which the workflow writes with
 * every change (before an update's answer: the change's local activity runs inside the workflow task that answers),
 * counted on to the reader's now by the domain's own clock code. No worker replays a history for a read, so a closed
 * ticket, or any ticket while the workers are away, reads the same as a live one.
 */
export function createSlaReads(deps: {
  temporal: Client;
  store: Store;
  pinnedTerms: PinnedTermsLookup;
  now: () => Date;
}) {
  const { store } = deps;

  /** The snapshot now, from the projection; null when there is no row yet or it predates rows carrying the snapshot. */
  async function projected(ticket: TicketContent): Promise<TicketSnapshot | null> {
    const row = await store.ticketStates.get(ticket.id);
    const p = row && asWritten(row);
    if (!p || !carriesSnapshot(p)) return null;
    // The ticket's own calendar (its pinned version), cached: the one its clocks count on.
    const { calendar } = await deps.pinnedTerms.ofTicket(ticket, p);
    return snapshotAt(p, deps.now(), calendar);
  }

  return {
    projected,

    /**
     * The snapshot for a ticket's page. Only when the projection cannot answer is the workflow asked: a ticket whose
     * first change is still being written (its history is a few events, so the query is cheap), or one whose row was
     * written before rows carried the whole snapshot (rewritten at its next change). A finished run's own answer is
     * read from its close event, so a closed ticket needs no worker then either. If the workflow does not answer,
     * the old row as it is, marked stale.
     */
    async current(ticket: TicketContent): Promise<TicketSnapshot | null> {
      const fromRow = await projected(ticket);
      if (fromRow) return fromRow;
      const row = await store.ticketStates.get(ticket.id);
      const handle = deps.temporal.workflow.getHandle<typeof ticketWorkflow>(workflowIdFor(ticket.id));
      try {
        if (row && isTerminal(row.status as TicketStatus) && (await handle.describe()).status.name === 'COMPLETED')
          return await handle.result();
        return await handle.query(stateQuery);
      } catch {
        return row ? (staleSnapshot(row) as unknown as TicketSnapshot) : null;
      }
    },
  };
}

const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : undefined);

/** The store's row with its instants as the workflow wrote them. */
function asWritten(row: TicketStateProjection): TicketProjection {
  const { nextDeadline, scopeReviewDueAt, receivedAt, updatedAt, clocks, ...rest } = row;
  return {
    ...rest,
    clocks: Array.isArray(clocks) ? clocks : [],
    receivedAt: iso(receivedAt)!,
    updatedAt: iso(updatedAt)!,
    nextDeadline: iso(nextDeadline),
    scopeReviewDueAt: iso(scopeReviewDueAt),
  };
}

/** A row from before rows carried the whole snapshot, while its workflow does not answer: what it has. */
function staleSnapshot(p: TicketStateProjection) {
  return {
    ticketId: p.id,
    status: p.status,
    priority: p.priority,
    category: p.category,
    customerId: p.customerId,
    assignee: p.assignee ?? null,
    escalationLevel: p.escalationLevel,
    slaState: p.slaState,
    nextDeadline: p.nextDeadline?.toISOString() ?? null,
    awaitingScopeReview: !!p.scopeReviewDueAt,
    scopeReviewDueAt: p.scopeReviewDueAt?.toISOString() ?? null,
    clocks: p.clocks,
    version: p.version,
    // What the workflow would accept is not known from such a row.
    availableActions: [],
    stale: true,
  };
}
