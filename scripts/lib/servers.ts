import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import protoPackage, { type temporal } from '@temporalio/proto';
import { parse as parseYaml } from 'yaml';
import { ticketSearchAttributes } from '../../workflows/search-attributes';
import { repoRoot, type Tools } from './tools';

// @temporalio/proto is CommonJS; its namespace is only reachable through the default export under ESM.
const proto = protoPackage.temporal;

/** Starting and stopping the local Temporal dev server and the MongoDB-protocol server. */

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export async function isListening(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Polls until the port accepts connections; fails fast if the process dies first. */
/** Whether a port can be bound on loopback now. */
export function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * Refuses to start when a port the desk is about to serve on is taken: a server that cannot bind exits, and the check
 * that waits for it to listen would find the other process instead (an existing MongoDB taken for the desk's own).
 */
export async function assertPortsFree(ports: { port: number; variable: string }[]): Promise<void> {
  const taken = [];
  for (const p of ports) if (p.port > 0 && !(await bindable(p.port))) taken.push(p);
  if (taken.length)
    throw new Error(
      `${taken.map((p) => `port ${p.port} (${p.variable})`).join(', ')} ${taken.length > 1 ? 'are' : 'is'} in use by another process: stop it, or set ${taken.map((p) => p.variable).join(', ')} to a free port`,
    );
}

export async function waitForPort(port: number, proc: ChildProcess, name: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: number | null | undefined;
  proc.once('exit', (code) => (exited = code));
  while (Date.now() < deadline) {
    if (exited !== undefined) throw new Error(`${name} exited with code ${exited} before listening on ${port}`);
    if (await isListening(port)) return;
    await delay(100);
  }
  throw new Error(`${name} did not listen on port ${port} within ${timeoutMs / 1000} s`);
}

function manage(name: string, child: ChildProcess): ManagedProcess {
  return {
    name,
    child,
    stop: () => stopChild(child),
  };
}

export async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

function logStream(file: string | undefined): 'ignore' | number {
  if (!file) return 'ignore';
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return fs.openSync(file, 'a');
}

export interface TemporalDevServerOptions {
  bin: string;
  port: number;
  uiPort?: number;
  dbFile?: string;
  logFile?: string;
  namespace?: string;
}

/**
 * Server settings, one file for every Temporal server we run: docker-compose.yml mounts it, the cluster mode points
 * the server at it (temporal-cluster.ts), and the dev server gets each value as a flag (test/unit/docker-compose.test.ts).
 * Eager activities: an activity a workflow task schedules goes back to the worker in that task's reply, when it has
 * a free slot, instead of a round trip through matching; a third less server CPU per deadline (BENCHMARKS.md).
 */
export const DYNAMIC_CONFIG_FILE = path.join(repoRoot, 'deploy', 'temporal-dynamic-config.yaml');

/** Each key's value without constraints (the dev server's flags cannot scope a value to a namespace). */
export function readDynamicConfig(file = DYNAMIC_CONFIG_FILE): Record<string, unknown> {
  const settings = parseYaml(fs.readFileSync(file, 'utf8')) as Record<
    string,
    { value: unknown; constraints?: unknown }[]
  >;
  return Object.fromEntries(
    Object.entries(settings).map(([key, values]) => {
      if (values.length !== 1 || values[0]!.constraints)
        throw new Error(`${file}: ${key} must have one value without constraints`);
      return [key, values[0]!.value];
    }),
  );
}

export async function startTemporalDevServer(opts: TemporalDevServerOptions): Promise<ManagedProcess> {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(opts.port), '--log-level', 'warn'];
  if (opts.uiPort) args.push('--ui-port', String(opts.uiPort));
  else args.push('--headless');
  if (opts.dbFile) {
    fs.mkdirSync(path.dirname(opts.dbFile), { recursive: true });
    args.push('--db-filename', opts.dbFile);
    // A write-ahead log synced at checkpoints rather than on every commit: the same durability across a
    // killed process (the restart fault test), half the server's CPU per ticket (BENCHMARKS.md, intake).
    args.push('--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal');
  }
  for (const [key, value] of Object.entries(readDynamicConfig()))
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  if (opts.namespace && opts.namespace !== 'default') args.push('--namespace', opts.namespace);
  for (const key of ticketSearchAttributes) args.push('--search-attribute', `${key.name}=${key.type}`);
  const out = logStream(opts.logFile);
  const child = spawn(opts.bin, args, { stdio: ['ignore', out, out] });
  await waitForPort(opts.port, child, 'temporal dev server');
  await registerSearchAttributes(`127.0.0.1:${opts.port}`, opts.namespace ?? 'default');
  return manage('temporal', child);
}

const indexedValueType: Record<string, temporal.api.enums.v1.IndexedValueType> = {
  KEYWORD: proto.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  DATETIME: proto.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  TEXT: proto.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  INT: proto.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
  DOUBLE: proto.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  BOOL: proto.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
};

/**
 * A reused dev-server database ignores newly added --search-attribute flags, so register
 * whatever is missing through the operator service; safe to call on every start.
 */
export async function registerSearchAttributes(address: string, namespace: string): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    await ensureSearchAttributes(connection, namespace);
  } finally {
    await connection.close();
  }
}

export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const missing = ticketSearchAttributes.filter((k) => !(k.name in (existing.customAttributes ?? {})));
  if (missing.length) await addSearchAttributes(connection, namespace, missing);
}

/** The time-skipping test server can add search attributes but not list them. */
export async function addSearchAttributes(
  connection: Connection,
  namespace: string,
  keys: readonly (typeof ticketSearchAttributes)[number][] = ticketSearchAttributes,
): Promise<void> {
  const searchAttributes: Record<string, temporal.api.enums.v1.IndexedValueType> = {};
  for (const key of keys) searchAttributes[key.name] = indexedValueType[key.type]!;
  await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
}

export interface MongoServerOptions {
  server: Tools['mongo'];
  port: number;
  /** SQLite files (FerretDB) or mongod's own; unused with postgresqlUrl. */
  dataDir?: string;
  /** FerretDB on this PostgreSQL database instead of SQLite files (the cluster mode). */
  postgresqlUrl?: string;
  logFile?: string;
}

export async function startMongoServer(opts: MongoServerOptions): Promise<ManagedProcess> {
  if (opts.postgresqlUrl && opts.server.kind !== 'ferretdb')
    throw new Error(`${opts.server.kind} cannot keep its data in PostgreSQL; only FerretDB can`);
  let args: string[];
  if (opts.postgresqlUrl) args = ['-listen', `127.0.0.1:${opts.port}`, '-postgresql-url', opts.postgresqlUrl];
  else {
    if (!opts.dataDir) throw new Error(`${opts.server.kind} needs a data directory`);
    fs.mkdirSync(opts.dataDir, { recursive: true });
    args =
      opts.server.kind === 'ferretdb'
        ? ['-listen', `127.0.0.1:${opts.port}`, '-data', opts.dataDir]
        : ['--bind_ip', '127.0.0.1', '--port', String(opts.port), '--dbpath', opts.dataDir];
  }
  const out = logStream(opts.logFile);
  const child = spawn(opts.server.path, args, { stdio: ['ignore', out, out] });
  await waitForPort(opts.port, child, opts.server.kind);
  return manage(opts.server.kind, child);
}
