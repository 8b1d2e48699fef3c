import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker, type WorkflowBundlePath } from '@temporalio/worker';
import type { Express } from 'express';
import { inject } from 'vitest';
import { createApp } from '../../api/app';
import type { RateLimitOptions } from '../../api/hardening';
import { createApiMetrics } from '../../api/ops/metrics';
import { createOpsFigures } from '../../desk/ops-figures';
import type { SlaSettings } from '../../desk/tickets';
import { createDesk, type Desk, type InboundMailSettings } from '../../desk';
import { createSlaRegistry } from '../../desk/sla-registry';
import type { PortalSettings } from '../../desk/portal';
import { createTicketLinks, linkKeyFrom, type TicketLinks } from '../../desk/ticket-links';
import { SLA_CALENDAR } from '../../domain/calendar';
import { DEFAULT_POLICY } from '../../domain/policy';
import { parseContacts } from '../../lib/contacts';
import { createLogger } from '../../lib/logger';
import { createMailer } from '../../lib/mailer';
import { connectMongo } from '../../store/connection';
import { createStore, type Store } from '../../store';
import { createWorker } from '../../worker/create-worker';
import { selfCheckStack } from './sla-self-check';

/** The workflow bundle test/global-setup.ts built once for the run, from the tree as it is now. */
export function workflowBundle(): Promise<WorkflowBundlePath> {
  return Promise.resolve({ codePath: inject('workflowBundlePath') });
}

export const quietLogger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', name: 'test' });

/** A fresh database on the test FerretDB, or on the server at `via.uri` (a relay in front of it). */
export async function connectTestStore(via: TestStoreRoute = {}): Promise<Store> {
  const db = `test_${randomBytes(6).toString('hex')}`;
  const uri = new URL(via.uri ?? inject('mongoUri'));
  uri.pathname = `/${db}`;
  const conn = await connectMongo(uri.toString(), {
    socketTimeoutMS: via.socketTimeoutMS,
    waitQueueTimeoutMS: via.waitQueueTimeoutMS,
  });
  const store = createStore(conn);
  await store.init();
  return store;
}

/** The reply-token secret the test worker mints with and the test desk checks. */
export const TEST_REPLY_SECRET = 'test-reply-token-secret-0123456789';
/** The escalation contacts the worker mails and the desk tells of low ratings. */
const TEST_CONTACTS = 'L1=agents@test.local;L2=l2@test.local;management=mgmt@test.local';

/** Links signed with a key of their own unless the test's API shares one (startStack). */
export function testActivityDeps(
  store: Store,
  links: TicketLinks = createTicketLinks({ key: randomBytes(32), publicUrl: 'http://localhost' }),
) {
  return {
    links,
    store,
    mailer: createMailer({ url: inject('smtpUrl'), from: 'Support <support@test.local>' }),
    contacts: parseContacts(TEST_CONTACTS, 'test.local'),
    publicUrl: 'http://localhost',
    replySecret: TEST_REPLY_SECRET,
    now: () => new Date(),
    logger: quietLogger,
  };
}

