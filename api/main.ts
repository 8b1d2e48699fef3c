import http from 'node:http';
import { loadConfig } from '../lib/config';
import { resolveAdminKey } from '../lib/admin-key';
import { createLogger } from '../lib/logger';
import { createMailer } from '../lib/mailer';
import { loadSlaConfig } from '../lib/sla-config';
import { createTemporalClient } from '../lib/temporal';
import { connectMongo } from '../store/connection';
import { createStore } from '../store';
import { createApp } from './app';
import { createDesk } from '../desk';
import { parseContacts } from '../lib/contacts';
import { createTicketLinks, linkKeyFrom } from '../desk/ticket-links';
import { createSlaRegistry } from '../desk/sla-registry';
import { createOpsFigures } from '../desk/ops-figures';
import { createApiMetrics, metricsApp } from './ops/metrics';
import { startInboundSmtp } from '../channels/inbound-smtp';
import { loadReplySecret } from '../lib/reply-token';

/** The API process: validates config once, connects, listens, drains on shutdown. */
const config = loadConfig();
const logger = createLogger({ level: config.logLevel, name: 'api' });
const sla = loadSlaConfig(process.env);
const adminKey = resolveAdminKey(config);

// A request must not hang 30 s when the database is away (issue 7: it answers 503 + Retry-After after 5 s), nor for
// ever when it went silent mid-request (20 s without a byte) or behind requests that did (15 s waiting for a
// connection); start-up still waits up to 30 s for it, in 5-s attempts.
async function connectStore() {
  for (let attempt = 1; ; attempt++) {
    try {
      return await connectMongo(config.mongo.uri, {
        serverSelectionTimeoutMS: 5_000,
        socketTimeoutMS: 20_000,
        waitQueueTimeoutMS: 15_000,
      });
    } catch (err) {
      if (attempt >= 6) throw err;
    }
  }
}
const conn = await connectStore();
const store = createStore(conn);
await store.init();
const temporal = await createTemporalClient(config.temporal);
const slaRegistry = createSlaRegistry({
  store,
  seed: sla,
  configFile: config.slaConfigPath,
  logger,
  now: () => new Date(),
  refreshMs: 30_000,
});
await slaRegistry.init();

const now = () => new Date();
const metrics = createApiMetrics({ figures: createOpsFigures({ store }), now, ticketIds: config.metrics.ticketIds });
// One desk for every channel: the JSON API, the web form, the console and inbound SMTP open tickets
// through the same use cases under the same SLA registry.
// The worker mints the same private links for its mails (worker/main.ts): same LINK_SECRET or admin key.
const links = createTicketLinks({ key: linkKeyFrom(config.linkSecret ?? adminKey.key), publicUrl: config.publicUrl });
// The API mails agents directly (assignment, customer replies) and customers their links on request; the rest is the worker's.
const mailer = createMailer({ url: config.smtp.url, from: config.smtp.from });
const replySecret = loadReplySecret({ secret: config.inboundMail.replySecret, dataDir: config.dataDir });
const desk = createDesk({
  temporal,
  taskQueue: config.temporal.taskQueue,
  store,
  adminApiKey: adminKey.key,
  slaRegistry,
  logger,
  now,
  observeIntakeStep: metrics.observeIntakeStep,
  links,
  attachmentQuota: config.attachmentQuota,
  mailer,
  mailDomain: config.mailDomain,
  supportAddress: config.supportAddress,
  inboundMail: { ...config.inboundMail, replySecret },
  portal: config.portal,
  webhookAllowHosts: config.webhookAllowHosts,
  levelContacts: parseContacts(config.escalationContacts, config.mailDomain).levels,
});
// Organizations saved before each domain had its claim get theirs (idempotent: every start runs it).
await desk.organizations.backfillDomainClaims();
// Revision notices a stop interrupted go out now; revisions whose start passed meanwhile are stored.
await desk.revisionNotices.resume();
await desk.revisionSchedule.start();

const app = createApp({
  desk,
  metrics,
  temporal,
  logger,
  adminApiKey: adminKey.key,
  inboundApiToken: config.inboundMail.apiToken,
  temporalUiUrl: config.temporal.uiUrl, // console links to workflows
  namespace: config.temporal.namespace,
  metricsToken: config.metrics.token,
  trustProxy: config.trustProxy,
  // API_RATE_LIMIT raises the per-key limit for load tests (bench/intake.ts); unset keeps the default.
  ...(config.apiRateLimit ? { rateLimit: { limit: config.apiRateLimit } } : {}),
});

const inboundSmtp = await startInboundSmtp({
  port: config.inboundSmtpPort,
  host: config.host,
  processor: desk.inboundMail,
  logger,
});
logger.info({ port: inboundSmtp.port, host: inboundSmtp.host }, 'inbound smtp listening');

const server = http.createServer(app);
server.listen(config.port, config.host, () => {
  logger.info({ port: config.port, host: config.host }, 'api listening');
});

// METRICS_PORT: the API's metrics on a listener of their own, which the operator can keep off the public network.
const metricsServer =
  config.metrics.apiPort === undefined
    ? undefined
    : http.createServer(metricsApp({ metrics, token: config.metrics.token, logger }));
metricsServer?.listen(config.metrics.apiPort, config.host, () => {
  logger.info({ port: config.metrics.apiPort, host: config.host }, 'api metrics listening');
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'api draining');
  server.close();
  server.closeIdleConnections();
  const force = setTimeout(() => server.closeAllConnections(), 10_000);
  await new Promise<void>((resolve) => server.once('close', () => resolve()));
  clearTimeout(force);
  metricsServer?.close();
  await inboundSmtp.close();
  desk.revisionSchedule.stop();
  await desk.close();
  mailer.close();
  await temporal.connection.close();
  await conn.close();
  mailer.close();
  logger.info('api stopped');
  // stdin (the supervisor's lifeline) would keep the event loop alive.
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
if (process.env.SLA_DESK_SUPERVISED === '1') {
  process.stdin.on('end', () => void shutdown('supervisor gone'));
  process.stdin.on('error', () => void shutdown('supervisor gone'));
  process.stdin.resume();
}
