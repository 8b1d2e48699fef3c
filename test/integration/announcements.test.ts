import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { AddressObject } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { createAnnouncementActivities } from '../../activities/announcement-activities';
import { newApiKey } from '../../desk/principal';
import { secretHash } from '../../desk/secrets';
import { createApp } from '../../api/app';
import { createDesk } from '../../desk';
import { createSlaRegistry } from '../../desk/sla-registry';
import { SLA_CALENDAR } from '../../domain/calendar';
import { DEFAULT_POLICY } from '../../domain/policy';
import type { Store } from '../../store';
import { createWorker } from '../../worker/create-worker';
import { progressQuery } from '../../workflows/broadcast';
import { apiClient, type ApiClient } from '../support/http';
import { readOutbox } from '../support/outbox';
import { createTicketLinks } from '../../desk/ticket-links';
import { connectTestStore, quietLogger, TEST_REPLY_SECRET, testActivityDeps, workflowBundle } from '../support/stack';
import { eventually } from '../support/wait';
import { expectReadableOutbox } from '../support/human-time';

/**
 * Its own small stack rather than startStack(): the restart scenario stops the worker and starts
 * another on the same task queue, which startStack's fixed worker does not allow.
 */
const CUSTOMERS = 30;
const outbox = inject('outboxDir');
const run = randomBytes(3).toString('hex');
let store: Store;
let client: Client;
let native: NativeConnection;
let server: http.Server;
let admin: ApiClient;
const taskQueue = `ann-${run}`;
const workers: { worker: Worker; running: Promise<void> }[] = [];
const customerEmails: string[] = [];

async function startWorker() {
  const worker = await createWorker({
    connection: native,
    namespace: 'default',
    taskQueue,
    deps: testActivityDeps(store),
    workflowBundle: await workflowBundle(),
  });
  const entry = { worker, running: worker.run() };
  workers.push(entry);
  return entry;
}

async function stopWorker(entry: { worker: Worker; running: Promise<void> }) {
  if (entry.worker.getState() === 'RUNNING') entry.worker.shutdown();
  await entry.running;
}

beforeAll(async () => {
  store = await connectTestStore();
  const address = inject('temporalAddress');
  client = new Client({ connection: await Connection.connect({ address }) });
  native = await NativeConnection.connect({ address });
  await startWorker();
  const adminKey = `adm_${randomBytes(16).toString('hex')}`;
  const slaRegistry = createSlaRegistry({
    store,
    seed: { calendar: SLA_CALENDAR, policy: DEFAULT_POLICY },
    now: () => new Date(),
  });
  await slaRegistry.init();
  const desk = createDesk({
    temporal: client,
    taskQueue,
    store,
    adminApiKey: adminKey,
    slaRegistry,
    logger: quietLogger,
    supportAddress: 'support@test.local',
    links: createTicketLinks({ key: randomBytes(32), publicUrl: 'http://localhost' }),
    inboundMail: { replySecret: TEST_REPLY_SECRET },
  });
  const app = createApp({ desk, temporal: client, logger: quietLogger, adminApiKey: adminKey });
  server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  admin = apiClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, adminKey);
  for (let i = 0; i < CUSTOMERS; i++) {
    const email = `reader-${run}-${i}@example.com`;
    customerEmails.push(email);
    await store.users.create(
      {
        id: `C${run}${String(i).padStart(3, '0')}`.toUpperCase(),
        role: 'customer',
        name: `Reader ${i}`,
        email,
        agreement: { trainingIncluded: false },
        createdAt: new Date(),
      },
      secretHash(newApiKey()),
    );
  }
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  for (const w of workers) await stopWorker(w);
  await native?.close();
  await client?.connection.close();
  await store?.conn.dropDatabase().catch(() => undefined);
  await store?.conn.close();
});

/** Mails of one announcement in the outbox, counted per recipient. */
async function mailsPerRecipient(announcementId: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const m of await readOutbox(outbox)) {
    if (m.headers.get('x-announcement-id') !== announcementId) continue;
    const to = (m.to as AddressObject).value[0]!.address!;
    counts.set(to, (counts.get(to) ?? 0) + 1);
  }
  return counts;
}
const total = (counts: Map<string, number>) => [...counts.values()].reduce((a, b) => a + b, 0);

function expectEachCustomerOnce(counts: Map<string, number>) {
  expect([...counts.keys()].sort()).toEqual([...customerEmails].sort());
  expect([...counts.values()].every((n) => n === 1)).toBe(true);
}

