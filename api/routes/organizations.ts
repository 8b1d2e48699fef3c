import { Router } from 'express';
import { z } from 'zod';
import { SCOPE_NAMES } from '../../domain/agreement';
import type { OrganizationService } from '../../desk/organizations';
import { principal, requireRole } from '../auth';
import { parseOr400 } from '../problem';
import { refusedDomain } from '../../lib/email-address';
import { slaNameParam } from './sla-named';

const domain = z
  .string()
  // Before lower-casing, which would turn a Kelvin sign into k.
  .check(refusedDomain)
  .trim()
  .toLowerCase()
  .max(253)
  .regex(/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'must be a mail domain such as example.com');
const level = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,39}$/, 'must be an escalation level such as L2');

/** The agreement's own SLA document: plain text, line by line as customers read it on the portal. */
const agreementText = z
  .string()
  .trim()
  .min(1, 'must not be empty; leave it out to use the default document')
  .max(50_000, 'must be at most 50000 characters')
  // Tabs and line breaks only: other control characters would not show, and could hide text.
  .regex(/^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/, 'must be plain text without control characters');

export const organizationBody = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(120, 'must be at most 120 characters'),
    domains: z.array(domain).max(50).default([]),
    agreement: z
      .object({
        calendar: slaNameParam,
        policy: slaNameParam,
        scope: z
          .object(
            Object.fromEntries(SCOPE_NAMES.map((n) => [n, z.boolean()])) as Record<
              (typeof SCOPE_NAMES)[number],
              z.ZodBoolean
            >,
          )
          .strict(),
        contacts: z.record(level, z.array(z.email('must be an email address').max(254)).min(1).max(10)).optional(),
        text: agreementText.optional(),
      })
      .strict(),
  })
  .strict();

export const organizationIdParam = z.string().regex(/^org-[0-9a-f]{10}$/, 'not an organization id');
export const organizationParams = z.object({ organizationId: organizationIdParam });
export const versionParam = z.object({ version: z.coerce.number().int().min(1) });

/** Organizations and their versioned agreements (admins write; agents read). */
export function organizationRoutes(organizations: OrganizationService): Router {
  const router = Router();
  const idOf = (params: unknown) => parseOr400(organizationParams, params, 'organization id').organizationId;

  router.post('/', requireRole('admin'), async (req, res) => {
    const body = parseOr400(organizationBody, req.body ?? {}, 'organization');
    const org = await organizations.create(body, principal(req).id);
    res.status(201).location(`/api/v1/organizations/${org.id}`).json(org);
  });
  router.get('/', requireRole('agent', 'admin'), async (_req, res) => {
    res.json({ organizations: await organizations.list() });
  });
  router.get('/:organizationId', requireRole('agent', 'admin'), async (req, res) => {
    res.json(await organizations.get(idOf(req.params)));
  });
  router.put('/:organizationId', requireRole('admin'), async (req, res) => {
    const id = idOf(req.params);
    const body = parseOr400(organizationBody, req.body ?? {}, 'organization');
    res.json(await organizations.update(id, body, principal(req).id));
  });
  router.get('/:organizationId/versions', requireRole('agent', 'admin'), async (req, res) => {
    res.json({ versions: await organizations.versions(idOf(req.params)) });
  });
  router.get('/:organizationId/versions/:version', requireRole('agent', 'admin'), async (req, res) => {
    const id = idOf(req.params);
    const { version } = parseOr400(versionParam, req.params, 'version');
    res.json(await organizations.version(id, version));
  });
  router.post('/:organizationId/retime', requireRole('admin'), async (req, res) => {
    res.json(await organizations.retime(idOf(req.params), principal(req).id));
  });
  return router;
}
