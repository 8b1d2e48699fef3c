import { Router } from 'express';
import type { Priority } from '../../domain/policy';
import { principal, requireRole } from '../auth';
import { parseOr400 } from '../problem';
import { actionBody, actionParam, idempotencyKeyHeader, messageBody, ticketIdParam } from '../schemas';
import type { TicketActions } from '../../desk/ticket-actions';

/** A ticket's thread, timeline and the agents' actions on it. */
export function ticketThreadRoutes(actions: TicketActions): Router {
  const router = Router();

  router.post('/:id/messages', async (req, res) => {
    const { id } = parseOr400(ticketIdParam, req.params, 'ticket id');
    const body = parseOr400(messageBody, req.body ?? {}, 'message');
    const result = await actions.addMessage(principal(req), id, body);
    res.status(201).json(result);
  });

  router.get('/:id/messages', async (req, res) => {
    const { id } = parseOr400(ticketIdParam, req.params, 'ticket id');
    res.json({ messages: await actions.thread(principal(req), id) });
  });

  router.get('/:id/timeline', async (req, res) => {
    const { id } = parseOr400(ticketIdParam, req.params, 'ticket id');
    const events = await actions.timeline(principal(req), id);
    res.json({
      events: events.map((e) => ({
        type: e.type,
        ...(e.metric ? { metric: e.metric } : {}),
        at: e.at.toISOString(),
        ...(e.dueAt ? { dueAt: e.dueAt.toISOString() } : {}),
        ...(e.level ? { level: e.level } : {}),
        // A policy's reminder: the fraction of the target it warns at, beside the metric it is of.
        ...(typeof e.detail?.threshold === 'number' ? { threshold: e.detail.threshold } : {}),
        ...(e.detail ? { detail: e.detail } : {}),
      })),
    });
  });

  router.post('/:id/actions/:action', requireRole('agent', 'admin'), async (req, res) => {
    const { id, action } = parseOr400(actionParam, req.params, 'action');
    const body = parseOr400(actionBody, req.body ?? {}, 'action');
    const rawKey = req.get('idempotency-key');
    const key = rawKey === undefined ? undefined : parseOr400(idempotencyKeyHeader, rawKey, 'Idempotency-Key header');
    const sla = await actions.act(
      principal(req),
      id,
      action,
      { ...body, priority: body.priority as Priority | undefined },
      key,
    );
    res.json({ id, status: sla.status, sla });
  });

  return router;
}
