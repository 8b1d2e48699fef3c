import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { loadConfig } from '../lib/config';
import { resolveAdminKey } from '../lib/admin-key';
import { checkDataDirMode, CLUSTER_TOPOLOGY, instanceEnv, clusterServers } from './lib/cluster';
import {
  assertPortsFree,
  startMongoServer,
  startTemporalDevServer,
  stopChild,
  waitForPort,
  type ManagedProcess,
} from './lib/servers';
import { startSmtpSink, type SmtpSink } from './lib/smtp-sink';
import { portsFrom } from './lib/temporal-cluster';
import { MissingToolError, provision, repoRoot } from './lib/tools';

/**
 * `npm start`: the whole product on one machine. Starts whatever is not given by environment
 * (Temporal dev server, FerretDB, an SMTP outbox), then the worker and the API; Ctrl-C stops all.
 * `npm run start:cluster` (or SLA_DESK_CLUSTER=1): the real Temporal server on a private PostgreSQL with
 * its UI instead of the dev server, FerretDB on that PostgreSQL, then two workers and two APIs, the topology of
 * docker-compose.yml.
 */
const say = (line: string) => console.log(`[start] ${line}`);
const cluster = process.argv.includes('--cluster') || process.env.SLA_DESK_CLUSTER === '1';
// Its own data by default: the dev server's tickets in FerretDB would name workflows this Temporal never had.
if (cluster && !process.env.DATA_DIR) process.env.DATA_DIR = './data-cluster';
const config = loadConfig();
const servers: Pick<ManagedProcess, 'name' | 'stop'>[] = [];
const apps: ChildProcess[] = [];
let sink: SmtpSink | undefined;
let stopping = false;
let stopped: Promise<void> | undefined;

/** Stops everything once; a second caller (a child's exit and the start's failure) waits for the same stop. */
async function stopAll(code: number): Promise<never> {
  stopping = true;
  stopped ??= (async () => {
    say('stopping…');
    await Promise.all(apps.map((c) => stopChild(c)));
    await Promise.all(servers.map((s) => s.stop()));
    await sink?.close();
    say('stopped');
  })();
  await stopped;
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => void stopAll(0));

function startNode(name: string, entry: string, env: NodeJS.ProcessEnv): ChildProcess {
  // `node --import tsx` rather than the tsx CLI, which would add a process between us and the app.
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, entry)], {
    cwd: repoRoot,
    env: { ...env, SLA_DESK_SUPERVISED: '1' },
    // The IPC channel carries the worker's "ready" (its workflow bundle built, its pollers started).
    stdio: ['pipe', 'inherit', 'inherit', 'ipc'],
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      say(`${name} exited (${signal ?? code}); stopping everything`);
      void stopAll(1);
    }
  });
  apps.push(child);
  return child;
}

