import { Router } from 'express';
import type { HeldMail } from '../../desk/held-mail';
import { principal, requireRole } from '../auth';
import { parseOr400 } from '../problem';
import { heldMailParam } from '../schemas';

/** Agents release a held mail into the thread as the customer's, or discard it (desk/held-mail.ts). */
export function heldMailRoutes(heldMail: HeldMail): Router {
  const router = Router();
  for (const decision of ['release', 'discard'] as const) {
    router.post(`/:id/held-mail/:messageId/${decision}`, requireRole('agent', 'admin'), async (req, res) => {
      const { id, messageId } = parseOr400(heldMailParam, req.params, 'held mail');
      res.json(await heldMail.decide(principal(req), id, messageId, decision));
    });
  }
  return router;
}
