import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { Logger } from '../../lib/logger';
import { runWithLogContext, type LogContext } from '../../lib/log-context';

/**
 * Request ids, the log context and one access-log line per request. Mounted first, so every later
 * log line (services included, through the logger's mixin) carries the request id, and the ticket
 * and workflow ids when the path names a ticket.
 */

/** A caller's id is kept only if it is short and plain: it ends up in logs and a response header. */
const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** /api/v1/tickets/<id>/… and /console/tickets/<id>/… */
const TICKET_IN_PATH = /\/tickets\/([0-9A-Z]{6,16})(?:\/|$)/;

export function ticketIdFromPath(path: string): string | undefined {
  return TICKET_IN_PATH.exec(path)?.[1];
}

const ROUTE_TEMPLATE = Symbol('routeTemplate');
type WithTemplate = Request & { [ROUTE_TEMPLATE]?: string };

/**
 * Remembers the template of each route the router matches (`/api/v1/tickets/:id/timeline`), at the moment
 * it matches: the router sets `req.route` then, while `req.baseUrl` still names the mount point (an error
 * passed on later restores baseUrl, so reading both at the end would give a shorter template). pino-http would
 * write the access line, but it knows no route template, and its per-request child logger (`req.log`) would sit
 * beside the log context every later line already takes through the logger's mixin.
 */
function recordRouteTemplates(req: Request): void {
  let route: unknown;
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => route,
    set(value: { path?: unknown } | undefined) {
      route = value;
      if (value && typeof value.path === 'string') {
        // A router's own root ('/' under '/api/v1/tickets') is the mount point itself.
        const own = value.path === '/' && req.baseUrl ? '' : value.path;
        (req as WithTemplate)[ROUTE_TEMPLATE] = `${req.baseUrl}${own}` || '/';
      }
    },
  });
}

/**
 * The route as a metric label: the template of the route that answered, never a value from the path,
 * so the label set is fixed by the code; requests no route matched are all 'unmatched' (scanners must
 * not mint series).
 */
export function routeLabel(req: Request): string {
  return (req as WithTemplate)[ROUTE_TEMPLATE] ?? 'unmatched';
}

export function requestContext(deps: {
  logger: Logger;
  observe: (req: Request, status: number, seconds: number) => void;
}): RequestHandler {
  return (req, res, next) => {
    const given = req.get('x-request-id');
    const requestId = given && SANE_ID.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', requestId);
    const ticketId = ticketIdFromPath(req.path);
    const ctx: LogContext = { requestId, ...(ticketId ? { ticketId, workflowId: `ticket-${ticketId}` } : {}) };
    recordRouteTemplates(req);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      deps.observe(req, res.statusCode, seconds);
      runWithLogContext(ctx, () => {
        const line = {
          req: { method: req.method, url: req.originalUrl.split('?')[0] },
          res: { statusCode: res.statusCode },
          responseTime: Math.round(seconds * 1000),
        };
        if (res.statusCode >= 500) deps.logger.error(line, 'request failed');
        else deps.logger.info(line, 'request completed');
      });
    });
    runWithLogContext(ctx, next);
  };
}
