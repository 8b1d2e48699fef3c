import { Router } from 'express';
import { z } from 'zod';
import { principal, requireRole } from '../auth';
import { parseOr400 } from '../problem';
import { text } from '../schemas';
import type { VendorService } from '../../desk/vendors';

const vendorId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lowercase letters, digits and "-" (up to 40), such as "acme-hosting"');

export const vendorBody = z
  .object({
    id: vendorId,
    name: text(120),
    calendar: text(60).describe('a stored calendar by name (its newest version counts), or `24x7`'),
    targetMinutes: z
      .number()
      .positive('must be a number of minutes > 0')
      .max(525_600, 'must be at most 525600 minutes (a year)')
      .describe("the vendor's response target, in minutes of its calendar"),
    contacts: z
      .array(z.email('must be an email address').max(254))
      .max(20)
      .describe('who a breach chases; none: no chaser mail')
      .optional(),
  })
  .strict();
export const vendorIdParam = z.object({ id: vendorId });

/** Third parties tickets wait on: agents read them (to set a ticket pending on one), admins add them. */
export function vendorRoutes(vendors: VendorService): Router {
  const router = Router();
  router.get('/', requireRole('agent', 'admin'), async (_req, res) => {
    res.json({ items: await vendors.list() });
  });
  router.get('/:id', requireRole('agent', 'admin'), async (req, res) => {
    const { id } = parseOr400(vendorIdParam, req.params, 'vendor id');
    res.json(await vendors.get(id));
  });
  router.post('/', requireRole('admin'), async (req, res) => {
    const body = parseOr400(vendorBody, req.body ?? {}, 'vendor');
    const vendor = await vendors.create(body, principal(req).id);
    res.status(201).location(`/api/v1/vendors/${vendor.id}`).json(vendor);
  });
  return router;
}
