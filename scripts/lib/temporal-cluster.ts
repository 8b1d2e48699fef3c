import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { PG_PASSWORD, PG_USER } from './postgres';
import {
  bindable,
  DYNAMIC_CONFIG_FILE,
  ensureSearchAttributes,
  stopChild,
  waitForPort,
  type ManagedProcess,
} from './servers';
import type { Log } from './tools';

const execFileAsync = promisify(execFile);

/**
 * The real Temporal server (not the dev server) on PostgreSQL, as docker-compose.yml runs it: frontend,
 * history, matching and worker services in one process, 4 history shards, the dynamic config of
 * deploy/temporal-dynamic-config.yaml. Its schemas are created and updated by Temporal's own SQL tool.
 */

export const HISTORY_SHARDS = 4;
const SERVICES = ['frontend', 'history', 'matching', 'worker'] as const;

export interface TemporalClusterPorts {
  /** gRPC of each service, and its membership (ringpop) port; the frontend also serves HTTP. */
  grpc: Record<(typeof SERVICES)[number], number>;
  membership: Record<(typeof SERVICES)[number], number>;
  frontendHttp: number;
}

/** Temporal's own development layout around a frontend port (7233: 7234 history, 7235 matching, 7239 worker, 69xx membership). */
export function portsFrom(frontend: number): TemporalClusterPorts {
  const offset = { frontend: 0, history: 1, matching: 2, worker: 6 };
  const grpc = Object.fromEntries(SERVICES.map((s) => [s, frontend + offset[s]])) as TemporalClusterPorts['grpc'];
  const membership = Object.fromEntries(
    SERVICES.map((s) => [s, frontend - 300 + offset[s]]),
  ) as TemporalClusterPorts['membership'];
  return { grpc, membership, frontendHttp: frontend + 10 };
}

/**
 * Every port free, for tests and benchmarks that run beside others on one machine. Below 32768: the server records
 * its membership ports in a PostgreSQL smallint, and the kernel's free ports (from freePort) lie above it.
 */
export async function freePorts(): Promise<TemporalClusterPorts> {
  const taken = new Set<number>();
  const pick = async () => {
    for (;;) {
      const port = 20_000 + Math.floor(Math.random() * 12_000);
      if (!taken.has(port) && (await bindable(port))) {
        taken.add(port);
        return port;
      }
    }
  };
  const grpc = {} as TemporalClusterPorts['grpc'];
  const membership = {} as TemporalClusterPorts['membership'];
  for (const s of SERVICES) {
    grpc[s] = await pick();
    membership[s] = await pick();
  }
  return { grpc, membership, frontendHttp: await pick() };
}

interface SqlStore {
  pgPort: number;
}

function datastore(database: string, pgPort: number, maxConns: number) {
  return {
    sql: {
      pluginName: 'postgres12',
      databaseName: database,
      connectAddr: `127.0.0.1:${pgPort}`,
      connectProtocol: 'tcp',
      user: PG_USER,
      password: PG_PASSWORD,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  };
}

/** The server's static config (JSON is YAML; no templating). */
export function serverConfig(opts: SqlStore & { ports: TemporalClusterPorts; dynamicConfigFile: string }) {
  const services = Object.fromEntries(
    SERVICES.map((s) => [
      s,
      {
        rpc: {
          grpcPort: opts.ports.grpc[s],
          membershipPort: opts.ports.membership[s],
          bindOnLocalHost: true,
          ...(s === 'frontend' ? { httpPort: opts.ports.frontendHttp } : {}),
        },
      },
    ]),
  );
  return {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: HISTORY_SHARDS,
      datastores: {
        'postgres-default': datastore('temporal', opts.pgPort, 20),
        'postgres-visibility': datastore('temporal_visibility', opts.pgPort, 10),
      },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' } },
    services,
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: {
          enabled: true,
          initialFailoverVersion: 1,
          rpcName: 'frontend',
          rpcAddress: `127.0.0.1:${opts.ports.grpc.frontend}`,
        },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: opts.dynamicConfigFile, pollInterval: '10s' },
  };
}

