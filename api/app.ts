import express, { type Express } from 'express';
import type { Client } from '@temporalio/client';
import type { Logger } from '../lib/logger';
import { allowedMethods } from './allowed-methods';
import { authenticate } from './auth';
import { hardening, type RateLimitOptions } from './hardening';
import { errorHandler, notFoundHandler } from './problem';
import { docsRoutes } from './routes/docs';
import { apiIndexRoutes } from './routes/api-index';
import { faviconRoutes } from './http/favicon';
import { announcementRoutes } from './routes/announcements';
import { healthRoutes } from './routes/health';
import { inboundRoutes } from './routes/inbound';
import { ticketThreadRoutes } from './routes/ticket-thread';
import { ticketRoutes } from './routes/tickets';
import { reportRoutes } from './routes/reports';
import { ratingReportRoutes } from './routes/rating-reports';
import { simulationRoutes } from './routes/simulations';
import { reviewRoutes } from './routes/review';
import { slaRoutes } from './routes/sla';
import { namedSlaRoutes } from './routes/sla-named';
import { organizationRoutes } from './routes/organizations';
import { agentRoutes, macroRoutes } from './routes/macros';
import { vendorRoutes } from './routes/vendors';
import { userRoutes } from './routes/users';
import { webhookRoutes } from './routes/webhooks';
import { attachmentRoutes } from './routes/attachments';
import { heldMailRoutes } from './routes/held-mail';
import { liveSessionRoutes } from './routes/live-sessions';
import type { Desk } from '../desk';
import { createWebRoutes } from './web/routes';
// agents' console, /metrics, request ids
import { createConsoleRoutes } from './console/routes';
import { createPortalRoutes } from './portal/routes';
import { createRatingRoutes } from './portal/rating-page';
import { slaRevisionRoutes } from './routes/sla-revisions';
import { createApiMetrics, requireMetricsToken, type ApiMetrics } from './ops/metrics';
import { requestContext } from './ops/request-context';
import { OPERATIONS } from './openapi';

export interface AppDeps {
  /** Every use case; the routes below only translate HTTP to it and back. */
  desk: Desk;
  temporal: Client;
  logger: Logger;
  adminApiKey: string;
  /** The MTA's bearer token for POST /api/v1/inbound/email (unset: the endpoint answers 403). */
  inboundApiToken?: string;
  /** Built by the caller when the desk should report intake steps to it (main.ts); otherwise here. */
  metrics?: ApiMetrics;
  /** Per-key request limits on /api/ (tests use a small window). */
  rateLimit?: RateLimitOptions;
  /** the console links each ticket to its workflow in the Temporal UI. */
  temporalUiUrl?: string;
  namespace?: string;
  /** Bearer token for GET /metrics on this listener; without one the API's metrics are not served here. */
  metricsToken?: string;
  /** Express "trust proxy" (TRUST_PROXY): false, the default, believes no X-Forwarded-For. */
  trustProxy?: boolean | number | string;
  /** Portal sign-in requests per client IP and window (tests raise it). */
  portalRateLimit?: { limit?: number; windowMs?: number };
}

/** The HTTP API. No `listen` here: main.ts and the tests decide where it runs. */
export function createApp(deps: AppDeps): Express {
  const { desk } = deps;
  const now = desk.now;
  const app = express();
  app.disable('x-powered-by');
  // Behind a reverse proxy the operator names it (TRUST_PROXY); otherwise X-Forwarded-For is anybody's claim,
  // and believing it would let a client pick its own rate-limit bucket.
  app.set('trust proxy', deps.trustProxy ?? false);
  app.set('query parser', 'simple');

  const metrics = deps.metrics ?? createApiMetrics({ figures: desk.figures, now });
  const { tickets, actions } = desk;

  // request id, log context, access log and latency first, so every response is counted
  app.use(requestContext({ logger: deps.logger, observe: metrics.observe }));

  // -- security headers and rate limits --
  app.use(hardening(deps.rateLimit));
  if (deps.metricsToken) app.get('/metrics', requireMetricsToken(deps.metricsToken), metrics.handler);
  // TRACE, PATCH… on a documented path: 405 with Allow, not a 404 that says the path does not exist
  app.use(allowedMethods(OPERATIONS));

  app.use(
    healthRoutes({
      checks: {
        mongodb: () => desk.pingDatabase(),
        temporal: async () => {
          await deps.temporal.workflowService.getSystemInfo({});
        },
      },
    }),
  );

  app.use(faviconRoutes());

  // -- documentation: /openapi.json and /docs --
  app.use(docsRoutes({ categories: () => desk.slaRegistry.current().policy.categories }));

  // -- public pages: the customer web form and private ticket links --
  app.use(createWebRoutes({ desk, adminApiKey: deps.adminApiKey, logger: deps.logger }));
  app.use(createRatingRoutes({ desk, adminApiKey: deps.adminApiKey, logger: deps.logger }));

  const api = express.Router();
  api.use(express.json({ limit: '256kb', strict: true, type: ['application/json', 'application/*+json'] }));
  api.use(authenticate(desk.access.authenticateKey));
  api.use(apiIndexRoutes(OPERATIONS));
  api.use('/tickets', ticketRoutes(tickets, desk.queue));
  api.use('/tickets', ticketThreadRoutes(actions));
  api.use('/tickets', attachmentRoutes({ desk }));
  api.use('/tickets', heldMailRoutes(desk.heldMail));
  api.use('/tickets', liveSessionRoutes(desk.liveSessions));
  api.use('/users', userRoutes(desk.users));
  api.use('/agents', agentRoutes(desk.agents));
  api.use('/macros', macroRoutes(desk.macros));
  api.use('/vendors', vendorRoutes(desk.vendors));
  api.use('/webhooks', webhookRoutes(desk.webhooks));
  api.use('/reports/review', reviewRoutes(desk.review));
  api.use('/reports', reportRoutes(desk.reports));
  api.use('/reports', ratingReportRoutes(desk.reports));
  api.use('/sla/simulations', simulationRoutes(desk.simulations));
  api.use(slaRoutes({ sla: desk.slaService, registry: desk.slaRegistry, now }));
  api.use(namedSlaRoutes({ registry: desk.slaRegistry }));
  api.use(slaRevisionRoutes({ schedule: desk.revisionSchedule }));
  api.use('/organizations', organizationRoutes(desk.organizations));
  // -- channels: inbound email, announcements, webhooks --
  app.use('/api/v1/inbound', inboundRoutes({ inboundMail: desk.inboundMail, token: deps.inboundApiToken })); // raw MIME bodies: its own parser and auth, before the JSON router
  api.use('/announcements', announcementRoutes(desk.announcements));
  app.use('/api/v1', api);
  app.use(
    '/portal',
    createPortalRoutes({ desk, adminApiKey: deps.adminApiKey, logger: deps.logger, rateLimit: deps.portalRateLimit }),
  );
  app.use(
    '/console',
    createConsoleRoutes({
      desk,
      adminApiKey: deps.adminApiKey,
      logger: deps.logger,
      temporalUiUrl: deps.temporalUiUrl,
      namespace: deps.namespace,
    }),
  );

  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
