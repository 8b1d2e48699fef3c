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

/**
 * How long a woken ticket's task may wait on this worker's sticky queue before the server hands it, whole history and
 * all, to any worker. The SDK's 10 s is shorter than a burst of deadlines takes one worker (1,000 coinciding ones:
 * about 20 s), and every task past it is replayed from its history, which doubles its cost (BENCHMARKS.md). The price
 * of a longer wait: if this worker dies (a graceful shutdown hands its queue back at once), tickets cached here that
 * wake within the minute fire up to a minute late. Beyond one machine the answer is another worker, not a longer
 * wait. WORKER_STICKY_TIMEOUT_MS overrides it.
 */
export const DEFAULT_STICKY_TIMEOUT_MS = 60_000;

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /**
   * The worker deployment version to poll as (Worker Versioning): tickets then move to the deployment's current version
   * at their next task (`AUTO_UPGRADE`, their changes behind patches), an announcement's broadcast stays on the version
   * it started on (`PINNED`, workflows/broadcast.ts). Unset: an unversioned worker, as the desk runs by default.
   */
  deployment?: { deploymentName: string; buildId: string };
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
    stickyQueueScheduleToStartTimeout: DEFAULT_STICKY_TIMEOUT_MS,
    ...opts.tuning,
    ...(opts.deployment
      ? {
          workerDeploymentOptions: {
            version: opts.deployment,
            useWorkerVersioning: true,
            defaultVersioningBehavior: 'AUTO_UPGRADE',
          },
        }
      : {}),
  });
}
