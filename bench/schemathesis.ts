import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack } from './stack';

/**
 * Property-based probing of the API from its own OpenAPI document (schemathesis), against a started
 * stack (real Temporal, FerretDB, worker and API processes), once with the admin key and once with a
 * customer's. Bounded: SCHEMATHESIS_MAX_EXAMPLES cases per operation (default 25) and a wall-clock
 * limit per run; the results (one line per failed check) are printed and kept in the run's reports
 * directory. schemathesis is installed into a venv under the tools cache on first use (PyPI).
 *
 *   npx tsx bench/schemathesis.ts
 *   SCHEMATHESIS_MAX_EXAMPLES=100 npx tsx bench/schemathesis.ts
 */

const MAX_EXAMPLES = Number(process.env.SCHEMATHESIS_MAX_EXAMPLES ?? 25);
const RUN_LIMIT_MS = Number(process.env.SCHEMATHESIS_RUN_LIMIT_S ?? 900) * 1000;
const VERSION = '4.32.5';

function schemathesisBin(): string {
  const tools = process.env.SLA_DESK_TOOLS_DIR ?? path.join(os.homedir(), '.cache', 'sla-desk', 'tools');
  const venv = path.join(tools, 'schemathesis-venv');
  const bin = path.join(venv, 'bin', 'schemathesis');
  if (!fs.existsSync(bin)) {
    console.log(`installing schemathesis ${VERSION} into ${venv}`);
    const steps = [['python3', ['-m', 'venv', venv]], [path.join(venv, 'bin', 'pip'), ['install', '-q', `schemathesis==${VERSION}`]]] as const;
    for (const [cmd, args] of steps) if (spawnSync(cmd, args, { stdio: 'inherit' }).status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed`);
  }
  return bin;
}

function run(bin: string, args: string[], cwd: string): Promise<number> {
  return new Promise((resolve) => {
    // In the reports directory: schemathesis keeps its example database in its working directory.
    const child = spawn(bin, args, { cwd, stdio: 'inherit', env: { ...process.env, NO_COLOR: '1' } });
    const limit = setTimeout(() => child.kill('SIGINT'), RUN_LIMIT_MS);
    child.on('exit', (code) => {
      clearTimeout(limit);
      resolve(code ?? 1);
    });
  });
}

const bin = schemathesisBin();
// The API's rate limit would turn most cases into 429s; this run is about what the API accepts and answers.
const stack = await startStack({ env: { API_RATE_LIMIT: '100000' }, log: (l) => console.log(l) });
const reports = fs.mkdtempSync(path.join(os.tmpdir(), 'schemathesis-'));
try {
  const created = await fetch(`${stack.apiUrl}/api/v1/users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stack.adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ role: 'customer', name: 'Probe Customer', email: 'probe@example.com' }),
  });
  const customerKey = ((await created.json()) as { apiKey: string }).apiKey;
  const codes: Record<string, number> = {};
  for (const [who, key] of [['admin', stack.adminKey], ['customer', customerKey]] as const) {
    console.log(`\n== schemathesis as ${who}: ${MAX_EXAMPLES} examples per operation ==`);
    codes[who] = await run(bin, [
      'run', `${stack.apiUrl}/openapi.json`,
      '-H', `Authorization: Bearer ${key}`,
      '--checks', 'all',
      '--max-examples', String(MAX_EXAMPLES),
      '--workers', '2',
      '--request-timeout', '20',
      '--generation-deterministic',
      '--report', 'junit,ndjson', '--report-dir', path.join(reports, who),
    ], reports);
  }
  console.log(`\nexit codes: ${JSON.stringify(codes)}; reports in ${reports}`);
  process.exitCode = Object.values(codes).some((c) => c !== 0) ? 1 : 0;
} finally {
  await stack.stop();
}
