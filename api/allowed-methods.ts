import type { RequestHandler } from 'express';
import type { Operation } from './openapi';
import { HttpProblem, sendProblem } from './problem';

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A documented path asked with a method it does not serve answers 405 with `Allow` (RFC 9110 §15.5.6) before
 * any key is checked, since the document already tells anyone which methods each path takes; OPTIONS answers
 * 204 with the same `Allow` (no CORS here: hardening.ts). Any other path falls through, to its page or to 404.
 * Paths match as Express matches them: letter case ignored, a trailing slash allowed.
 */
export function allowedMethods(operations: readonly Pick<Operation, 'method' | 'path'>[]): RequestHandler {
  const byPath = new Map<string, Set<string>>();
  for (const op of operations) {
    if (!byPath.has(op.path)) byPath.set(op.path, new Set());
    byPath.get(op.path)!.add(op.method.toUpperCase());
  }
  const paths = [...byPath].map(([path, methods]) => ({
    templates: (path.match(/\{\w+\}/g) ?? []).length,
    pattern: new RegExp(
      `^${path
        .split(/\{\w+\}/)
        .map(escapeRegex)
        .join('[^/]+')}/?$`,
      'i',
    ),
    // Express answers HEAD wherever it answers GET.
    methods: methods.has('GET') ? new Set([...methods, 'HEAD']) : methods,
  }));
  return (req, res, next) => {
    // As OpenAPI matches: a concrete path before a templated one (`…/calendars/default` is not `…/{calendarId}`).
    const matching = paths.filter((p) => p.pattern.test(req.path));
    const fewest = Math.min(...matching.map((p) => p.templates));
    const served = new Set(matching.filter((p) => p.templates === fewest).flatMap((p) => [...p.methods]));
    if (served.size === 0 || served.has(req.method)) return next();
    const allow = [...served, 'OPTIONS'].join(', ');
    res.setHeader('Allow', allow);
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    sendProblem(
      res,
      new HttpProblem(405, 'Method Not Allowed', `${req.method} is not served here; this path takes ${allow}`),
      req.path,
    );
  };
}
