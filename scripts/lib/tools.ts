import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureChromium } from './chromium';
import { provisionCluster, type ClusterTools } from './cluster-tools';
import { prepareFerretDbSource } from './ferretdb-build';
import { withLock } from './lock';
import { MissingToolError, run, which, type Log } from './tool-runner';

// Re-exported: the scripts and tests that provision name these through this module.
export { MissingToolError, run, which, type Log };

/**
 * Provisions the real servers the product and its tests run against, into a tools cache
 * outside the repository so every clone on the machine shares one build.
 */

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function toolsDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SLA_DESK_TOOLS_DIR) return path.resolve(env.SLA_DESK_TOOLS_DIR);
  const cache = env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache');
  return path.join(cache, 'sla-desk', 'tools');
}

export interface Tools {
  temporal: string;
  mongo: { kind: 'ferretdb' | 'mongod'; path: string };
  testServer: string;
  /** Debian's chromium, for the browser tests. */
  chromium: string;
  /** The cluster mode's servers: Temporal server and schema tool, Temporal UI, PostgreSQL (cluster-tools.ts). */
  cluster: ClusterTools;
}

export function fingerprint(files: string[]): string {
  const hash = createHash('sha256');
  for (const f of files) hash.update(f).update(fs.readFileSync(path.join(repoRoot, f)));
  return hash.digest('hex').slice(0, 16);
}

export function stampOk(stampFile: string, expected: string, artifact: string): boolean {
  try {
    return fs.readFileSync(stampFile, 'utf8') === expected && fs.existsSync(artifact);
  } catch {
    return false;
  }
}

const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

/** The Temporal CLI in the order provisioning looks for it (TEMPORAL_CLI_PATH, PATH, the tools cache); undefined: not built yet. */
export function findTemporalCli(dir: string, env = process.env): string | undefined {
  if (env.TEMPORAL_CLI_PATH) {
    if (!fs.existsSync(env.TEMPORAL_CLI_PATH)) {
      throw new MissingToolError('temporal', `TEMPORAL_CLI_PATH=${env.TEMPORAL_CLI_PATH} does not exist`);
    }
    return env.TEMPORAL_CLI_PATH;
  }
  const onPath = which('temporal', env);
  if (onPath) return onPath;
  const bin = path.join(dir, 'bin', 'temporal');
  return fs.existsSync(bin) ? bin : undefined;
}

export async function ensureTemporalCli(dir: string, log: Log, env = process.env): Promise<string> {
  const found = findTemporalCli(dir, env);
  if (found) return found;
  const bin = path.join(dir, 'bin', 'temporal');
  const go = which('go', env);
  if (!go) {
    throw new MissingToolError(
      'temporal',
      'put the Temporal CLI on PATH, set TEMPORAL_CLI_PATH, or install Go so it can be built',
    );
  }
  log(`temporal: building ${TEMPORAL_CLI_MODULE} with go install (first time only, several minutes)`);
  await run(go, ['install', TEMPORAL_CLI_MODULE], {
    cwd: os.tmpdir(),
    env: { ...env, GOBIN: path.join(dir, 'bin'), GOFLAGS: '-mod=mod' },
    log,
    label: 'temporal',
  });
  return bin;
}

/** The stamp of the FerretDB build: the fingerprint of the sources it was built from. */
export const FERRETDB_STAMP = 'ferretdb-build.stamp';

