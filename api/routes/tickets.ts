import { Router } from 'express';
import { principal } from '../auth';
import { parseOr400 } from '../problem';
import { createTicketBody, encodeCursor, idempotencyKeyHeader, listQuery, ticketIdParam } from '../schemas';
import type { TicketService } from '../../desk/tickets';
import type { TicketList } from '../../desk/ticket-list';
import { unavailableError } from '../../domain/errors';
import { withinBudget } from '../http/time-budget';

/**
 * How long a submitter waits for intake, whatever it waits on: every store and workflow-service call has its own limit
 * below this, and this one bounds what they do not. Past it the answer is 503 with Retry-After; the intake may still
 * finish, and the keyed retry then meets its ticket.
 */
const INTAKE_BUDGET_MS = 45_000;

export function ticketRoutes(tickets: TicketService, queue: TicketList): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const body = parseOr400(createTicketBody, req.body ?? {}, 'ticket');
    const rawKey = req.get('idempotency-key');
    const key = rawKey === undefined ? undefined : parseOr400(idempotencyKeyHeader, rawKey, 'Idempotency-Key header');
    const created = await withinBudget(tickets.create(principal(req), body, key), INTAKE_BUDGET_MS, () =>
      unavailableError('the ticket could not be confirmed in time; retry with the same Idempotency-Key'),
    );
    res
      .status(created.replayed ? 200 : 201)
      .location(`/api/v1/tickets/${created.ticket.id}`)
      .json({
        id: created.ticket.id,
        status: created.sla.status,
        priority: created.sla.priority,
        category: created.ticket.category,
        subject: created.ticket.subject,
        receivedAt: created.ticket.receivedAt,
        sla: created.sla,
      });
  });

  router.get('/', async (req, res) => {
    const q = parseOr400(listQuery, req.query, 'query');
    const caller = principal(req);
    const page = await queue.listFor(
      caller,
      { status: q.status, priority: q.priority, category: q.category, assignee: q.assignee, slaState: q.sla, q: q.q },
      q.sort,
      q.cursor ?? null,
      q.limit,
    );
    res.json({ items: page.items, nextCursor: page.next ? encodeCursor(page.next) : null });
  });

  router.get('/:id', async (req, res) => {
    const { id } = parseOr400(ticketIdParam, req.params, 'ticket id');
    const { ticket, sla, thread, slaAcceptance } = await tickets.get(principal(req), id);
    // The versions it was opened under stay internal: `sla` names those it runs under now (a re-timing moves them).
    const { pinned: _pinned, ...content } = ticket;
    res.json({
      ...content,
      // Web-form tickets under an existing customer's address stay unverified until the mailed link is opened.
      unverified: ticket.unverified === true,
      status: sla?.status ?? 'new',
      priority: sla?.priority ?? ticket.priority,
      sla,
      // What an agent may do now: the workflow's own list (its rules, the ticket's policy); a customer acts through messages.
      actions: principal(req).role !== 'customer' ? (sla?.availableActions ?? []) : [],
      thread,
      // How the customer agreed to the SLA version the ticket was opened under: in the portal, or by opening a ticket.
      slaAcceptance,
    });
  });

  return router;
}
