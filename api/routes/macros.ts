import { Router } from 'express';
import { z } from 'zod';
import { principal, requireRole } from '../auth';
import { parseOr400 } from '../problem';
import { text } from '../schemas';
import type { AgentDirectory } from '../../desk/agents';
import { MACRO_PLACEHOLDERS, type MacroService } from '../../desk/macros';

/** No `{{name}}` but the known placeholders (desk/macros.ts refuses the rest too), said as a pattern for the document. */
const KNOWN_PLACEHOLDERS_ONLY = new RegExp(
  `^(?![\\s\\S]*\\{\\{\\s*(?!(?:${MACRO_PLACEHOLDERS.map((p) => p.replace('.', '\\.')).join('|')})\\s*\\}\\})[a-zA-Z.]+\\s*\\}\\})`,
);
export const macroBody = z
  .object({
    title: text(120),
    body: text(20_000).regex(
      KNOWN_PLACEHOLDERS_ONLY,
      `names a placeholder that does not exist; use ${MACRO_PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`,
    ),
  })
  .strict();
export const macroIdParam = z.object({ id: z.string().regex(/^K[0-9A-F]{12}$/, 'not a macro id') });

/** Canned responses: agents read them (the console fills one into a reply), admins manage them. */
export function macroRoutes(macros: MacroService): Router {
  const router = Router();
  router.get('/', requireRole('agent', 'admin'), async (_req, res) => {
    res.json({ items: await macros.list() });
  });
  router.get('/:id', requireRole('agent', 'admin'), async (req, res) => {
    const { id } = parseOr400(macroIdParam, req.params, 'macro id');
    res.json(await macros.get(id));
  });
  router.post('/', requireRole('admin'), async (req, res) => {
    const body = parseOr400(macroBody, req.body ?? {}, 'macro');
    const macro = await macros.create(body, principal(req).id);
    res.status(201).location(`/api/v1/macros/${macro.id}`).json(macro);
  });
  router.put('/:id', requireRole('admin'), async (req, res) => {
    const { id } = parseOr400(macroIdParam, req.params, 'macro id');
    const body = parseOr400(macroBody, req.body ?? {}, 'macro');
    res.json(await macros.update(id, body, principal(req).id));
  });
  router.delete('/:id', requireRole('admin'), async (req, res) => {
    const { id } = parseOr400(macroIdParam, req.params, 'macro id');
    await macros.remove(id, principal(req).id);
    res.status(204).end();
  });
  return router;
}

/** The agents tickets can be assigned to (id, name, email, role), for pickers outside the console. */
export function agentRoutes(agents: AgentDirectory): Router {
  const router = Router();
  router.get('/', requireRole('agent', 'admin'), async (_req, res) => {
    res.json({ items: await agents.list() });
  });
  return router;
}
