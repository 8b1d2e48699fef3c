import { NativeConnection, Runtime } from '@temporalio/worker';
import { workerRegistry } from '../activities/metrics';
import { readSdkMetrics, sdkMetricsBindAddress, startMetricsServer } from './metrics-server';
import { loadConfig } from '../lib/config';
import { lowerCpuPriority } from '../lib/cpu-priority';
import { parseContacts } from '../lib/contacts';
import { createLogger } from '../lib/logger';
import { createMailer } from '../lib/mailer';
import { resolveAdminKey } from '../lib/admin-key';
import { createTicketLinks, linkKeyFrom } from '../desk/ticket-links';
import { connectMongo } from '../store/connection';
import { createStore } from '../store';
import { createWorker } from './create-worker';
import { loadReplySecret } from '../lib/reply-token';

/** The worker process: runs ticket workflows and their activities. */
const config = loadConfig();
const logger = createLogger({ level: config.logLevel, name: 'worker' });
// Before the SDK starts its threads, so they inherit it. On a shared machine the API (a person waiting)
// comes first; the worker's backlog after a burst costs seconds against deadlines measured in hours.
logger.info({ nice: lowerCpuPriority(config.workerNice) }, 'worker CPU priority');

// the SDK's own metrics (task latencies, slots, polls); Runtime.install must precede every connection.
// A busy metrics port (a second worker on the same host) costs the metrics, not the worker: logged, not fatal.
// On loopback only (its exporter takes no token); the worker's metrics server passes them on behind the token.
const sdkPort = config.metrics.temporalSdkPort;
if (sdkPort) {
  try {
    Runtime.install({
      telemetryOptions: { metrics: { prometheus: { bindAddress: sdkMetricsBindAddress(sdkPort) } } },
    });
  } catch (err) {
    logger.error({ err, port: config.metrics.temporalSdkPort }, 'Temporal SDK metrics not exposed');
  }
}
const metricsServer = config.metrics.workerPort
  ? await startMetricsServer(
      workerRegistry,
      config.metrics.workerPort,
      config.host,
      config.metrics.token,
      sdkPort ? () => readSdkMetrics(sdkPort) : undefined,
    ).catch((err: unknown) => {
      logger.error({ err, port: config.metrics.workerPort }, 'worker metrics not exposed');
      return null;
    })
  : null;

const conn = await connectMongo(config.mongo.uri, { serverSelectionTimeoutMS: 30_000 });
const store = createStore(conn);
await store.init();
const mailer = createMailer({ url: config.smtp.url, from: config.smtp.from });
const connection = await NativeConnection.connect({ address: config.temporal.address });

const worker = await createWorker({
  connection,
  namespace: config.temporal.namespace,
  taskQueue: config.temporal.taskQueue,
  deps: {
    store,
    mailer,
    contacts: parseContacts(config.escalationContacts, config.mailDomain),
    publicUrl: config.publicUrl,
    // Mails carry the same private links the API checks: LINK_SECRET, else the admin key's derivation.
    links: createTicketLinks({
      key: linkKeyFrom(config.linkSecret ?? resolveAdminKey(config).key),
      publicUrl: config.publicUrl,
    }),
    replySecret: loadReplySecret({ secret: config.inboundMail.replySecret, dataDir: config.dataDir }),
    now: () => new Date(),
    logger,
    webhookAllowHosts: config.webhookAllowHosts,
  },
  // WORKER_* variables (lib/config.ts); undefined entries are dropped so the SDK keeps its defaults.
  tuning: Object.fromEntries(Object.entries(config.worker).filter(([, v]) => v !== undefined)),
  deployment: config.workerDeployment,
});

// Ctrl-C reaches us twice (the terminal's SIGINT and the supervisor's SIGTERM): shut down once.
const stop = (reason: string) => {
  if (worker.getState() !== 'RUNNING') return;
  logger.info({ reason }, 'worker shutting down');
  worker.shutdown();
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => stop(signal));
// The supervisor (npm start) keeps our stdin open; when it dies, stdin ends and we leave too.
if (process.env.SLA_DESK_SUPERVISED === '1') {
  process.stdin.on('end', () => stop('supervisor gone'));
  process.stdin.on('error', () => stop('supervisor gone'));
  process.stdin.resume();
}

logger.info(
  { taskQueue: config.temporal.taskQueue, address: config.temporal.address, metricsPort: metricsServer?.port },
  'worker started',
);
const running = worker.run();
// npm start prints "ready" only after this: the bundle is built and the pollers are starting.
process.send?.('ready');
await running;
await connection.close();
await metricsServer?.close();
await conn.close();
mailer.close();
logger.info('worker stopped');
// stdin (the supervisor's lifeline) would keep the event loop alive.
process.exit(0);
