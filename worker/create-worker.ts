import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { instrumentActivities } from '../activities/instrument'; // metrics and log context

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/**
 * Workflows kept in the sticky cache. The SDK's default follows the heap limit (≈ 2,300 on this machine's 4 GiB), about
 * 0.45 MiB each: 1.3 GB of RSS at 10,000 open tickets. A sleeping ticket needs no cache; one evicted replays its short
 * history when its timer fires, so the cache is sized for the tickets that wake together: the 1,000-deadline burst of
 * the precision benchmark fits whole (BENCHMARKS.md, memory). WORKER_MAX_CACHED_WORKFLOWS overrides it.
 */
export const DEFAULT_MAX_CACHED_WORKFLOWS = 1_000;

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** A prebuilt bundle (tests build one per file); otherwise the worker bundles workflowsPath. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  tuning?: Pick<
    WorkerOptions,
    | 'maxCachedWorkflows'
    | 'maxConcurrentActivityTaskExecutions'
    | 'maxConcurrentWorkflowTaskExecutions'
    | 'stickyQueueScheduleToStartTimeout'
  >;
}

export async function createWorker(opts: CreateWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    activities: instrumentActivities(createActivities(opts.deps), opts.deps),
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath }),
    maxCachedWorkflows: DEFAULT_MAX_CACHED_WORKFLOWS,
    ...opts.tuning,
  });
}
