import { execFile, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../scripts/lib/tools';
import { apiClient } from '../support/http';
import {
  ctrlC,
  freeProductPorts,
  killProduct,
  productEnv,
  startProduct,
  type ProductPorts,
} from '../support/npm-start';
import { NOT_RUN, shellBlocks } from '../support/readme-blocks';

/**
 * The README runs as written: one `npm start` (a temporary DATA_DIR, free ports), then every shell block of the
 * README against it, command by command, in order, with the README's ports and `data/` replaced by this stack's and
 * `<id>` by the ticket the README last opened. A block that cannot run says why on the line above its fence.
 * `curl` fails on an HTTP error here, so a 404 is a failure, not a line of output.
 */

const run = promisify(execFile);
const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sla-desk-readme-'));
let ports: ProductPorts;
let supervisor: ChildProcess | undefined;
let banner = '';

beforeAll(async () => {
  ports = await freeProductPorts();
  const started = await startProduct(dataDir, ports);
  supervisor = started.child;
  banner = started.output();
}, 180_000);
afterAll(async () => {
  if (supervisor) await ctrlC(supervisor).catch(() => killProduct(supervisor));
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Runs one command line as a reader's shell would, from the repository, in `npm start`'s settings. */
async function sh(command: string, env: NodeJS.ProcessEnv = productEnv(dataDir, ports)) {
  // --fail-with-body: a 4xx/5xx answer is exit status 22, with the problem+json still shown in the failure.
  const script = `set -o pipefail\ncurl() { command curl --fail-with-body "$@"; }\n${command}`;
  try {
    const { stdout } = await run('bash', ['-c', script], { cwd: repoRoot, env, timeout: 60_000 });
    return stdout;
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    throw new Error(`\`${command}\` failed (${e.code}):\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

describe('README.md', () => {
  it('marks every block it does not run with a reason, right above the block', () => {
    const markers = readme.split('\n').flatMap((l, i) => (NOT_RUN.test(l) ? [i + 2] : []));
    const notRun = shellBlocks(readme).flatMap((b) => (b.notRun ? [b.line] : []));
    expect(markers, 'a marker that is not right above a shell block').toEqual(notRun);
    expect(shellBlocks(readme).filter((b) => !b.notRun).length).toBeGreaterThanOrEqual(4);
  });

  it('runs every other shell block as written against a started stack', async () => {
    let ticketId: string | undefined;
    for (const block of shellBlocks(readme).filter((b) => !b.notRun)) {
      for (const written of block.commands) {
        if (written.includes('<id>') && !ticketId) throw new Error(`line ${block.line}: <id> before any ticket`);
        const command = written
          .replaceAll('http://localhost:3000', `http://localhost:${ports.api}`)
          .replace(/(?<=[\s(])data\//g, `${dataDir}/`)
          .replaceAll('<id>', ticketId ?? '');
        const out = await sh(command);
        if (/-X POST \S*\/api\/v1\/tickets\s/.test(command)) ticketId = JSON.parse(out).id;
      }
    }
    expect(ticketId).toMatch(/^[0-9A-Z]+$/);
  }, 240_000);

  it("the start banner's API URL answers with the admin key, and its Temporal CLI command runs as printed", async () => {
    const adminKey = fs.readFileSync(path.join(dataDir, 'admin-key'), 'utf8').trim();
    const apiUrl = /^ {2}API +(\S+)$/m.exec(banner)?.[1];
    expect(apiUrl).toBe(`http://localhost:${ports.api}/api/v1`);
    const api = apiClient(apiUrl!, adminKey);
    const index = await api.get('');
    expect(index.status).toBe(200);
    expect(index.body.links.docs).toBe('/docs');
    const ticket = await api.post('/tickets', {
      subject: 'Listed',
      description: 'd',
      category: 'question',
      customerEmail: 'cli@example.com',
    });
    expect(ticket.status).toBe(201);

    const cli = /^ {2}Temporal CLI +(.+)$/m.exec(banner)?.[1];
    expect(cli).toBe(`TEMPORAL_ADDRESS=127.0.0.1:${ports.temporal} npm run temporal -- workflow list`);
    // Nothing of npm start's settings in the environment: the printed line has to carry what it needs.
    const { TEMPORAL_PORT: _port, ...rest } = productEnv(dataDir, ports);
    const listed = await sh(`${cli} --limit 5`, { ...rest, TEMPORAL_ADDRESS: '' });
    expect(listed).toContain(`ticket-${ticket.body.id}`);
  }, 60_000);
});
