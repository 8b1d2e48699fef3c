import { randomBytes } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker, WorkerOptions } from '@temporalio/worker';
import { inject } from 'vitest';
import { createMailer } from '../../lib/mailer';
import { createWorker, type CreateWorkerOptions } from '../../worker/create-worker';
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
  /**
   * A deploy: the running worker drains and stops, then a worker of `build` (a bundle of another workflow tree) polls
   * the same task queue with the same activities.
   */
  deploy(build: WorkerOptions['workflowBundle']): Promise<void>;
  close(): Promise<void>;
}

export interface SkippingStackOptions {
  /** Receivers on internal addresses the worker may deliver webhooks to (WEBHOOK_ALLOW_HOSTS). */
  webhookAllowHosts?: string[];
  /** The SMTP server the worker mails through, instead of the test sink itself (e.g. a relay in front of it). */
  smtpUrl?: string;
  /** Worker settings of every build the stack runs (e.g. no cache, so no sticky queue: see upgrade-drill.test.ts). */
  workerTuning?: CreateWorkerOptions['tuning'];
}

export async function startSkippingStack(opts: SkippingStackOptions = {}): Promise<SkippingStack> {
  const [env, store] = await Promise.all([createTimeSkippingEnv(), connectTestStore()]);
  // The test server knows only a few built-in search attributes; add ours.
  await addSearchAttributes(env.connection, env.namespace ?? 'default');
  const taskQueue = `ts-${randomBytes(4).toString('hex')}`;
  const deps = testActivityDeps(store);
  const mailer = opts.smtpUrl ? createMailer({ url: opts.smtpUrl, from: 'Support <support@test.local>' }) : deps.mailer;
  const startWorker = async (build: WorkerOptions['workflowBundle']) => {
    const started = await createWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      deps: { ...deps, mailer, webhookAllowHosts: opts.webhookAllowHosts },
      workflowBundle: build,
      tuning: opts.workerTuning,
    });
    return { worker: started, running: started.run() };
  };
  let current = await startWorker(await workflowBundle());
  return {
    env,
    store,
    get worker() {
      return current.worker;
    },
    taskQueue,
    async deploy(build) {
      current.worker.shutdown();
      await current.running;
      current = await startWorker(build);
    },
    async advanceTo(instant) {
      const now = await env.currentTimeMs();
      if (instant.getTime() > now) await env.sleep(instant.getTime() - now);
    },
    async close() {
      const selfCheck = await selfCheckStack(store, env.client).catch((err: unknown) => err);
      current.worker.shutdown();
      await current.running;
      await env.teardown();
      mailer.close();
      await store.conn.dropDatabase().catch(() => undefined);
      await store.conn.close();
      if (selfCheck) throw selfCheck;
    },
  };
}