export async function ensureMongoServer(dir: string, log: Log, env = process.env): Promise<Tools['mongo']> {
  const mongod = env.SLA_DESK_USE_MONGOD === '1' ? which('mongod', env) : undefined;
  if (mongod) return { kind: 'mongod', path: mongod };
  // Named apart from the SQLite-only build of earlier versions (bin/ferretdb-sqlite, ferretdb.stamp), which clones
  // of those versions sharing this cache keep using.
  const bin = path.join(dir, 'bin', 'ferretdb');
  const stamp = path.join(dir, FERRETDB_STAMP);
  const want = fingerprint([
    'tools/ferretdb/go.mod',
    'tools/ferretdb/go.sum',
    'tools/ferretdb/main.go',
    'scripts/lib/ferretdb-build.ts',
    'scripts/lib/ferretdb-index-patches.ts',
    'scripts/lib/ferretdb-cursor-patches.ts',
  ]);
  if (stampOk(stamp, want, bin)) return { kind: 'ferretdb', path: bin };
  const go = which('go', env);
  if (!go) {
    const fallback = which('mongod', env);
    if (fallback) return { kind: 'mongod', path: fallback };
    throw new MissingToolError('ferretdb', 'install Go so tools/ferretdb can be built, or put mongod on PATH');
  }
  log(
    'ferretdb: building tools/ferretdb (FerretDB 1.24, SQLite and PostgreSQL backends, patched; first time only, a few minutes)',
  );
  const source = prepareFerretDbSource(go, repoRoot, path.join(dir, 'build', 'ferretdb'), env);
  await run(go, ['build', '-o', bin, '.'], { cwd: source, env, log, label: 'ferretdb' });
  fs.writeFileSync(stamp, want);
  return { kind: 'ferretdb', path: bin };
}

export async function ensureTestServer(dir: string, log: Log, env = process.env): Promise<string> {
  const wrapper = path.join(dir, 'bin', 'temporal-test-server');
  const libDir = path.join(dir, 'test-server', 'lib');
  const stamp = path.join(dir, 'test-server.stamp');
  const want = fingerprint(['tools/test-server/pom.xml']);
  if (stampOk(stamp, want, wrapper)) return wrapper;
  const java = which('java', env);
  const mvn = which('mvn', env);
  if (!java)
    throw new MissingToolError('java', 'install a Java 17+ runtime (e.g. apt-get install openjdk-17-jre-headless)');
  if (!mvn)
    throw new MissingToolError('mvn', 'install Maven (e.g. apt-get install maven) to fetch the Temporal test server');
  log('test-server: fetching io.temporal:temporal-test-server with Maven (first time only)');
  fs.rmSync(libDir, { recursive: true, force: true });
  await run(
    mvn,
    [
      '-q',
      '-B',
      '-f',
      path.join(repoRoot, 'tools/test-server/pom.xml'),
      'dependency:copy-dependencies',
      `-DoutputDirectory=${libDir}`,
    ],
    { cwd: repoRoot, env, log, label: 'test-server' },
  );
  // The SDK SIGKILLs its direct child, so the wrapper must exec java rather than fork it.
  // C1-only JIT and the serial GC halve the start time, well inside the SDK's ~5 s wait.
  const script = [
    '#!/bin/sh',
    `exec "${java}" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -cp "${libDir}/*" io.temporal.testserver.TestServer "$@"`,
    '',
  ].join('\n');
  fs.mkdirSync(path.dirname(wrapper), { recursive: true });
  fs.writeFileSync(wrapper, script, { mode: 0o755 });
  fs.writeFileSync(stamp, want);
  return wrapper;
}

export interface ProvisionOptions {
  log?: Log;
  need?: { temporal?: boolean; mongo?: boolean; testServer?: boolean; chromium?: boolean; cluster?: boolean };
  env?: NodeJS.ProcessEnv;
}

/** Idempotent and safe when two runs race: the work happens under a lock in the tools dir. */
export async function provision(opts: ProvisionOptions = {}): Promise<Partial<Tools>> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? ((line: string) => console.log(`[provision] ${line}`));
  const need = { temporal: true, mongo: true, testServer: true, chromium: true, cluster: true, ...opts.need };
  const dir = toolsDir(env);
  fs.mkdirSync(path.join(dir, 'bin'), { recursive: true });
  return withLock(path.join(dir, '.lock'), log, async () => {
    const tools: Partial<Tools> = {};
    if (need.temporal) tools.temporal = await ensureTemporalCli(dir, log, env);
    if (need.mongo) tools.mongo = await ensureMongoServer(dir, log, env);
    if (need.testServer) tools.testServer = await ensureTestServer(dir, log, env);
    if (need.chromium) tools.chromium = await ensureChromium(log);
    if (need.cluster) tools.cluster = await provisionCluster(dir, log, env);
    return tools;
  });
}
