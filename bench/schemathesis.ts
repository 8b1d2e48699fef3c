import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack } from './stack';

/**
 * Property-based probing of the API from its own OpenAPI document (schemathesis), against a started
 * stack (real Temporal, FerretDB, worker and API processes), once with the admin key and once with a
 * customer's. Bounded: SCHEMATHESIS_MAX_EXAMPLES cases per operation and draw (default 25), and each run
 * plans its phases (examples, coverage, fuzzing, stateful) into SCHEMATHESIS_RUN_LIMIT_S (default 900) with
 * schemathesis's own --max-time, so every phase and operation gets its share and the run ends with its
 * report instead of being cut; a run still alive a minute past its limit is interrupted. The results are
 * printed and kept in the run's reports directory. schemathesis is installed into a venv under the tools
 * cache on first use (PyPI).
 *
 *   npx tsx bench/schemathesis.ts
 *   SCHEMATHESIS_MAX_EXAMPLES=10 SCHEMATHESIS_RUN_LIMIT_S=300 npx tsx bench/schemathesis.ts   (about 11 minutes)
 */

const MAX_EXAMPLES = Number(process.env.SCHEMATHESIS_MAX_EXAMPLES ?? 25);
const RUN_LIMIT_S = Number(process.env.SCHEMATHESIS_RUN_LIMIT_S ?? 900);
/** Left of the limit for schemathesis to load the document and write its report. */
const WRAP_UP_S = 20;
const VERSION = '4.32.5';

/** Schemathesis's default for a schema-valid request, which a 400 fails. */
const POSITIVE_STATUSES = ['2xx', '3xx', '401', '403', '404', '409', '429', '5xx'];
/**
 * Operations whose 400s for schema-valid requests come from rules no schema can state; each operation's
 * description (and its 400 response) says which. Everything else must accept what the document accepts.
 */
const RULES_BEYOND_THE_SCHEMA = [
  'PUT /api/v1/sla/policies/default', // targets against each other, out-of-scope categories within the categories, the ladder's order
  'POST /api/v1/sla/policies', // the same rules for a named policy
  'PUT /api/v1/sla/policies/{policyId}', // the same
  'GET /api/v1/reports/sla', // `to` after `from`
  'GET /api/v1/reports/sla/outcomes', // `to` after `from` (`to` defaults to now)
  'GET /api/v1/reports/sla.csv', // `to` after `from` (`to` defaults to now)
  'POST /api/v1/organizations', // the agreement's calendar and policy exist; its contacts' levels are on that policy's ladder
  'PUT /api/v1/organizations/{organizationId}', // the same
  'POST /api/v1/users', // only customers belong to organizations
  'POST /api/v1/announcements', // the window's `to` after its `from`
  'POST /api/v1/tickets/{id}/actions/{action}', // which fields each action takes and needs; `agent` must be an agent
  'POST /api/v1/tickets/{id}/attachments', // a file's type is judged by its content
  'POST /api/v1/webhooks', // the receiver's host must resolve, and to a public address
];
/** As an agent or admin, POST /api/v1/tickets needs the `customerEmail` a customer leaves out (a role rule). */
const STAFF_RULES = ['POST /api/v1/tickets'];
/** As a customer, GET /api/v1/tickets refuses `assignee`: who works on a ticket is for staff to know (a role rule). */
const CUSTOMER_RULES = ['GET /api/v1/tickets'];

function config(dir: string, operations: string[]): string {
  const file = path.join(dir, 'schemathesis.toml');
  const statuses = JSON.stringify([...POSITIVE_STATUSES, '400']);
  const sections = operations.map(
    (name) =>
      `[[operations]]\ninclude-name = ${JSON.stringify(name)}\nchecks.positive_data_acceptance.expected-statuses = ${statuses}\n`,
  );
  fs.writeFileSync(file, sections.join('\n'));
  return file;
}

