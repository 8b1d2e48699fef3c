import { Router } from 'express';
import { z } from 'zod';
import { notFoundError } from '../../domain/errors';
import { SLA_NAME, type SettingsKind, type SlaRegistry } from '../../desk/sla-registry';
import { slaVersionFor } from '../../desk/customer-view';
import { principal, requireRole } from '../auth';
import { parseOr400 } from '../problem';
import { calendarBody, policyBody } from '../sla-schemas';
import { requireSettings } from './sla';

/** A calendar's or policy's name in a path (what agreements refer to it by). */
export const slaNameParam = z.string().regex(SLA_NAME, 'must be a lowercase name such as "acme-hours"');
export const versionParam = z.coerce.number().int().min(1);

/** What a named calendar or policy is changed with: the same schemas as `default`'s PUT. */
export const settingsBody = { calendar: calendarBody, policy: policyBody } as const;
/** The id and body of a new named calendar or policy: `{id, …}`, the body as in `default`'s PUT. */
export const createSettingsBody = {
  calendar: calendarBody.extend({ id: slaNameParam }),
  policy: policyBody.extend({ id: slaNameParam }),
} as const;

/**
 * Named calendars and policies beside `default` (api/routes/sla.ts keeps its own routes): created with POST,
 * versioned with PUT, read by name and version, deleted unless an organization's agreement names them.
 */
export function namedSlaRoutes(deps: { registry: SlaRegistry }): Router {
  const router = Router();
  for (const [path, kind, param] of [
    ['calendars', 'calendar', 'calendarId'],
    ['policies', 'policy', 'policyId'],
  ] as [string, SettingsKind, string][]) {
    const nameOf = (params: unknown) =>
      parseOr400(z.object({ [param]: slaNameParam }), params, `${kind} name`)[param] as string;

    router.post(`/sla/${path}`, requireRole('admin'), async (req, res) => {
      parseOr400(createSettingsBody[kind], req.body ?? {}, kind);
      const saved = await deps.registry.create(kind, req.body, principal(req).id);
      res.status(201).location(`/api/v1/sla/${path}/${saved.name}`).json(saved);
    });
    router.get(`/sla/${path}/:${param}`, async (req, res) => {
      const latest = await deps.registry.latest(kind, nameOf(req.params));
      if (!latest) throw notFoundError(kind);
      res.json(slaVersionFor(principal(req), latest));
    });
    router.put(`/sla/${path}/:${param}`, requireRole('admin'), async (req, res) => {
      const name = nameOf(req.params);
      requireSettings(req.body, kind);
      parseOr400(settingsBody[kind], req.body, kind);
      const actor = principal(req).id;
      res
        .status(201)
        .json(
          kind === 'calendar'
            ? await deps.registry.putCalendar(req.body, actor, name)
            : await deps.registry.putPolicy(req.body, actor, name),
        );
    });
    router.delete(`/sla/${path}/:${param}`, requireRole('admin'), async (req, res) => {
      await deps.registry.remove(kind, nameOf(req.params), principal(req).id);
      res.status(204).end();
    });
    router.get(`/sla/${path}/:${param}/versions`, async (req, res) => {
      const name = nameOf(req.params);
      const versions = await deps.registry.versions(kind, name);
      if (!versions.length) throw notFoundError(kind);
      res.json({ versions: versions.map((v) => slaVersionFor(principal(req), v)) });
    });
    router.get(`/sla/${path}/:${param}/versions/:version`, async (req, res) => {
      const name = nameOf(req.params);
      const version = parseOr400(versionParam, req.params.version, 'version');
      const found = await deps.registry.version(kind, name, version);
      if (!found) throw notFoundError(`${kind} version`);
      res.json(slaVersionFor(principal(req), found));
    });
  }
  return router;
}
