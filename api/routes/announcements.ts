import { Router } from 'express';
import { z } from 'zod';
import { principal, requireRole } from '../auth';
import { parseOr400 } from '../problem';
import { idempotencyKeyHeader, text } from '../schemas';
import type { AnnouncementService } from '../../desk/announcements';

export const announcementBody = z
  .object({
    title: text(200),
    body: text(20_000),
    kind: z.enum(['update', 'maintenance']),
    window: z
      .object({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) })
      .strict()
      .refine((w) => Date.parse(w.from) < Date.parse(w.to), { message: 'must end after it starts', path: ['to'] })
      .optional(),
    /** Delivery pace; the defaults suit a real mail server (10 per second, 100 per page). */
    delivery: z
      .object({
        ratePerSecond: z.number().int().min(1).max(100).optional(),
        pageSize: z.number().int().min(1).max(500).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const announcementIdParam = z.object({ id: z.string().regex(/^[0-9A-Z]{6,16}$/, 'not an announcement id') });

/** `/api/v1/announcements`: admins post and cancel; agents and admins watch progress. */
export function announcementRoutes(service: AnnouncementService): Router {
  const router = Router();

  router.post('/', requireRole('admin'), async (req, res) => {
    const body = parseOr400(announcementBody, req.body ?? {}, 'announcement');
    const rawKey = req.get('idempotency-key');
    const key = rawKey === undefined ? undefined : parseOr400(idempotencyKeyHeader, rawKey, 'Idempotency-Key header');
    const { id } = await service.create(principal(req), body, key);
    res.status(202).location(`/api/v1/announcements/${id}`).json({ id });
  });

  router.get('/:id', requireRole('admin', 'agent'), async (req, res) => {
    const { id } = parseOr400(announcementIdParam, req.params, 'announcement id');
    res.json(await service.get(id));
  });

  router.post('/:id/cancel', requireRole('admin'), async (req, res) => {
    const { id } = parseOr400(announcementIdParam, req.params, 'announcement id');
    await service.cancel(id);
    res.status(202).json(await service.get(id));
  });

  return router;
}
