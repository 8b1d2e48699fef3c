import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import protoPackage from '@temporalio/proto';
import { clusterServers as createClusterServers, type ClusterServers } from '../scripts/lib/cluster';
import {
  freePort,
  startMongoServer,
  startTemporalDevServer,
  stopChild,
  type ManagedProcess,
} from '../scripts/lib/servers';
import { freePorts } from '../scripts/lib/temporal-cluster';
import { startSmtpSink, type SmtpSink } from '../scripts/lib/smtp-sink';
import { provision, repoRoot, type Tools } from '../scripts/lib/tools';

/**
 * The whole product as real processes on free ports in a temporary DATA_DIR, for benchmarks and
 * fault tests: Temporal dev server, FerretDB, an SMTP outbox (in this process), then the worker
 * and the API as `node --import tsx …` children, exactly as `npm start` runs them. Each process can
 * be killed with any signal and started again on the same port and data, which is what the fault
 * tests need; stop() ends everything and an exit hook SIGKILLs whatever is left if we crash.
 * With `cluster` (or BENCH_CLUSTER=1) it is the cluster mode of `npm run start:cluster` instead: the Temporal
 * server on its own PostgreSQL, FerretDB on that PostgreSQL, two workers and two APIs.
 */

const proto = protoPackage.temporal;

type AppName = 'worker' | 'worker-2' | 'api' | 'api-2';
export type ProcessName = 'temporal' | 'postgresql' | 'mongo' | AppName;

export interface StackOptions {
  /** Written to DATA_DIR/sla.json and passed as SLA_CONFIG (see lib/sla-config.ts). */
  slaConfig?: unknown;
  /** Extra environment for the worker and the API (WORKER_* tuning, API_RATE_LIMIT…). */
  env?: Record<string, string>;
  log?: (line: string) => void;
  /** Extra node flags for the worker and the API, e.g. ['--cpu-prof'] to profile them (Node refuses it in NODE_OPTIONS); also BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof'. */
  nodeArgs?: string[];
  /** Keep DATA_DIR after stop() (also KEEP_BENCH_DATA=1). */
  keepData?: boolean;
  /** Start on this DATA_DIR (one restored from a backup) instead of a new temporary one; stop() leaves it. */
  dataDir?: string;
  /** ADMIN_API_KEY (the one the data was made with); a new random one unless given. */
  adminKey?: string;
  /** The cluster mode (also BENCH_CLUSTER=1): Temporal server and FerretDB on PostgreSQL, two workers, two APIs. */
  cluster?: boolean;
}

export interface Stack {
  dataDir: string;
  apiUrl: string;
  /** Every API instance (two in the cluster mode); apiUrl is the first. */
  apiUrls: string[];
  /** The worker processes, 'worker' first. */
  workers: AppName[];
  cluster: boolean;
  adminKey: string;
  /** The bearer token the API's /metrics wants (METRICS_TOKEN). */
  metricsToken: string;
  temporalAddress: string;
  /** The cluster mode's PostgreSQL (what `npm run backup` reaches it on as SLA_DESK_PG_PORT). */
  pgPort?: number;
  mongoUri: string;
  outboxDir: string;
  taskQueue: string;
  /** A bare Temporal client on its own connection (reconnects by itself after a server restart). */
  client: Client;
  pid(name: ProcessName): number | undefined;
  /** Sends the signal and waits until the process has exited. */
  kill(name: ProcessName, signal?: NodeJS.Signals): Promise<void>;
  /** Starts a killed process again on the same port and data, and waits until it is ready. */
  start(name: ProcessName): Promise<void>;
  restart(name: ProcessName, signal?: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
// Last resort: never leave servers running when the runner itself dies or is interrupted
// ('exit' does not run on a signal's default action, hence the signal handlers).
const killAll = () => {
  for (const child of live) child.kill('SIGKILL');
};
process.once('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    killAll();
    process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
  });
}