/** Resolves once the worker says it polls: before that a new ticket would wait unacknowledged. */
function workerReady(child: ChildProcess, name: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} not ready after ${timeoutMs / 1000} s`)), timeoutMs);
    child.on('message', (m) => {
      if (m !== 'ready') return;
      clearTimeout(timer);
      resolve();
    });
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`${name} exited before it was ready`));
    });
  });
}

try {
  const tools = await provision({
    need: {
      temporal: config.temporal.embedded && !cluster,
      cluster: config.temporal.embedded && cluster,
      mongo: config.mongo.embedded,
      testServer: false,
      chromium: false,
    },
    log: (l) => console.log(`[provision] ${l}`),
  });
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: config.dataDir };
  const instances = cluster ? Math.max(CLUSTER_TOPOLOGY.apis, CLUSTER_TOPOLOGY.workers) : 1;
  // Each instance's ports as scripts/lib/cluster.ts instanceEnv shifts them (the metrics ports by two).
  const perInstance = (port: number, variable: string, step = 1) =>
    Array.from({ length: instances }, (_, i) => ({ port: port === 0 ? 0 : port + step * i, variable }));
  await assertPortsFree([
    ...(config.temporal.embedded
      ? [
          { port: config.temporal.port, variable: 'TEMPORAL_PORT' },
          { port: config.temporal.uiPort, variable: 'TEMPORAL_UI_PORT' },
        ]
      : []),
    ...(config.mongo.embedded ? [{ port: config.mongo.port, variable: 'MONGO_PORT' }] : []),
    ...(config.smtp.embedded ? [{ port: config.smtp.port, variable: 'SMTP_PORT' }] : []),
    ...perInstance(config.port, 'PORT'),
    ...perInstance(config.inboundSmtpPort, 'INBOUND_SMTP_PORT'),
    ...perInstance(config.metrics.workerPort, 'WORKER_METRICS_PORT', 2),
    ...perInstance(config.metrics.temporalSdkPort, 'TEMPORAL_SDK_METRICS_PORT', 2),
    ...(cluster && config.temporal.embedded
      ? [{ port: Number(process.env.SLA_DESK_PG_PORT ?? 5433), variable: 'SLA_DESK_PG_PORT' }]
      : []),
  ]);

  if (config.temporal.embedded && cluster) {
    checkDataDirMode(config.dataDir, 'cluster');
    // SLA_DESK_PG_PORT: the private PostgreSQL's port; 5433 leaves a system PostgreSQL's 5432 alone.
    const pgPort = Number(process.env.SLA_DESK_PG_PORT ?? 5433);
    say(
      `starting PostgreSQL on ${pgPort}${config.mongo.embedded ? `, ${tools.mongo!.kind} on port ${config.mongo.port}` : ''}, Temporal server (${CLUSTER_TOPOLOGY.historyShards} history shards) on ${config.temporal.address}, UI on ${config.temporal.uiUrl}`,
    );
    const log = (l: string) => say(l);
    const started = clusterServers(tools.cluster!, {
      dataDir: config.dataDir,
      pgPort,
      ports: portsFrom(config.temporal.port),
      uiPort: config.temporal.uiPort,
      namespace: config.temporal.namespace,
      // FerretDB on the same PostgreSQL (database `ferretdb`); no SQLite in this mode.
      mongo: config.mongo.embedded ? { server: tools.mongo!, port: config.mongo.port } : undefined,
      log,
    });
    servers.push({ name: 'cluster', stop: () => started.stopAll() });
    await started.startAll();
    env.TEMPORAL_ADDRESS = config.temporal.address;
    if (config.mongo.embedded) env.MONGODB_URI = config.mongo.uri;
  } else if (config.temporal.embedded) {
    checkDataDirMode(config.dataDir, 'dev');
    say(`starting Temporal dev server on ${config.temporal.address} (UI ${config.temporal.uiUrl})`);
    servers.push(
      await startTemporalDevServer({
        bin: tools.temporal!,
        port: config.temporal.port,
        uiPort: config.temporal.uiPort,
        dbFile: path.join(config.dataDir, 'temporal.sqlite'),
        logFile: path.join(config.dataDir, 'logs', 'temporal.log'),
        namespace: config.temporal.namespace,
      }),
    );
    env.TEMPORAL_ADDRESS = config.temporal.address;
  }
  if (config.mongo.embedded && !(config.temporal.embedded && cluster)) {
    say(`starting ${tools.mongo!.kind} on port ${config.mongo.port}`);
    servers.push(
      await startMongoServer({
        server: tools.mongo!,
        port: config.mongo.port,
        dataDir: path.join(config.dataDir, 'mongo'),
        logFile: path.join(config.dataDir, 'logs', 'mongo.log'),
      }),
    );
    env.MONGODB_URI = config.mongo.uri;
  }
  if (config.smtp.embedded) {
    sink = await startSmtpSink({ port: config.smtp.port, dir: path.join(config.dataDir, 'outbox') });
    say(`SMTP outbox on port ${sink.port}; mail is written to ${sink.dir}`);
    env.SMTP_URL = config.smtp.url;
  }
  const admin = resolveAdminKey(config);
  env.ADMIN_API_KEY = admin.key;

  const workers = cluster ? CLUSTER_TOPOLOGY.workers : 1;
  const apiCount = cluster ? CLUSTER_TOPOLOGY.apis : 1;
  const ports = {
    port: config.port,
    inboundSmtpPort: config.inboundSmtpPort,
    workerMetricsPort: config.metrics.workerPort,
    sdkMetricsPort: config.metrics.temporalSdkPort,
  };
  const name = (kind: string, i: number, n: number) => (n > 1 ? `${kind}-${i + 1}` : kind);
  const ready = Array.from({ length: workers }, (_, i) => {
    const worker = startNode(name('worker', i, workers), 'worker/main.ts', instanceEnv('worker', i, env, ports));
    return workerReady(worker, name('worker', i, workers), 300_000);
  });
  for (let i = 0; i < apiCount; i++) {
    const api = startNode(name('api', i, apiCount), 'api/main.ts', instanceEnv('api', i, env, ports));
    await waitForPort(config.port + i, api, name('api', i, apiCount), 120_000);
  }
  await Promise.all(ready);
  const apiUrls = Array.from({ length: apiCount }, (_, i) => `http://localhost:${config.port + i}`);
  // `npm run temporal` reads the same settings; a value other than the default has to be given to it as well.
  const defaults = loadConfig({}).temporal;
  const cliEnv = [
    config.temporal.address !== defaults.address ? `TEMPORAL_ADDRESS=${config.temporal.address} ` : '',
    config.temporal.namespace !== defaults.namespace ? `TEMPORAL_NAMESPACE=${config.temporal.namespace} ` : '',
  ].join('');

  // One write: a reader that sees "ready" also sees the admin key and the URLs under it.
  console.log(`[start] ready

  API           ${config.publicUrl}/api/v1${apiCount > 1 ? ` (instances: ${apiUrls.join(', ')}; workers: ${workers})` : ''}
  Web form      ${config.publicUrl}/
  API docs      ${config.publicUrl}/docs
  Temporal UI   ${config.temporal.uiUrl}/namespaces/${config.temporal.namespace}/workflows
  Temporal CLI  ${cliEnv}npm run temporal -- workflow list
  Outbox        ${sink ? sink.dir : config.smtp.url}
  Inbound mail  smtp://${config.host}:${config.inboundSmtpPort}${apiCount > 1 ? ` (and +1 per instance)` : ''} (or POST raw MIME to ${config.publicUrl}/api/v1/inbound/email)
  Admin key     ${admin.key}${admin.source === 'env' ? ' (from ADMIN_API_KEY)' : ` (stored in ${path.join(config.dataDir, 'admin-key')})`}

  Try: curl -s -X POST ${config.publicUrl}/api/v1/tickets -H "Authorization: Bearer ${admin.key}" \\
         -H 'Content-Type: application/json' \\
         -d '{"subject":"Login fails","description":"Error 500 on login","category":"bug","priority":"high","customerEmail":"ada@example.com"}'
  Ctrl-C stops everything.
`);
} catch (err) {
  if (err instanceof MissingToolError) console.error(`[start] ${err.message}`);
  else console.error(`[start] failed: ${(err as Error).stack ?? err}`);
  await stopAll(1);
}
