import { randomBytes } from 'node:crypto';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ALWAYS_OPEN_CALENDAR } from '../../domain/calendar';
import type { Store } from '../../store';
import { broadcastWorkflow } from '../../workflows/broadcast';
import { agentNoteUpdate, stateQuery, ticketWorkflow } from '../../workflows/ticket';
import { createWorker } from '../../worker/create-worker';
import { intakeFor } from '../support/intake';
import { connectTestStore, testActivityDeps, workflowBundle } from '../support/stack';
import { eventually } from '../support/wait';

/**
 * Worker Versioning on the dev server (WORKER_DEPLOYMENT_NAME, WORKER_BUILD_ID): a ticket moves to the deployment's
 * current build at its next task, an announcement's broadcast finishes on the build it started on.
 */

const { VersioningBehavior } = temporal.api.enums.v1;
const suffix = randomBytes(4).toString('hex');
const deploymentName = `desk-${suffix}`;
const taskQueue = `wv-${suffix}`;

let store: Store;
let connection: Connection;
let native: NativeConnection;
let client: Client;
const workers: { worker: Worker; running: Promise<void> }[] = [];

beforeAll(async () => {
  store = await connectTestStore();
  connection = await Connection.connect({ address: inject('temporalAddress') });
  native = await NativeConnection.connect({ address: inject('temporalAddress') });
  client = new Client({ connection });
});
afterAll(async () => {
  for (const w of workers) w.worker.shutdown();
  await Promise.all(workers.map((w) => w.running));
  await native?.close();
  await connection?.close();
  await store?.conn.dropDatabase();
  await store?.conn.close();
});

async function startBuild(buildId: string) {
  const worker = await createWorker({
    connection: native,
    namespace: 'default',
    taskQueue,
    deps: testActivityDeps(store),
    workflowBundle: await workflowBundle(),
    deployment: { deploymentName, buildId },
  });
  workers.push({ worker, running: worker.run() });
}

/** A deployment call, retried until the server has seen the version's workers poll. */
async function retried(what: string, call: () => Promise<unknown>) {
  await eventually(
    async () =>
      call().then(
        () => true,
        () => null,
      ),
    30_000,
    what,
  );
}

/** What an operator runs once the build's workers poll: `temporal worker deployment set-current-version`. */
async function makeCurrent(buildId: string) {
  await retried(`${buildId} made current`, () =>
    client.workflowService.setWorkerDeploymentCurrentVersion({ namespace: 'default', deploymentName, buildId }),
  );
}

async function versionOf(handle: WorkflowHandle) {
  const info = (await handle.describe()).raw.workflowExecutionInfo?.versioningInfo;
  return { behavior: info?.behavior, buildId: info?.deploymentVersion?.buildId };
}

describe('worker versioning', () => {
  it('moves a ticket to a ramped, then current, build at its next task and keeps a broadcast on the build it started on', async () => {
    await startBuild('b1');
    await makeCurrent('b1');
    for (const n of [1, 2, 3])
      await store.users.ensureCustomer(
        `reader${n}-${suffix}@example.com`,
        undefined,
        `C${suffix}${n}`,
        `key-${suffix}-${n}`,
        new Date(),
      );

    const intake = intakeFor({ receivedAt: new Date(), calendar: ALWAYS_OPEN_CALENDAR, priority: 'high' });
    const ticket = await client.workflow.start(ticketWorkflow, {
      workflowId: `ticket-${intake.ticketId}`,
      taskQueue,
      args: [{ intake }],
    });
    await eventually(async () => (await ticket.query(stateQuery)).status === 'acknowledged', 15_000, 'the receipt');
    expect(await versionOf(ticket)).toEqual({
      behavior: VersioningBehavior.VERSIONING_BEHAVIOR_AUTO_UPGRADE,
      buildId: 'b1',
    });

    // One customer a second, one per run: the broadcast is still going when b2 is ramped and made current.
    const broadcast = await client.workflow.start(broadcastWorkflow, {
      workflowId: `announcement-${suffix}`,
      taskQueue,
      args: [
        {
          announcement: { id: suffix, kind: 'update', title: 'New export', body: 'CSV now.' },
          ratePerSecond: 1,
          pageSize: 1,
        },
      ],
    });
    await eventually(async () => (await versionOf(broadcast)).buildId === 'b1', 15_000, 'the broadcast on b1');
    expect((await versionOf(broadcast)).behavior).toBe(VersioningBehavior.VERSIONING_BEHAVIOR_PINNED);

    // The ramp first (`set-ramping-version`): at 100 % every auto-upgrading task goes to b2; then b2 becomes current.
    await startBuild('b2');
    await retried('b2 ramping', () =>
      client.workflowService.setWorkerDeploymentRampingVersion({
        namespace: 'default',
        deploymentName,
        buildId: 'b2',
        percentage: 100,
      }),
    );
    await ticket.executeUpdate(agentNoteUpdate, { args: [{ messageId: `note-${suffix}` }] });
    expect(await versionOf(ticket)).toEqual({
      behavior: VersioningBehavior.VERSIONING_BEHAVIOR_AUTO_UPGRADE,
      buildId: 'b2',
    });
    await makeCurrent('b2');

    const done = await broadcast.result();
    expect(done).toMatchObject({ total: 3, sent: 3, status: 'done' });
    const lastRun = client.workflow.getHandle(broadcast.workflowId);
    expect(await versionOf(lastRun)).toEqual({
      behavior: VersioningBehavior.VERSIONING_BEHAVIOR_PINNED,
      buildId: 'b1',
    });
  }, 90_000);
});
