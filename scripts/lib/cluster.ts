import fs from 'node:fs';
import path from 'node:path';
import type { ClusterTools } from './cluster-tools';
import { createDocumentsDatabase, documentsUrl, startPostgres } from './postgres';
import { startMongoServer, type ManagedProcess } from './servers';
import {
  HISTORY_SHARDS,
  prepareNamespace,
  setupSchemas,
  startTemporalServer,
  type TemporalClusterPorts,
} from './temporal-cluster';
import { startTemporalUi } from './temporal-ui';
import type { Log, Tools } from './tools';

/**
 * The cluster mode's topology, the same as docker-compose.yml's (test/unit/cluster-topology.test.ts): Temporal on
 * PostgreSQL with 4 history shards and its UI, then two workers and two API instances on one task queue. The document
 * store is FerretDB on the same PostgreSQL (database `ferretdb`), so the tickets' workflows and their content are in
 * one server that replicates and backs up as PostgreSQL does (at one instant), and no SQLite file is written.
 */
export const CLUSTER_TOPOLOGY = { workers: 2, apis: 2, historyShards: HISTORY_SHARDS } as const;

export type ClusterServerName = 'postgresql' | 'mongo' | 'temporal' | 'temporal-ui';

export interface ClusterLayout {
  dataDir: string;
  pgPort: number;
  ports: TemporalClusterPorts;
  /** 0: no UI (tests). */
  uiPort: number;
  namespace: string;
  /** The document store to run (FerretDB on PostgreSQL; mongod on its own files); none when MONGODB_URI names one. */
  mongo?: { server: Tools['mongo']; port: number };
  log: Log;
}

export interface ClusterServers {
  address: string;
  child(name: ClusterServerName): ManagedProcess['child'] | undefined;
  /** Starts one server again on its data (the fault tests stop and start them one at a time). */
  start(name: ClusterServerName): Promise<void>;
  stop(name: ClusterServerName): Promise<void>;
  /** PostgreSQL, the document store, the Temporal server (schemas, namespace, search attributes), the UI if it has a port. */
  startAll(): Promise<void>;
  stopAll(): Promise<void>;
}

/** Which kind of Temporal a DATA_DIR holds, so the two modes never share one (their tickets would not match). */
export function checkDataDirMode(dataDir: string, mode: 'dev' | 'cluster'): void {
  if (mode === 'cluster') checkNoSqliteDocuments(dataDir);
  const other = mode === 'cluster' ? path.join(dataDir, 'temporal.sqlite') : path.join(dataDir, 'postgres');
  if (fs.existsSync(other)) {
    const hint =
      mode === 'cluster'
        ? 'give the cluster mode its own DATA_DIR (its default is ./data-cluster)'
        : 'run it with `npm run start:cluster`, or choose another DATA_DIR';
    throw new Error(
      `${dataDir} holds the ${mode === 'cluster' ? 'dev server' : 'cluster mode'}'s Temporal data (${path.basename(other)}): ${hint}`,
    );
  }
}

/**
 * Before FerretDB ran on the cluster's PostgreSQL it kept the documents in SQLite files under DATA_DIR/mongo: a
 * cluster started on such a DATA_DIR would find none of its tickets' content. It refuses, and says how to carry on.
 */
function checkNoSqliteDocuments(dataDir: string): void {
  const dir = path.join(dataDir, 'mongo');
  const sqlite = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.sqlite')) : [];
  if (sqlite.length)
    throw new Error(
      `${dir} holds the document store on SQLite (${sqlite.join(', ')}), from before the cluster mode kept it in PostgreSQL: give the cluster mode a new DATA_DIR (or remove this one, and its tickets with it)`,
    );
}

export function clusterServers(tools: ClusterTools, layout: ClusterLayout): ClusterServers {
  const running: Partial<Record<ClusterServerName, ManagedProcess>> = {};
  const address = `127.0.0.1:${layout.ports.grpc.frontend}`;
  const logs = path.join(layout.dataDir, 'logs');
  let schemasReady = false;

  const starters: Record<ClusterServerName, () => Promise<ManagedProcess>> = {
    postgresql: () =>
      startPostgres({
        pgBin: tools.pgBin,
        dir: path.join(layout.dataDir, 'postgres'),
        port: layout.pgPort,
        logFile: path.join(logs, 'postgresql.log'),
      }),
    mongo: async () => {
      const { server, port } = layout.mongo!;
      const logFile = path.join(logs, 'mongo.log');
      if (server.kind !== 'ferretdb')
        return startMongoServer({ server, port, dataDir: path.join(layout.dataDir, 'mongo'), logFile });
      createDocumentsDatabase(tools.pgBin, layout.pgPort);
      return startMongoServer({ server, port, postgresqlUrl: documentsUrl(layout.pgPort), logFile });
    },
    temporal: async () => {
      if (!schemasReady) {
        await setupSchemas({
          sqlTool: tools.sqlTool,
          schemaDir: tools.schemaDir,
          pgPort: layout.pgPort,
          log: layout.log,
        });
        schemasReady = true;
      }
      const server = await startTemporalServer({
        bin: tools.temporalServer,
        root: path.join(layout.dataDir, 'temporal-server'),
        pgPort: layout.pgPort,
        ports: layout.ports,
        logFile: path.join(logs, 'temporal.log'),
      });
      await prepareNamespace(address, layout.namespace, layout.log);
      return server;
    },
    'temporal-ui': () =>
      startTemporalUi({
        bin: tools.ui,
        root: path.join(layout.dataDir, 'temporal-ui'),
        temporalAddress: address,
        port: layout.uiPort,
        namespace: layout.namespace,
        logFile: path.join(logs, 'temporal-ui.log'),
      }),
  };

  const servers: ClusterServers = {
    address,
    child: (name) => running[name]?.child,
    async start(name) {
      layout.log(`starting ${name}`);
      running[name] = await starters[name]();
    },
    async stop(name) {
      await running[name]?.stop();
    },
    async startAll() {
      await servers.start('postgresql');
      if (layout.mongo) await servers.start('mongo');
      await servers.start('temporal');
      if (layout.uiPort) await servers.start('temporal-ui');
    },
    async stopAll() {
      // Clients first, the database last, so nothing logs a lost connection on the way down.
      await servers.stop('temporal-ui');
      await servers.stop('temporal');
      await servers.stop('mongo');
      await servers.stop('postgresql');
    },
  };
  return servers;
}

/**
 * The environment of the i-th API or worker (0-based) on one machine: API i listens on PORT + i and takes inbound mail
 * on INBOUND_SMTP_PORT + i; worker i serves its metrics on the configured ports + 2i (0 stays off).
 */
export function instanceEnv(
  kind: 'api' | 'worker',
  i: number,
  env: NodeJS.ProcessEnv,
  defaults: { port: number; inboundSmtpPort: number; workerMetricsPort: number; sdkMetricsPort: number },
): NodeJS.ProcessEnv {
  const shift = (value: number, by: number) => String(value === 0 ? 0 : value + by);
  if (kind === 'api')
    return { ...env, PORT: shift(defaults.port, i), INBOUND_SMTP_PORT: shift(defaults.inboundSmtpPort, i) };
  return {
    ...env,
    WORKER_METRICS_PORT: shift(defaults.workerMetricsPort, 2 * i),
    TEMPORAL_SDK_METRICS_PORT: shift(defaults.sdkMetricsPort, 2 * i),
  };
}
