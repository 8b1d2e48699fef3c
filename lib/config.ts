import path from 'node:path';
import { z } from 'zod';

/** The address in `Support <support@example.com>` or a bare `support@example.com`. */
export function mailAddressOf(from: string): string | undefined {
  return (/<([^<>\s@]+@[^<>\s@]+)>\s*$/.exec(from) ?? /^\s*([^<>\s@]+@[^<>\s@]+)\s*$/.exec(from))?.[1];
}

const port = z.coerce.number().int().min(0).max(65535);
const optionalUrl = z
  .string()
  .trim()
  .min(1)
  .optional()
  .transform((v) => (v === '' ? undefined : v));

/**
 * Every environment variable the product reads, in one place. Parsed once at startup;
 * nothing reads process.env anywhere else.
 */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: port.default(3000),
  PUBLIC_URL: z.url().optional(),
  DATA_DIR: z.string().default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  TEMPORAL_ADDRESS: optionalUrl,
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('tickets'),
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_UI_URL: z.url().optional(),
  TEMPORAL_CLI_PATH: z.string().optional(),

  MONGODB_URI: optionalUrl,
  MONGO_PORT: port.default(27017),

  SMTP_URL: optionalUrl,
  SMTP_PORT: port.default(2525),
  INBOUND_SMTP_PORT: port.default(2526),
  MAIL_FROM: z
    .string()
    .default('Support <support@codexpert.io>')
    .refine((v) => mailAddressOf(v) !== undefined, 'must be an address, alone or as Name <address>'),
  MAIL_DOMAIN: z.string().default('support.local'),
  ESCALATION_CONTACTS: z
    .string()
    .default('L1=agents@support.local;L2=l2-support@support.local;management=management@support.local'),

  ADMIN_API_KEY: z.string().min(16, 'must be at least 16 characters').optional(),

  // Inbound mail (README, "Inbound mail"): who may post raw mail, what proves a sender, parsing budgets.
  INBOUND_API_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
  REPLY_TOKEN_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  MAIL_TRUSTED_AUTHSERV_IDS: z.string().default(''),
  MAIL_PARSE_THREADS: z.coerce.number().int().min(1).max(16).default(1),
  MAIL_PARSE_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  MAIL_PARSE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(12 * 1024 * 1024),
  // Large mail (over 256 KiB) waiting for a parser thread, by count and size; small mail has its own lane.
  MAIL_PARSE_QUEUE_MESSAGES: z.coerce.number().int().min(1).max(1000).default(4),
  MAIL_PARSE_QUEUE_MB: z.coerce.number().int().min(1).max(1024).default(48),
  SLA_CONFIG: z.string().optional(),
  // Signs customers' private ticket links; the API and the worker must share it (default: derived from the admin key).
  LINK_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  // What one ticket may hold in attachments, all channels together.
  ATTACHMENT_QUOTA_MB: z.coerce.number().int().min(5).max(1024).default(50),
  ATTACHMENT_QUOTA_FILES: z.coerce.number().int().min(5).max(1000).default(100),
  // How long a mailed portal sign-in link works (it works once).
  PORTAL_LINK_TTL_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(15),

  // Benchmarks and operators tune these (BENCHMARKS.md, "Scale"); unset keeps the SDK's and the API's defaults.
  API_RATE_LIMIT: z.coerce.number().int().min(1).optional(),
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).optional(),
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: z.coerce.number().int().min(2).optional(),
  WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).optional(),
  WORKER_STICKY_TIMEOUT_MS: z.coerce.number().int().min(1_000).optional(),
  // Worker Versioning (README, "Upgrades with tickets in flight"): both or neither.
  WORKER_DEPLOYMENT_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,100}$/, 'letters, digits, ".", "_" or "-"')
    .optional(),
  WORKER_BUILD_ID: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,100}$/, 'letters, digits, ".", "_" or "-"')
    .optional(),
  // The worker's CPU priority (Unix nice, 0–19): below the API's, so a person's request goes before the worker's backlog.
  WORKER_NICE: z.coerce.number().int().min(0).max(19).default(10),
  // Prometheus endpoints of the worker (0 disables each)
  WORKER_METRICS_PORT: port.default(9464),
  TEMPORAL_SDK_METRICS_PORT: port.default(9465),
  // Who may scrape: a bearer token on the API's /metrics (and the worker's), or the API's metrics on their own listener
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  METRICS_PORT: port.optional(),
  METRICS_TICKET_IDS: z.enum(['true', 'false']).default('false'),
  // Which proxies' X-Forwarded-For to believe (Express "trust proxy"): unset believes none
  TRUST_PROXY: z
    .string()
    .trim()
    .regex(
      /^(\d+|(loopback|linklocal|uniquelocal|[0-9a-fA-F.:/]+)(\s*,\s*(loopback|linklocal|uniquelocal|[0-9a-fA-F.:/]+))*)$/,
      'must be a hop count, IP addresses/CIDRs separated by commas, or loopback/linklocal/uniquelocal',
    )
    .optional(),
  // Webhook receivers allowed on internal addresses (host names or IPs, comma-separated)
  WEBHOOK_ALLOW_HOSTS: z.string().default(''),
});