function track(child: ChildProcess): ChildProcess {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

async function waitUntil(
  what: string,
  timeoutMs: number,
  probe: () => Promise<boolean>,
  dead?: () => boolean,
  logFile?: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // The data dir (and its logs) is removed on failure, so the error carries the end of the log.
  const tail = () => (logFile && fs.existsSync(logFile) ? `\n${fs.readFileSync(logFile, 'utf8').slice(-2_000)}` : '');
  while (Date.now() < deadline) {
    if (dead?.()) throw new Error(`${what}: the process exited before it was ready${tail()}`);
    if (await probe().catch(() => false)) return;
    await delay(200);
  }
  throw new Error(`${what} was not ready within ${timeoutMs / 1000} s${tail()}`);
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const log = opts.log ?? (() => {});
  const cluster = opts.cluster ?? process.env.BENCH_CLUSTER === '1';
  const tools = (await provision({
    need: { temporal: !cluster, cluster, mongo: true, testServer: false, chromium: false },
    log,
  })) as Tools;
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'sla-desk-stack-'));
  // mkdtemp makes it private; the cluster's PostgreSQL runs as another user when we are root and must reach its data.
  if (cluster) fs.chmodSync(dataDir, 0o755);
  const logDir = path.join(dataDir, 'logs');
  fs.mkdirSync(logDir, { recursive: true });
  const [temporalPort, mongoPort, pgPort] = [await freePort(), await freePort(), await freePort()];
  const apiNames: AppName[] = cluster ? ['api', 'api-2'] : ['api'];
  const workerNames: AppName[] = cluster ? ['worker', 'worker-2'] : ['worker'];
  const appPorts: Partial<Record<AppName, { port: number; inbound: number }>> = {};
  for (const name of apiNames) appPorts[name] = { port: await freePort(), inbound: await freePort() };
  const apiUrls = apiNames.map((name) => `http://127.0.0.1:${appPorts[name]!.port}`);
  let clusterServers: ClusterServers | undefined;
  if (cluster) {
    clusterServers = createClusterServers(tools.cluster, {
      dataDir,
      pgPort,
      ports: await freePorts(),
      uiPort: 0,
      namespace: 'default',
      mongo: { server: tools.mongo, port: mongoPort },
      log,
    });
  }
  const temporalAddress = clusterServers?.address ?? `127.0.0.1:${temporalPort}`;
  const mongoUri = `mongodb://127.0.0.1:${mongoPort}/sla-desk`;
  const apiUrl = apiUrls[0]!;
  const adminKey = opts.adminKey ?? `adm_${randomBytes(16).toString('hex')}`;
  const metricsToken = `mtk_${randomBytes(16).toString('hex')}`;
  const taskQueue = 'tickets';
  let slaConfigPath = '';
  if (opts.slaConfig !== undefined) {
    slaConfigPath = path.join(dataDir, 'sla.json');
    fs.writeFileSync(slaConfigPath, JSON.stringify(opts.slaConfig, null, 2));
  }

  const servers: Partial<Record<'temporal' | 'mongo', ManagedProcess>> = {};
  const apps: Partial<Record<AppName, ChildProcess>> = {};
  let sink: SmtpSink | undefined;
  let connection: Connection | undefined;

  /** The cluster's servers are started (and restarted) by scripts/lib/cluster.ts; the rest here. */
  const startClusterServer = async (name: 'temporal' | 'postgresql' | 'mongo') => {
    await clusterServers!.start(name);
    track(clusterServers!.child(name)!);
  };
  const startServer = {
    postgresql: () => startClusterServer('postgresql'),
    temporal: async () => {
      if (clusterServers) return startClusterServer('temporal');
      servers.temporal = await startTemporalDevServer({
        bin: tools.temporal,
        port: temporalPort,
        // On disk, so a restarted dev server resumes every workflow and timer.
        dbFile: path.join(dataDir, 'temporal.sqlite'),
        logFile: path.join(logDir, 'temporal.log'),
      });
      track(servers.temporal.child);
    },
    mongo: async () => {
      if (clusterServers) return startClusterServer('mongo');
      servers.mongo = await startMongoServer({
        server: tools.mongo,
        port: mongoPort,
        dataDir: path.join(dataDir, 'mongo'),
        logFile: path.join(logDir, 'mongo.log'),
      });
      track(servers.mongo.child);
    },
  };

  const appEnv = (name: AppName): NodeJS.ProcessEnv => ({
    ...process.env,
    NODE_ENV: 'development',
    // The workers listen on neither; each API on its own.
    PORT: String((appPorts[name] ?? appPorts.api!).port),
    INBOUND_SMTP_PORT: String((appPorts[name] ?? appPorts.api!).inbound),
    PUBLIC_URL: apiUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_TASK_QUEUE: taskQueue,
    MONGODB_URI: mongoUri,
    SMTP_URL: `smtp://127.0.0.1:${sink!.port}`,
    ADMIN_API_KEY: adminKey,
    METRICS_TOKEN: metricsToken,
    SLA_CONFIG: slaConfigPath,
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    // The worker's metrics endpoints default to fixed ports; several stacks share this machine, so they are off.
    WORKER_METRICS_PORT: '0',
    TEMPORAL_SDK_METRICS_PORT: '0',
    ...opts.env,
  });

  function spawnApp(name: AppName): ChildProcess {
    const out = fs.openSync(path.join(logDir, `${name}.log`), 'a');
    // `node --import tsx` as npm start does: the pid we hold is the app itself, so SIGKILL hits it.
    const nodeArgs = opts.nodeArgs ?? process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
    const entry = name.startsWith('worker') ? 'worker/main.ts' : 'api/main.ts';
    const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', path.join(repoRoot, entry)], {
      cwd: repoRoot,
      env: appEnv(name),
      stdio: ['ignore', out, out],
    });
    fs.closeSync(out);
    apps[name] = track(child);
    return child;
  }

  /** The worker is ready once the server lists a workflow poller with its identity (`pid@host`). */
  async function workerPolling(pid: number): Promise<boolean> {
    const res = await connection!.workflowService.describeTaskQueue({
      namespace: 'default',
      taskQueue: { name: taskQueue },
      taskQueueType: proto.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    });
    return (res.pollers ?? []).some((p) => p.identity?.startsWith(`${pid}@`));
  }

  async function startApp(name: AppName) {
    const child = spawnApp(name);
    const logFile = path.join(logDir, `${name}.log`);
    if (workerNames.includes(name))
      await waitUntil(
        name,
        120_000,
        () => workerPolling(child.pid!),
        () => exited(child),
        logFile,
      );
    else {
      const url = apiUrls[apiNames.indexOf(name)]!;
      await waitUntil(
        name,
        120_000,
        async () => (await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(3_000) })).status === 200,
        () => exited(child),
        logFile,
      );
    }
  }

  const childOf = (name: ProcessName): ChildProcess | undefined => {
    if (name === 'temporal' || name === 'postgresql' || name === 'mongo') {
      if (clusterServers) return clusterServers.child(name);
      return name === 'postgresql' ? undefined : servers[name]?.child;
    }
    return apps[name];
  };

  async function kill(name: ProcessName, signal: NodeJS.Signals = 'SIGKILL') {
    const child = childOf(name);
    if (!child || exited(child)) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await gone;
  }

  async function start(name: ProcessName) {
    log(`starting ${name}`);
    if (name === 'temporal' || name === 'mongo' || name === 'postgresql') await startServer[name]();
    else await startApp(name);
  }

  async function stop() {
    await Promise.all([...apiNames, ...workerNames].map((n) => (apps[n] ? stopChild(apps[n]!) : undefined)));
    await connection?.close().catch(() => undefined);
    await Promise.all([servers.temporal?.stop(), servers.mongo?.stop(), clusterServers?.stopAll()]);
    await sink?.close();
    if (!opts.keepData && !opts.dataDir && process.env.KEEP_BENCH_DATA !== '1')
      fs.rmSync(dataDir, { recursive: true, force: true });
    else log(`data kept in ${dataDir}`);
  }

  try {
    log(`DATA_DIR ${dataDir}`);
    // The cluster's FerretDB keeps its documents in the cluster's PostgreSQL, so it starts once that is up.
    if (cluster) await startServer.postgresql().then(startServer.mongo).then(startServer.temporal);
    else await Promise.all([startServer.temporal(), startServer.mongo()]);
    sink = await startSmtpSink({ port: 0, dir: path.join(dataDir, 'outbox') });
    connection = await Connection.connect({ address: temporalAddress });
    // Worker and API bundle/compile in parallel; together they take most of the start-up time.
    await Promise.all([...workerNames, ...apiNames].map((n) => startApp(n)));
    log(`ready: API ${apiUrl}, Temporal ${temporalAddress}, Mongo ${mongoUri}`);
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    dataDir,
    apiUrl,
    apiUrls,
    workers: workerNames,
    cluster,
    adminKey,
    metricsToken,
    temporalAddress,
    pgPort: cluster ? pgPort : undefined,
    mongoUri,
    outboxDir: sink.dir,
    taskQueue,
    client: new Client({ connection }),
    pid: (name) => childOf(name)?.pid,
    kill,
    start,
    async restart(name, signal = 'SIGTERM') {
      await kill(name, signal);
      await start(name);
    },
    stop,
  };
}

/** Resident memory of a process in MiB, from /proc/<pid>/status (VmRSS). */
export function rssMiB(pid: number | undefined): number {
  if (!pid) return NaN;
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]);
  return kb / 1024;
}

/** Bytes under a path (a file or a directory tree). */
export function diskBytes(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.size;
  return fs.readdirSync(p).reduce((sum, f) => sum + diskBytes(path.join(p, f)), 0);
}
