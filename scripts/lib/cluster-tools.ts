import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MissingToolError, run, which, type Log } from './tool-runner';

/**
 * The servers of the cluster mode (`npm run start:cluster`), provisioned like the others into the tools cache:
 * the real Temporal server and its SQL schema tool, the Temporal UI server, and Debian's PostgreSQL.
 * The versions match docker-compose.yml (server 1.29.1; the UI is the one the CLI v1.5.1 embeds).
 */

export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
export const TEMPORAL_UI_VERSION = 'v2.42.1';

export interface ClusterTools {
  temporalServer: string;
  sqlTool: string;
  /** schema/postgresql/v12 of the server module, copied next to the binaries (the Go module cache may be cleaned). */
  schemaDir: string;
  ui: string;
  /** Directory of initdb, pg_ctl and postgres. */
  pgBin: string;
}

function goOrThrow(env: NodeJS.ProcessEnv, tool: string): string {
  const go = which('go', env);
  if (!go) throw new MissingToolError(tool, 'install Go (1.24+) so it can be built from the Go module proxy');
  return go;
}

/** `go install` of packages at a version into `binDir`; one command so the two server binaries share one build. */
async function goInstall(
  go: string,
  packages: string[],
  binDir: string,
  log: Log,
  label: string,
  env: NodeJS.ProcessEnv,
) {
  fs.mkdirSync(binDir, { recursive: true });
  await run(go, ['install', ...packages], {
    cwd: os.tmpdir(),
    env: { ...env, GOBIN: binDir, GOFLAGS: '-mod=mod' },
    log,
    label,
  });
}

export async function ensureTemporalServer(
  dir: string,
  log: Log,
  env = process.env,
): Promise<Pick<ClusterTools, 'temporalServer' | 'sqlTool' | 'schemaDir'>> {
  const home = path.join(dir, `temporal-server-${TEMPORAL_SERVER_VERSION}`);
  const tools = {
    temporalServer: path.join(home, 'bin', 'server'),
    sqlTool: path.join(home, 'bin', 'sql'),
    schemaDir: path.join(home, 'schema', 'postgresql', 'v12'),
  };
  if (Object.values(tools).every((p) => fs.existsSync(p))) return tools;
  const go = goOrThrow(env, 'temporal-server');
  const module = 'go.temporal.io/server';
  log(
    `temporal-server: building ${module} ${TEMPORAL_SERVER_VERSION} (server and schema tool) with go install (first time only, about 7 minutes on 2 cores)`,
  );
  await goInstall(
    go,
    [`${module}/cmd/server@${TEMPORAL_SERVER_VERSION}`, `${module}/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`],
    path.join(home, 'bin'),
    log,
    'temporal-server',
    env,
  );
  const info = JSON.parse(
    execFileSync(go, ['mod', 'download', '-json', `${module}@${TEMPORAL_SERVER_VERSION}`], {
      cwd: os.tmpdir(),
      env,
      encoding: 'utf8',
    }),
  ) as { Dir: string };
  fs.rmSync(path.join(home, 'schema'), { recursive: true, force: true });
  fs.cpSync(path.join(info.Dir, 'schema', 'postgresql', 'v12'), tools.schemaDir, { recursive: true });
  // The module cache is read-only; the copy must stay removable with the rest of the tools cache.
  execFileSync('chmod', ['-R', 'u+w', path.join(home, 'schema')]);
  return tools;
}

export async function ensureTemporalUi(dir: string, log: Log, env = process.env): Promise<string> {
  const bin = path.join(dir, `temporal-ui-${TEMPORAL_UI_VERSION}`, 'bin', 'server');
  if (fs.existsSync(bin)) return bin;
  const go = goOrThrow(env, 'temporal-ui');
  log(
    `temporal-ui: building github.com/temporalio/ui-server/v2 ${TEMPORAL_UI_VERSION} (the UI assets are embedded; first time only, a few minutes)`,
  );
  await goInstall(
    go,
    [`github.com/temporalio/ui-server/v2/cmd/server@${TEMPORAL_UI_VERSION}`],
    path.dirname(bin),
    log,
    'temporal-ui',
    env,
  );
  return bin;
}

function findPgBin(env: NodeJS.ProcessEnv): string | undefined {
  const onPath = which('initdb', env);
  if (onPath && which('postgres', env)) return path.dirname(fs.realpathSync(onPath));
  // Debian keeps the server's programs off PATH, one directory per major version.
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return undefined;
  const versions = fs
    .readdirSync(root)
    .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], 'bin') : undefined;
}

export async function ensurePostgres(log: Log, env = process.env): Promise<string> {
  const found = findPgBin(env);
  if (found) return found;
  const apt = which('apt-get', env);
  if (!apt || process.getuid?.() !== 0) {
    throw new MissingToolError(
      'postgresql',
      'install PostgreSQL 12+ (Debian: apt-get install postgresql) so initdb and postgres can be found',
    );
  }
  log("postgresql: installing Debian's postgresql package (first time only)");
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
  await run(apt, ['update'], { cwd: os.tmpdir(), env: aptEnv, log, label: 'apt-get' });
  await run(apt, ['install', '-y', '--no-install-recommends', 'postgresql'], {
    cwd: os.tmpdir(),
    env: aptEnv,
    log,
    label: 'apt-get',
  });
  const installed = findPgBin(env);
  if (!installed)
    throw new MissingToolError(
      'postgresql',
      'apt-get installed postgresql but no initdb was found under /usr/lib/postgresql',
    );
  return installed;
}

export async function provisionCluster(dir: string, log: Log, env = process.env): Promise<ClusterTools> {
  // Sequential on purpose: two Go builds at once on 2 cores finish no sooner and double the memory.
  const server = await ensureTemporalServer(dir, log, env);
  const ui = await ensureTemporalUi(dir, log, env);
  const pgBin = await ensurePostgres(log, env);
  return { ...server, ui, pgBin };
}