export type Env = z.infer<typeof configSchema>;

export interface Config {
  env: Env['NODE_ENV'];
  host: string;
  port: number;
  publicUrl: string;
  dataDir: string;
  logLevel: Env['LOG_LEVEL'];
  temporal: {
    address: string;
    namespace: string;
    taskQueue: string;
    uiUrl: string;
    /** true when we must start the dev server ourselves (no TEMPORAL_ADDRESS given). */
    embedded: boolean;
    port: number;
    uiPort: number;
    cliPath?: string;
  };
  mongo: { uri: string; embedded: boolean; port: number };
  smtp: { url: string; embedded: boolean; port: number; from: string };
  mailDomain: string;
  /** MAIL_FROM's address: where customers write to support (the SLA's e-mail channel). */
  supportAddress: string;
  /** Where the API's inbound SMTP listener accepts mail for tickets. */
  inboundSmtpPort: number;
  escalationContacts: string;
  adminApiKey?: string;
  /** LINK_SECRET; when unset the private-link key derives from the admin key (desk/ticket-links.ts). */
  linkSecret?: string;
  attachmentQuota: { maxBytes: number; maxFiles: number };
  /** The customer portal's mailed sign-in links. */
  portal: { linkTtlMs: number };
  inboundMail: {
    /** Bearer token of the MTA (or provider) posting raw mail to /api/v1/inbound/email; unset: that endpoint is closed. */
    apiToken?: string;
    /** Secret for per-recipient reply tokens; unset: one kept in DATA_DIR (lib/reply-token.ts). */
    replySecret?: string;
    /** authserv-ids whose Authentication-Results are believed (our own MTAs). */
    trustedAuthservIds: string[];
    parseThreads: number;
    parseTimeoutMs: number;
    parseMaxBytes: number;
    parseQueueMessages: number;
    parseQueueBytes: number;
  };
  slaConfigPath?: string;
  /** Requests per minute per API key; the load generator of bench/intake.ts needs more than the default 600. */
  apiRateLimit?: number;
  /** Worker tuning (sticky cache and slots); undefined leaves the SDK default. */
  worker: {
    maxCachedWorkflows?: number;
    maxConcurrentWorkflowTaskExecutions?: number;
    maxConcurrentActivityTaskExecutions?: number;
    stickyQueueScheduleToStartTimeout?: number;
  };
  /** The worker deployment version the worker polls as, when the desk uses Worker Versioning. */
  workerDeployment?: { deploymentName: string; buildId: string };
  /** Nice value the worker runs at (it only ever lowers its priority); 0 keeps the launcher's. */
  workerNice: number;
  /** The worker's own metrics and the Temporal SDK's; 0 disables. */
  metrics: {
    workerPort: number;
    temporalSdkPort: number;
    /** Bearer token scrapers must send; unset: the API serves /metrics only on `apiPort`, the worker without a check. */
    token?: string;
    /** A separate listener (on HOST) for the API's /metrics; undefined: none. */
    apiPort?: number;
    /** Label breached tickets by id (`sla_breached_ticket`); off unless the operator opts in. */
    ticketIds: boolean;
  };
  /** Express "trust proxy": false (the default) believes no X-Forwarded-For. */
  trustProxy: boolean | number | string;
  /** Webhook destinations allowed although they resolve to internal addresses. */
  webhookAllowHosts: string[];
}