async function post(delivery: { ratePerSecond: number; pageSize: number }, kind = 'update') {
  const res = await admin.post('/api/v1/announcements', {
    title: `Release ${run}`,
    body: 'Version 2.4 is out.\n\nIt fixes the CSV export.',
    kind,
    ...(kind === 'maintenance' ? { window: { from: '2026-03-02T04:00:00Z', to: '2026-03-02T06:00:00Z' } } : {}),
    delivery,
  });
  expect(res.status).toBe(202);
  return res.body.id as string;
}

async function finished(id: string, status: 'done' | 'cancelled', timeoutMs: number) {
  return eventually(
    async () => {
      const r = await admin.get(`/api/v1/announcements/${id}`);
      return r.body.status === status ? r.body : null;
    },
    timeoutMs,
    `announcement ${status}`,
  );
}

describe('announcements', () => {
  it('mails every customer exactly once, paging and continuing as new, with progress visible', async () => {
    const id = await post({ ratePerSecond: 10, pageSize: 8 }, 'maintenance');
    const handle = client.workflow.getHandle(`announcement-${id}`);
    const firstRun = (await handle.describe()).runId;
    const done = await finished(id, 'done', 30_000);
    expect(done).toMatchObject({ total: CUSTOMERS, sent: CUSTOMERS, failed: 0, cancelled: false, kind: 'maintenance' });
    expect((await handle.describe()).runId).not.toBe(firstRun);
    expect(await handle.query(progressQuery)).toMatchObject({ status: 'done', sent: CUSTOMERS });
    // The stored record (what GET falls back to without a worker) holds the final progress.
    expect(await store.announcements.get(id)).toMatchObject({ status: 'done', sent: CUSTOMERS, total: CUSTOMERS });
    const counts = await mailsPerRecipient(id);
    expectEachCustomerOnce(counts);
    const sample = (await readOutbox(outbox)).find((m) => m.headers.get('x-announcement-id') === id)!;
    expect(sample.subject).toBe(`[Maintenance] Release ${run}`);
    expect(sample.text).toContain('Maintenance window: Sun 2026-03-01 23:00');
    // The mail points at the portal's announcements page, where this one and earlier ones stay readable.
    expect(sample.text).toContain('All announcements, in our customer portal: http://localhost/portal/announcements');
    expect(sample.html).toContain('<a href="http://localhost/portal/announcements">');
    // A batch re-run after a crash (mail out, result lost) finds the key claimed and mails nothing.
    const [first] = await store.announcements.customerPage(null, 1);
    const again = await createAnnouncementActivities(testActivityDeps(store)).sendAnnouncement({
      announcement: { id, kind: 'update', title: 't', body: 'b' },
      customer: first!,
    });
    expect(again).toBe('already-sent');
  });

  it('survives a worker restart mid-way, still mailing each customer exactly once', async () => {
    const id = await post({ ratePerSecond: 4, pageSize: 6 });
    await eventually(async () => total(await mailsPerRecipient(id)) >= 8, 30_000, 'the first mails');
    await stopWorker(workers.at(-1)!);
    const atStop = total(await mailsPerRecipient(id));
    expect(atStop).toBeLessThan(CUSTOMERS);
    await startWorker();
    const done = await finished(id, 'done', 60_000);
    expect(done).toMatchObject({ sent: CUSTOMERS, failed: 0 });
    expectEachCustomerOnce(await mailsPerRecipient(id));
  }, 90_000);

  it('stops when cancelled', async () => {
    const id = await post({ ratePerSecond: 2, pageSize: 10 });
    await eventually(async () => total(await mailsPerRecipient(id)) >= 2, 30_000, 'the first mails');
    const res = await admin.post(`/api/v1/announcements/${id}/cancel`);
    expect(res.status).toBe(202);
    const cancelled = await finished(id, 'cancelled', 15_000);
    expect(cancelled.cancelled).toBe(true);
    expect(cancelled.sent).toBeLessThan(CUSTOMERS);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(total(await mailsPerRecipient(id))).toBe(cancelled.sent);
    expect((await admin.post(`/api/v1/announcements/${id}/cancel`)).status).toBe(409);
  });

  it('is for admins to post, with a valid body', async () => {
    expect((await admin.post('/api/v1/announcements', { title: 'x', body: 'y', kind: 'party' })).status).toBe(400);
    expect(
      (
        await admin.post('/api/v1/announcements', {
          title: 'x',
          body: 'y',
          kind: 'update',
          window: { from: '2026-03-02T06:00:00Z', to: '2026-03-02T04:00:00Z' },
        })
      ).status,
    ).toBe(400);
    expect((await admin.get('/api/v1/announcements/NOPE000000')).status).toBe(404);
  });
});

it('writes every time in the mails it sent to the minute, with the zone named', async () => {
  await expectReadableOutbox(outbox);
});
