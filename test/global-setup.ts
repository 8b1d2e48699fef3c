import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { freePort, startMongoServer, startTemporalDevServer, type ManagedProcess } from '../scripts/lib/servers';
import { startSmtpSink, type SmtpSink } from '../scripts/lib/smtp-sink';
import { startDocumentsOnPostgres } from './support/postgres-store';
import { provision } from '../scripts/lib/tools';
import { workflowsPath } from '../worker/create-worker';

/**
 * Starts the real servers once per test run on free ports: the Temporal dev server, FerretDB and
 * an SMTP outbox. TEMPORAL_ADDRESS / MONGODB_URI point the tests at existing servers instead.
 * SLA_DESK_TEST_STORE=postgresql runs FerretDB on a PostgreSQL of its own, the cluster mode's document store,
 * instead of on SQLite files.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    mongoUri: string;
    smtpUrl: string;
    outboxDir: string;
    testServerPath: string;
    runDir: string;
    chromiumPath: string;
    workflowBundlePath: string;
  }
}

const started: ManagedProcess[] = [];
/** Stopped one after another, after the others: FerretDB before the PostgreSQL it keeps its documents in. */
const stopInOrder: ManagedProcess[] = [];
let sink: SmtpSink | undefined;
let runDir = '';

export async function setup(project: TestProject) {
  const log = (l: string) => console.log(`[test-setup] ${l}`);
  const tools = await provision({
    log,
    need: { temporal: !process.env.TEMPORAL_ADDRESS, mongo: !process.env.MONGODB_URI, testServer: true },
  });
  runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sla-desk-test-'));

  const [temporalAddress, mongoUri, workflowBundlePath] = await Promise.all([
    (async () => {
      if (process.env.TEMPORAL_ADDRESS) return process.env.TEMPORAL_ADDRESS;
      const port = await freePort();
      started.push(
        await startTemporalDevServer({ bin: tools.temporal!, port, logFile: path.join(runDir, 'temporal.log') }),
      );
      return `127.0.0.1:${port}`;
    })(),
    (async () => {
      if (process.env.MONGODB_URI) return process.env.MONGODB_URI;
      if (process.env.SLA_DESK_TEST_STORE === 'postgresql') {
        const { servers, uri } = await startDocumentsOnPostgres(tools.mongo!, runDir, log);
        stopInOrder.push(...servers);
        return uri;
      }
      const port = await freePort();
      started.push(
        await startMongoServer({
          server: tools.mongo!,
          port,
          dataDir: path.join(runDir, 'mongo'),
          logFile: path.join(runDir, 'mongo.log'),
        }),
      );
      return `mongodb://127.0.0.1:${port}/`;
    })(),
    writeWorkflowBundle(path.join(runDir, 'workflow-bundle.js')),
  ]);
  sink = await startSmtpSink({ port: 0, dir: path.join(runDir, 'outbox') });

  project.provide('temporalAddress', temporalAddress);
  project.provide('mongoUri', mongoUri);
  project.provide('smtpUrl', `smtp://127.0.0.1:${sink.port}`);
  project.provide('outboxDir', sink.dir);
  project.provide('testServerPath', tools.testServer!);
  project.provide('runDir', runDir);
  project.provide('chromiumPath', tools.chromium!);
  project.provide('workflowBundlePath', workflowBundlePath);
}

/** One bundle for every file: bundling takes seconds, and each file runs in a fork of its own. */
async function writeWorkflowBundle(file: string): Promise<string> {
  const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error };
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: quiet as never });
  fs.writeFileSync(file, code);
  return file;
}

export async function teardown() {
  await Promise.all(started.map((s) => s.stop()));
  for (const s of stopInOrder) await s.stop();
  await sink?.close();
  if (runDir && !process.env.KEEP_TEST_DATA) fs.rmSync(runDir, { recursive: true, force: true });
}