function schemathesisBin(): string {
  const tools = process.env.SLA_DESK_TOOLS_DIR ?? path.join(os.homedir(), '.cache', 'sla-desk', 'tools');
  const venv = path.join(tools, 'schemathesis-venv');
  const bin = path.join(venv, 'bin', 'schemathesis');
  if (!fs.existsSync(bin)) {
    console.log(`installing schemathesis ${VERSION} into ${venv}`);
    const steps = [
      ['python3', ['-m', 'venv', venv]],
      [path.join(venv, 'bin', 'pip'), ['install', '-q', `schemathesis==${VERSION}`]],
    ] as const;
    for (const [cmd, args] of steps)
      if (spawnSync(cmd, args, { stdio: 'inherit' }).status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed`);
  }
  return bin;
}

function run(bin: string, args: string[], cwd: string): Promise<number> {
  return new Promise((resolve) => {
    // In the reports directory: schemathesis keeps its example database in its working directory.
    const child = spawn(bin, args, { cwd, stdio: 'inherit', env: { ...process.env, NO_COLOR: '1' } });
    const limit = setTimeout(() => child.kill('SIGINT'), (RUN_LIMIT_S + 60) * 1000);
    child.on('exit', (code) => {
      clearTimeout(limit);
      resolve(code ?? 1);
    });
  });
}

async function api(stack: { apiUrl: string; adminKey: string }, method: string, route: string, body?: unknown) {
  const res = await fetch(`${stack.apiUrl}${route}`, {
    method,
    headers: { authorization: `Bearer ${stack.adminKey}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { body: unknown; apiKey: string };
}

const bin = schemathesisBin();
// The API's rate limit would turn most cases into 429s; this run is about what the API accepts and answers.
const stack = await startStack({ env: { API_RATE_LIMIT: '100000' }, log: (l) => console.log(l) });
const reports = fs.mkdtempSync(path.join(os.tmpdir(), 'schemathesis-'));
try {
  // The admin run changes the SLA in force at will; the customer run starts again from the seeded one.
  const calendar = (await api(stack, 'GET', '/api/v1/sla/calendars/default')).body;
  const policy = (await api(stack, 'GET', '/api/v1/sla/policies/default')).body;
  const codes: Record<string, number> = {};
  for (const who of ['admin', 'customer'] as const) {
    let key = stack.adminKey;
    if (who === 'customer') {
      await api(stack, 'PUT', '/api/v1/sla/calendars/default', calendar);
      await api(stack, 'PUT', '/api/v1/sla/policies/default', policy);
      // Created now, so the admin run cannot have rotated or revoked its key.
      key = (
        await api(stack, 'POST', '/api/v1/users', {
          role: 'customer',
          name: 'Probe Customer',
          email: 'probe@example.com',
        })
      ).apiKey;
    }
    const dir = path.join(reports, who);
    fs.mkdirSync(dir, { recursive: true });
    const toml = config(
      dir,
      who === 'admin' ? [...RULES_BEYOND_THE_SCHEMA, ...STAFF_RULES] : [...RULES_BEYOND_THE_SCHEMA, ...CUSTOMER_RULES],
    );
    console.log(`\n== schemathesis as ${who}: ${MAX_EXAMPLES} examples per operation, ${RUN_LIMIT_S - WRAP_UP_S} s ==`);
    const started = Date.now();
    codes[who] = await run(
      bin,
      [
        '--config-file',
        toml,
        'run',
        `${stack.apiUrl}/openapi.json`,
        '-H',
        `Authorization: Bearer ${key}`,
        '--checks',
        'all',
        '--max-examples',
        String(MAX_EXAMPLES),
        '--max-time',
        String(RUN_LIMIT_S - WRAP_UP_S),
        '--workers',
        '2',
        '--request-timeout',
        '20',
        '--generation-deterministic',
        '--report',
        'junit,ndjson',
        '--report-dir',
        dir,
      ],
      reports,
    );
    console.log(`== ${who}: exit ${codes[who]} after ${Math.round((Date.now() - started) / 1000)} s ==`);
  }
  console.log(`\nexit codes: ${JSON.stringify(codes)}; reports in ${reports}`);
  process.exitCode = Object.values(codes).some((c) => c !== 0) ? 1 : 0;
} finally {
  await stack.stop();
}
