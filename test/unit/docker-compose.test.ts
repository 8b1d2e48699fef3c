/**
 * docker-compose.yml and the Dockerfile cannot be run here (no Docker engine, no compose plugin), so this checks
 * what would otherwise only fail at `docker compose up`: wiring between services, and that api/worker get exactly
 * the environment lib/config.ts accepts.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema } from '../../lib/config';
import { DYNAMIC_CONFIG_FILE, readDynamicConfig } from '../../scripts/lib/servers';
import { portsFrom, serverConfig } from '../../scripts/lib/temporal-cluster';
import { ticketSearchAttributes } from '../../workflows/search-attributes';

type EnvValue = string | number | boolean | null;

interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, EnvValue> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  ports?: string[];
  volumes?: string[];
}

interface ComposeFile {
  services: Record<string, ComposeService>;
}

const root = fileURLToPath(new URL('../..', import.meta.url));
// merge: true resolves the `<<: *sla-desk-env` keys the way Compose does.
const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as ComposeFile;
const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');

const APP_SERVICES = ['api', 'worker'] as const;
const EXPECTED_SERVICES = [
  'postgresql',
  'temporal',
  'temporal-search-attributes',
  'temporal-ui',
  'mongo',
  'mailpit',
  ...APP_SERVICES,
];

// What a user would export before `docker compose up`; the admin key must satisfy the schema's 16-character minimum.
const SAMPLE_ENV: Record<string, string> = { ADMIN_API_KEY: 'sample-admin-key-0123456789' };

function service(name: string): ComposeService {
  const s = compose.services[name];
  if (!s) throw new Error(`docker-compose.yml has no service ${name}`);
  return s;
}

/** The raw (uninterpolated) environment of a service, whichever of Compose's two forms it uses. */
function rawEnvironment(name: string): Record<string, string> {
  const env = service(name).environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const eq = entry.indexOf('=');
        return eq === -1 ? [entry, ''] : [entry.slice(0, eq), entry.slice(eq + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

/** Compose's interpolation, with the user's shell replaced by SAMPLE_ENV: `${X:-d}` → d, `${X:?msg}`/`${X}` → sample. */
function interpolate(value: string): string {
  return value
    .replace(
      /\$\{(\w+)(?::?([-?])([^}]*))?\}/g,
      (_m, name: string, op: string | undefined, arg: string | undefined) => {
        if (op === '-') return SAMPLE_ENV[name] ?? arg ?? '';
        const sample = SAMPLE_ENV[name];
        if (sample === undefined) throw new Error(`no sample value for \${${name}}; add one to SAMPLE_ENV`);
        return sample;
      },
    )
    .replace(/\$\$/g, '$');
}

function environment(name: string): Record<string, string> {
  return Object.fromEntries(Object.entries(rawEnvironment(name)).map(([k, v]) => [k, interpolate(v)]));
}

function commandText(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(' ') : (value ?? '');
}

/** Dockerfile instructions with `\` continuations joined, so a multi-line HEALTHCHECK reads as one. */
function dockerInstructions(): string[] {
  return dockerfile
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

function jsonForm(keyword: 'CMD' | 'ENTRYPOINT'): string[] {
  const line = dockerInstructions().find((l) => l.startsWith(`${keyword} `));
  if (!line) throw new Error(`Dockerfile has no ${keyword}`);
  // Exec (JSON) form only: shell form would make node a child of sh and swallow SIGTERM.
  return JSON.parse(line.slice(keyword.length).trim()) as string[];
}

describe('docker-compose.yml', () => {
  it('defines every service of the stack', () => {
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(EXPECTED_SERVICES));
    expect(service('postgresql').image).toMatch(/^postgres:16/);
    expect(service('temporal').image).toMatch(/^temporalio\/auto-setup:1\.29\.\d+$/);
    expect(service('temporal-search-attributes').image).toMatch(/^temporalio\/admin-tools:1\.29\./);
    expect(service('temporal-ui').image).toMatch(/^temporalio\/ui:/);
    expect(service('mongo').image).toBe('mongo:7');
    expect(service('mailpit').image).toMatch(/^axllent\/mailpit:/);
  });

  it('builds api and worker from the Dockerfile', () => {
    for (const name of APP_SERVICES) {
      const build = service(name).build;
      const { context, dockerfile: file } =
        typeof build === 'string' ? { context: build, dockerfile: undefined } : (build ?? {});
      expect(context, `${name} build context`).toBe('.');
      expect(file ?? 'Dockerfile', `${name} dockerfile`).toBe('Dockerfile');
      expect(service(name).image, `${name} must be built, not pulled`).toBeUndefined();
    }
    expect(existsSync(path.join(root, 'Dockerfile'))).toBe(true);
  });

  it.each(APP_SERVICES)('%s sets only variables that lib/config.ts reads', (name) => {
    const known = Object.keys(configSchema.shape);
    const unknown = Object.keys(rawEnvironment(name)).filter((key) => !known.includes(key));
    expect(unknown).toEqual([]);
  });

  it.each(APP_SERVICES)('%s environment passes the config schema', (name) => {
    const result = configSchema.safeParse(environment(name));
    expect(result.error?.issues ?? []).toEqual([]);
    expect(result.data?.NODE_ENV).toBe('production');
  });

  it('api listens on all interfaces and requires ADMIN_API_KEY from the user', () => {
    const env = rawEnvironment('api');
    expect(env.HOST).toBe('0.0.0.0');
    // `:?` makes Compose refuse to start rather than let the API invent a key no one sees.
    expect(env.ADMIN_API_KEY).toMatch(/^\$\{ADMIN_API_KEY:\?.+\}$/);
    expect(service('api').ports).toContain(`${environment('api').PORT}:${environment('api').PORT}`);
  });

  it('api and worker agree on Temporal namespace, task queue, database and mail', () => {
    const api = environment('api');
    const worker = environment('worker');
    for (const key of [
      'TEMPORAL_ADDRESS',
      'TEMPORAL_NAMESPACE',
      'TEMPORAL_TASK_QUEUE',
      'MONGODB_URI',
      'SMTP_URL',
      'MAIL_FROM',
      'MAIL_DOMAIN',
    ] as const) {
      expect(worker[key], key).toBe(api[key]);
    }
  });

  it('TEMPORAL_ADDRESS points at the temporal service and its gRPC port', () => {
    const published = (service('temporal').ports ?? []).map((p) => p.split(':').at(-1));
    for (const name of [...APP_SERVICES, 'temporal-ui', 'temporal-search-attributes']) {
      const [host, port] = (environment(name).TEMPORAL_ADDRESS ?? '').split(':');
      expect(host, name).toBe('temporal');
      expect(port, name).toBe('7233');
    }
    expect(published).toContain('7233');
  });

  it('MONGODB_URI points at the mongo service and SMTP_URL at mailpit', () => {
    for (const name of APP_SERVICES) {
      const mongo = new URL(environment(name).MONGODB_URI ?? '');
      expect(mongo.protocol).toBe('mongodb:');
      expect(mongo.hostname).toBe('mongo');
      expect(mongo.port).toBe('27017');
    }
    const smtp = new URL(environment('worker').SMTP_URL ?? '');
    expect(smtp.hostname).toBe('mailpit');
    expect(smtp.port).toBe('1025');
  });

  it('registers exactly the search attributes the workflows use', () => {
    const script = interpolate(commandText(service('temporal-search-attributes').command));
    const created = [...script.matchAll(/search-attribute create\b.*?--name (\w+) --type (\w+)/g)].map(
      (m) => `${m[1]}:${m[2]}`,
    );
    // The CLI's type names; the SDK spells them in upper case.
    const cliType: Record<string, string> = { KEYWORD: 'Keyword', DATETIME: 'Datetime' };
    const expected = ticketSearchAttributes.map((a) => `${a.name}:${cliType[a.type] ?? `unmapped type ${a.type}`}`);
    expect(created.sort()).toEqual([...expected].sort());

    // Each create is skipped when its guard finds the name; a guard for another name would silently skip it.
    for (const m of script.matchAll(/has (\w+) \|\| temporal operator search-attribute create\b.*?--name (\w+)/g)) {
      expect(m[1]).toBe(m[2]);
    }
  });

  it('gives the Temporal server the dynamic config file of the cluster mode and of the dev server', () => {
    const temporal = service('temporal');
    const file = rawEnvironment('temporal').DYNAMIC_CONFIG_FILE_PATH ?? 'config/dynamicconfig/docker.yaml';
    // auto-setup resolves the path from its working directory, /etc/temporal.
    const mount = (temporal.volumes ?? [])
      .map((v) => v.split(':'))
      .find(([, target]) => target === path.posix.join('/etc/temporal', file));
    expect(mount, `a volume mounted at /etc/temporal/${file}`).toBeDefined();
    expect(path.resolve(root, mount![0]!)).toBe(DYNAMIC_CONFIG_FILE);
    // The cluster mode's server reads the same file in place.
    const cluster = serverConfig({ pgPort: 5432, ports: portsFrom(7233), dynamicConfigFile: DYNAMIC_CONFIG_FILE });
    expect(cluster.dynamicConfigClient.filepath).toBe(DYNAMIC_CONFIG_FILE);
    // The dev server gets every key as a flag, which only a single unconstrained value can be.
    const settings = readDynamicConfig();
    expect(settings['system.enableActivityEagerExecution']).toBe(true);
    expect(Object.keys(settings).length).toBeGreaterThan(0);
  });

  it('starts things in order: every awaited service can report what it is awaited for', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      const deps = Array.isArray(s.depends_on) ? {} : (s.depends_on ?? {});
      for (const [dep, { condition }] of Object.entries(deps)) {
        const target = service(dep);
        if (condition === 'service_healthy') {
          expect(target.healthcheck?.test, `${name} waits for ${dep} to be healthy`).toBeDefined();
        }
        if (condition === 'service_completed_successfully') {
          expect(target.healthcheck?.test, `${dep} is a one-shot`).toBeUndefined();
        }
      }
    }
    for (const name of APP_SERVICES) {
      expect(service(name).depends_on).toMatchObject({
        mongo: { condition: 'service_healthy' },
        temporal: { condition: 'service_healthy' },
        'temporal-search-attributes': { condition: 'service_completed_successfully' },
      });
    }
  });
});