/** Creates both databases and their schemas on first use, and applies any newer schema version every time. */
export async function setupSchemas(opts: SqlStore & { sqlTool: string; schemaDir: string; log: Log }): Promise<void> {
  for (const [database, dir] of [
    ['temporal', 'temporal'],
    ['temporal_visibility', 'visibility'],
  ] as const) {
    const base = [
      '--plugin',
      'postgres12',
      '--ep',
      '127.0.0.1',
      '-p',
      String(opts.pgPort),
      '-u',
      PG_USER,
      '--pw',
      PG_PASSWORD,
      '--db',
      database,
    ];
    const tool = (...args: string[]) => execFileAsync(opts.sqlTool, [...base, ...args]);
    // Both fail on a database made by an earlier start; `update-schema` then finds it at its version.
    const tolerateExisting = async (step: Promise<unknown>) => {
      try {
        await step;
      } catch (err) {
        const text = `${(err as { stderr?: string }).stderr ?? ''}${(err as Error).message}`;
        if (!/already exists/i.test(text)) throw err;
      }
    };
    await tolerateExisting(tool('create-database'));
    await tolerateExisting(tool('setup-schema', '-v', '0.0'));
    await tool('update-schema', '-d', path.join(opts.schemaDir, dir, 'versioned'));
    opts.log(`schema ${database}: up to date`);
  }
}

export interface TemporalServerOptions extends SqlStore {
  bin: string;
  /** Holds config/ (written on every start) for this server. */
  root: string;
  ports: TemporalClusterPorts;
  logFile: string;
}

export async function startTemporalServer(opts: TemporalServerOptions): Promise<ManagedProcess> {
  const configDir = path.join(opts.root, 'config');
  fs.mkdirSync(configDir, { recursive: true });
  fs.writeFileSync(
    path.join(configDir, 'cluster.yaml'),
    JSON.stringify(serverConfig({ ...opts, dynamicConfigFile: DYNAMIC_CONFIG_FILE }), null, 2),
  );
  fs.mkdirSync(path.dirname(opts.logFile), { recursive: true });
  const out = fs.openSync(opts.logFile, 'a');
  const child = spawn(
    opts.bin,
    ['--root', opts.root, '--config', 'config', '--env', 'cluster', '--allow-no-auth', 'start'],
    { cwd: opts.root, stdio: ['ignore', out, out] },
  );
  fs.closeSync(out);
  await waitForPort(opts.ports.grpc.frontend, child, 'temporal server', 120_000);
  return { name: 'temporal', child, stop: () => stopChild(child, 20_000) };
}

async function retry<T>(what: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`${what}: ${(err as Error).message}`);
      await delay(500);
    }
  }
}

/**
 * What auto-setup and the search-attributes one-shot do in docker-compose.yml: the namespace (unlike the dev
 * server, a SQL-backed server has none), then our search attributes. Idempotent. A new namespace reaches the
 * services' caches within their refresh interval (10 s), so each step polls until the server answers.
 */
export async function prepareNamespace(address: string, namespace: string, log: Log): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    // The frontend answers before history has acquired its shards.
    await retry('temporal server health', 120_000, () => connection.healthService.check({}));
    const exists = await connection.workflowService.describeNamespace({ namespace }).then(
      () => true,
      () => false,
    );
    if (!exists) {
      await connection.workflowService.registerNamespace({
        namespace,
        workflowExecutionRetentionPeriod: msToTs('3 days'),
      });
      log(`namespace ${namespace}: registered (retention 3 days)`);
    }
    await retry(`search attributes of ${namespace}`, 120_000, () => ensureSearchAttributes(connection, namespace));
    // Listed by the frontend is not yet seen by history: wait until a visibility query may name them.
    await retry(`search attributes of ${namespace} in visibility`, 120_000, () =>
      connection.workflowService.countWorkflowExecutions({
        namespace,
        query: 'TicketStatus = "x" AND NextDeadline > "2000-01-01T00:00:00Z"',
      }),
    );
  } finally {
    await connection.close();
  }
}
