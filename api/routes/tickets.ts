import { Router } from 'express';
import { principal } from '../auth';
import { parseOr400 } from '../problem';
import { createTicketBody, idempotencyKeyHeader, ticketIdParam } from '../schemas';
import type { TicketService } from '../services/tickets';

export function ticketRoutes(tickets: TicketService): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const body = parseOr400(createTicketBody, req.body ?? {}, 'ticket');
    const rawKey = req.get('idempotency-key');
    const key = rawKey === undefined ? undefined : parseOr400(idempotencyKeyHeader, rawKey, 'Idempotency-Key header');
    const created = await tickets.create(principal(req), body, key);
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

  router.get('/:id', async (req, res) => {
    const { id } = parseOr400(ticketIdParam, req.params, 'ticket id');
    const { ticket, sla } = await tickets.get(principal(req), id);
    res.json({
      ...ticket,
      status: sla?.status ?? 'new',
      priority: sla?.priority ?? ticket.priority,
      sla,
    });
  });

  return router;
}