describe('Dockerfile', () => {
  it("builds on node:<package.json's engines>-bookworm-slim in more than one stage and runs as a non-root user in production mode", () => {
    const engines = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { engines: { node: string } })
      .engines.node;
    const major = /^>=(\d+)$/.exec(engines)?.[1];
    expect(major).toBe('22');
    const instructions = dockerInstructions();
    const froms = instructions.filter((l) => l.startsWith('FROM '));
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const from of froms) expect(from).toMatch(new RegExp(`^FROM node:${major}-bookworm-slim\\b`));
    expect(instructions.some((l) => /^RUN .*\bnpm ci\b/.test(l))).toBe(true);
    expect(instructions.filter((l) => l.startsWith('USER ')).at(-1)).toMatch(/^USER (?!root\b|0\b)\S+$/);
    expect(instructions.some((l) => /^ENV .*\bNODE_ENV=production\b/.test(l))).toBe(true);
    expect(instructions.some((l) => l.startsWith('HEALTHCHECK ') && l.includes('/healthz'))).toBe(true);
  });

  it('runs the API by default and the worker when compose says so, from files that exist', () => {
    const apiCommand = jsonForm('CMD');
    expect(apiCommand).toEqual(['node', '--import', 'tsx', 'api/main.ts']);
    const workerCommand = service('worker').command;
    expect(workerCommand).toEqual(['node', '--import', 'tsx', 'worker/main.ts']);
    expect(service('api').command, 'api uses the image default').toBeUndefined();

    const entrypoints = [apiCommand, workerCommand as string[]];
    if (dockerInstructions().some((l) => l.startsWith('ENTRYPOINT '))) entrypoints.push(jsonForm('ENTRYPOINT'));
    const scripts = entrypoints.flat().filter((arg) => /\.[cm]?[jt]s$/.test(arg));
    expect(scripts).toEqual(expect.arrayContaining(['api/main.ts', 'worker/main.ts']));
    for (const script of scripts) expect(existsSync(path.join(root, script)), script).toBe(true);
  });

  it('.dockerignore keeps local state and dependencies out of the build context', () => {
    const ignored = readFileSync(path.join(root, '.dockerignore'), 'utf8')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'data', '.git', 'test-results']));
  });
});
