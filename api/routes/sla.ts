import { Router } from 'express';
import { z } from 'zod';
import { PRIORITIES } from '../../domain/policy';
import { notFoundError } from '../../domain/errors';
import { principal, requireRole } from '../auth';
import { badRequest, parseOr400 } from '../problem';
import { calendarInstant, zoneName } from '../schemas';
import { calendarBody, policyBody } from '../sla-schemas';
import type { SettingsKind, SlaRegistry } from '../../desk/sla-registry';
import type { SlaService } from '../../desk/sla';
import { slaVersionFor } from '../../desk/customer-view';

export const zoneQuery = z.object({ zone: zoneName.optional() }).strict();
export const previewQuery = z
  .object({
    receivedAt: calendarInstant().optional(),
    priority: z.enum(PRIORITIES as unknown as [string, ...string[]]).default('normal'),
    zone: zoneName.optional(),
  })
  .strict();
export const versionParam = z.object({ version: z.coerce.number().int().min(1) });

/**
 * A PUT replaces the SLA in force for every new ticket: a missing, empty or non-object body (a client
 * that lost its payload, or sent it as another media type) must not silently become the defaults.
 */
export function requireSettings(body: unknown, kind: SettingsKind): void {
  const isObject = typeof body === 'object' && body !== null && !Array.isArray(body);
  if (!isObject || Object.keys(body).length === 0) {
    throw badRequest(`the ${kind} is missing`, [
      { field: '(body)', message: `send the ${kind} as a non-empty JSON object (Content-Type: application/json)` },
    ]);
  }
}

/** Support hours, previews, versioned calendars and policies, and re-timing. */
export function slaRoutes(deps: { sla: SlaService; registry: SlaRegistry; now: () => Date }): Router {
  const router = Router();

  router.get('/sla/status', (req, res) => {
    const { zone } = parseOr400(zoneQuery, req.query, 'query');
    res.json(deps.sla.status(zone));
  });

  router.get('/sla/preview', (req, res) => {
    const q = parseOr400(previewQuery, req.query, 'query');
    res.json(deps.sla.preview(q.receivedAt ? new Date(q.receivedAt) : deps.now(), q.priority as never, q.zone));
  });

  for (const [path, kind] of [
    ['calendars', 'calendar'],
    ['policies', 'policy'],
  ] as [string, SettingsKind][]) {
    router.get(`/sla/${path}/default`, async (req, res) => {
      const latest = await deps.registry.latest(kind, 'default');
      if (!latest) throw notFoundError(kind);
      res.json(slaVersionFor(principal(req), latest));
    });
    router.get(`/sla/${path}/default/versions`, async (req, res) => {
      const versions = await deps.registry.versions(kind, 'default');
      res.json({ versions: versions.map((v) => slaVersionFor(principal(req), v)) });
    });
    router.get(`/sla/${path}/default/versions/:version`, async (req, res) => {
      const { version } = parseOr400(versionParam, req.params, 'version');
      const found = await deps.registry.version(kind, 'default', version);
      if (!found) throw notFoundError(`${kind} version`);
      res.json(slaVersionFor(principal(req), found));
    });
    router.put(`/sla/${path}/default`, requireRole('admin'), async (req, res) => {
      requireSettings(req.body, kind);
      parseOr400(kind === 'calendar' ? calendarBody : policyBody, req.body, kind);
      const actor = principal(req).id;
      const saved =
        kind === 'calendar'
          ? await deps.registry.putCalendar(req.body, actor)
          : await deps.registry.putPolicy(req.body, actor);
      res.status(201).json(saved);
    });
  }

  router.post('/sla/policies/default/retime-open-tickets', requireRole('admin'), async (req, res) => {
    res.json(await deps.sla.retimeOpenTickets(principal(req).id));
  });

  return router;
}
