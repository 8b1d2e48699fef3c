import { Router } from 'express';
import { principal } from '../auth';
import { parseOr400 } from '../problem';
import { liveSessionBody, ticketIdParam } from '../schemas';
import type { LiveSessions } from '../../desk/live-sessions';

export function liveSessionRoutes(live: LiveSessions): Router {
  const router = Router();
  router.post('/:id/live-session', async (req, res) => {
    const { id } = parseOr400(ticketIdParam, req.params, 'ticket id');
    const body = parseOr400(liveSessionBody, req.body ?? {}, 'live session');
    const sla = await live.handle(principal(req), id, body);
    res.json({ id, live: sla.live, sla });
  });
  return router;
}