export interface TestStack {
  baseUrl: string;
  /** The app itself, for tests that read its router. */
  app: Express;
  /** The use cases the app calls, for tests that mount one adapter on its own. */
  desk: Desk;
  adminKey: string;
  /** INBOUND_API_TOKEN of this stack: what the MTA posts raw mail with. */
  inboundToken: string;
  /** The bearer token GET /metrics wants. */
  metricsToken: string;
  store: Store;
  client: Client;
  taskQueue: string;
  worker: Worker;
  /** Stops the worker for good (the API goes on): what the desk does while no worker runs. */
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

export interface TestStoreRoute {
  uri?: string;
  socketTimeoutMS?: number;
  waitQueueTimeoutMS?: number;
}

/** The API in-process on port 0 and a worker, against the real dev server and FerretDB. */
export interface StackOptions {
  /** Where the stack's store connects (a relay in front of FerretDB) and how long it waits for an answer. */
  store?: TestStoreRoute;
  /** The Temporal address the API's use cases call (a relay in front of the dev server); the worker's is the server's. */
  deskTemporalAddress?: string;
  sla?: SlaSettings;
  rateLimit?: RateLimitOptions;
  attachmentQuota?: { maxBytes: number; maxFiles: number };
  inboundMail?: Partial<InboundMailSettings>;
  /** Label breached tickets by id in /metrics (METRICS_TICKET_IDS). */
  metricsTicketIds?: boolean;
  /** Express "trust proxy" (TRUST_PROXY); unset trusts nothing, as the product does. */
  trustProxy?: boolean | number | string;
  /** Webhook hosts allowed on internal addresses (WEBHOOK_ALLOW_HOSTS). */
  webhookAllowHosts?: string[];
  /** The portal's sign-in links and sessions (PORTAL_LINK_TTL_MINUTES), and its sign-in requests per IP. */
  portal?: Partial<PortalSettings>;
  portalRateLimit?: { limit?: number; windowMs?: number };
  /** The address customers write to support (MAIL_FROM's); the mails' sender stays the test one. */
  supportAddress?: string;
}

export async function startStack(opts: StackOptions = {}): Promise<TestStack> {
  // Listening first, so that the links in the worker's mails name this very server.
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const adminKey = `adm_${randomBytes(16).toString('hex')}`;
  const links = createTicketLinks({ key: linkKeyFrom(adminKey), publicUrl: baseUrl });
  const store = await connectTestStore(opts.store);
  const taskQueue = `tq-${randomBytes(4).toString('hex')}`;
  const address = inject('temporalAddress');
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  const nativeConnection = await NativeConnection.connect({ address });
  const worker = await createWorker({
    connection: nativeConnection,
    namespace: 'default',
    taskQueue,
    deps: { ...testActivityDeps(store, links), webhookAllowHosts: opts.webhookAllowHosts },
    workflowBundle: await workflowBundle(),
  });
  const running = worker.run();
  let stopped: Promise<void> | undefined;
  const stopWorker = () => {
    if (!stopped) {
      worker.shutdown();
      stopped = running;
    }
    return stopped;
  };
  const sla = opts.sla ?? { calendar: SLA_CALENDAR, policy: DEFAULT_POLICY };
  const slaRegistry = createSlaRegistry({ store, seed: sla, now: () => new Date() });
  await slaRegistry.init();
  const metrics = createApiMetrics({
    figures: createOpsFigures({ store }),
    now: () => new Date(),
    ticketIds: opts.metricsTicketIds,
  });
  const metricsToken = `mtk_${randomBytes(16).toString('hex')}`;
  const mailer = createMailer({ url: inject('smtpUrl'), from: 'Support <support@test.local>' });
  const inboundMail = { replySecret: TEST_REPLY_SECRET, ...opts.inboundMail };
  const deskConnection = opts.deskTemporalAddress
    ? await Connection.connect({ address: opts.deskTemporalAddress })
    : connection;
  const deskClient = opts.deskTemporalAddress ? new Client({ connection: deskConnection }) : client;
  const desk = createDesk({
    temporal: deskClient,
    taskQueue,
    store,
    adminApiKey: adminKey,
    slaRegistry,
    logger: quietLogger,
    observeIntakeStep: metrics.observeIntakeStep,
    links,
    mailer,
    mailDomain: 'test.local',
    supportAddress: opts.supportAddress ?? 'support@test.local',
    attachmentQuota: opts.attachmentQuota,
    inboundMail,
    portal: opts.portal,
    webhookAllowHosts: opts.webhookAllowHosts,
    levelContacts: parseContacts(TEST_CONTACTS, 'test.local').levels,
  });
  const inboundToken = randomBytes(24).toString('hex');
  const app = createApp({
    desk,
    metrics,
    temporal: deskClient,
    logger: quietLogger,
    adminApiKey: adminKey,
    inboundApiToken: inboundToken,
    rateLimit: opts.rateLimit,
    metricsToken,
    trustProxy: opts.trustProxy,
    portalRateLimit: opts.portalRateLimit,
  });
  server.on('request', app);
  return {
    baseUrl,
    app,
    desk,
    adminKey,
    inboundToken,
    metricsToken,
    store,
    client,
    taskQueue,
    worker,
    stopWorker,
    async close() {
      desk.revisionSchedule.stop();
      const selfCheck = await selfCheckStack(store, client).catch((err: unknown) => err);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await stopWorker();
      await nativeConnection.close();
      await connection.close();
      if (deskConnection !== connection) await deskConnection.close();
      await store.conn.dropDatabase().catch(() => undefined);
      await store.conn.close();
      mailer.close();
      if (selfCheck) throw selfCheck;
    },
  };
}