export class ConfigError extends Error {
  constructor(readonly issues: { field: string; message: string }[]) {
    super(`invalid configuration: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(
    Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== '')),
  );
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })));
  }
  const e = parsed.data;
  if ((e.WORKER_DEPLOYMENT_NAME === undefined) !== (e.WORKER_BUILD_ID === undefined)) {
    const missing = e.WORKER_DEPLOYMENT_NAME === undefined ? 'WORKER_DEPLOYMENT_NAME' : 'WORKER_BUILD_ID';
    throw new ConfigError([
      { field: missing, message: 'Worker Versioning needs both WORKER_DEPLOYMENT_NAME and WORKER_BUILD_ID' },
    ]);
  }
  const dataDir = path.resolve(e.DATA_DIR);
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    publicUrl: e.PUBLIC_URL ?? `http://localhost:${e.PORT}`,
    dataDir,
    logLevel: e.LOG_LEVEL,
    temporal: {
      address: e.TEMPORAL_ADDRESS ?? `127.0.0.1:${e.TEMPORAL_PORT}`,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      uiUrl: e.TEMPORAL_UI_URL ?? `http://localhost:${e.TEMPORAL_UI_PORT}`,
      embedded: e.TEMPORAL_ADDRESS === undefined,
      port: e.TEMPORAL_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
      cliPath: e.TEMPORAL_CLI_PATH,
    },
    mongo: {
      uri: e.MONGODB_URI ?? `mongodb://127.0.0.1:${e.MONGO_PORT}/sla-desk`,
      embedded: e.MONGODB_URI === undefined,
      port: e.MONGO_PORT,
    },
    smtp: {
      url: e.SMTP_URL ?? `smtp://127.0.0.1:${e.SMTP_PORT}`,
      embedded: e.SMTP_URL === undefined,
      port: e.SMTP_PORT,
      from: e.MAIL_FROM,
    },
    mailDomain: e.MAIL_DOMAIN,
    supportAddress: mailAddressOf(e.MAIL_FROM)!,
    inboundSmtpPort: e.INBOUND_SMTP_PORT,
    escalationContacts: e.ESCALATION_CONTACTS,
    adminApiKey: e.ADMIN_API_KEY,
    linkSecret: e.LINK_SECRET,
    attachmentQuota: { maxBytes: e.ATTACHMENT_QUOTA_MB * 1024 * 1024, maxFiles: e.ATTACHMENT_QUOTA_FILES },
    portal: { linkTtlMs: e.PORTAL_LINK_TTL_MINUTES * 60_000 },
    inboundMail: {
      apiToken: e.INBOUND_API_TOKEN,
      replySecret: e.REPLY_TOKEN_SECRET,
      trustedAuthservIds: e.MAIL_TRUSTED_AUTHSERV_IDS.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      parseThreads: e.MAIL_PARSE_THREADS,
      parseTimeoutMs: e.MAIL_PARSE_TIMEOUT_MS,
      parseMaxBytes: e.MAIL_PARSE_MAX_BYTES,
      parseQueueMessages: e.MAIL_PARSE_QUEUE_MESSAGES,
      parseQueueBytes: e.MAIL_PARSE_QUEUE_MB * 1024 * 1024,
    },
    slaConfigPath: e.SLA_CONFIG,
    apiRateLimit: e.API_RATE_LIMIT,
    worker: {
      maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS,
      maxConcurrentWorkflowTaskExecutions: e.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
      maxConcurrentActivityTaskExecutions: e.WORKER_MAX_CONCURRENT_ACTIVITIES,
      stickyQueueScheduleToStartTimeout: e.WORKER_STICKY_TIMEOUT_MS,
    },
    ...(e.WORKER_DEPLOYMENT_NAME && e.WORKER_BUILD_ID
      ? { workerDeployment: { deploymentName: e.WORKER_DEPLOYMENT_NAME, buildId: e.WORKER_BUILD_ID } }
      : {}),
    workerNice: e.WORKER_NICE,
    metrics: {
      workerPort: e.WORKER_METRICS_PORT,
      temporalSdkPort: e.TEMPORAL_SDK_METRICS_PORT,
      token: e.METRICS_TOKEN,
      apiPort: e.METRICS_PORT,
      ticketIds: e.METRICS_TICKET_IDS === 'true',
    },
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    webhookAllowHosts: e.WEBHOOK_ALLOW_HOSTS.split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
  };
}

/** Unset: trust nothing. A number is a hop count; anything else is Express's list of addresses or names. */
function parseTrustProxy(raw: string | undefined): boolean | number | string {
  if (raw === undefined) return false;
  return /^\d+$/.test(raw) ? Number(raw) : raw;
}
