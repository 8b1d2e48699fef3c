import { randomBytes } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { createMailer } from '../../lib/mailer';
import { createWorker } from '../../worker/create-worker';
import type { Store } from '../../store';
import { addSearchAttributes } from '../../scripts/lib/servers';
import { connectTestStore, testActivityDeps, workflowBundle } from './stack';
import { selfCheckStack } from './sla-self-check';

/** Temporal's Java time-skipping test server, started from the provisioned wrapper script. */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: inject('testServerPath') } },
  });
}

export interface SkippingStack {
  env: TestWorkflowEnvironment;
  store: Store;
  worker: Worker;
  taskQueue: string;
  /** Moves the test server's clock forward to `instant` (it never goes back). */
  advanceTo(instant: Date): Promise<void>;
  close(): Promise<void>;
}

export interface SkippingStackOptions {
  /** Receivers on internal addresses the worker may deliver webhooks to (WEBHOOK_ALLOW_HOSTS). */
  webhookAllowHosts?: string[];
  /** The SMTP server the worker mails through, instead of the test sink itself (e.g. a relay in front of it). */
  smtpUrl?: string;
}

export async function startSkippingStack(opts: SkippingStackOptions = {}): Promise<SkippingStack> {
  const [env, store] = await Promise.all([createTimeSkippingEnv(), connectTestStore()]);
  // The test server knows only a few built-in search attributes; add ours.
  await addSearchAttributes(env.connection, env.namespace ?? 'default');
  const taskQueue = `ts-${randomBytes(4).toString('hex')}`;
  const deps = testActivityDeps(store);
  const mailer = opts.smtpUrl ? createMailer({ url: opts.smtpUrl, from: 'Support <support@test.local>' }) : deps.mailer;
  const worker = await createWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    deps: { ...deps, mailer, webhookAllowHosts: opts.webhookAllowHosts },
    workflowBundle: await workflowBundle(),
  });
  const running = worker.run();
  return {
    env,
    store,
    worker,
    taskQueue,
    async advanceTo(instant) {
      const now = await env.currentTimeMs();
      if (instant.getTime() > now) await env.sleep(instant.getTime() - now);
    },
    async close() {
      const selfCheck = await selfCheckStack(store, env.client).catch((err: unknown) => err);
      worker.shutdown();
      await running;
      await env.teardown();
      mailer.close();
      await store.conn.dropDatabase().catch(() => undefined);
      await store.conn.close();
      if (selfCheck) throw selfCheck;
    },
  };
}
