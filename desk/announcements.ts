import { randomBytes } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { invalidTransition, notFoundError } from '../domain/errors';
import { createCalendar, formatUtcMinute } from '../domain/calendar';
import type { Store } from '../store';
import type { Announcement, BroadcastProgress } from '../domain/entities';
import { broadcastWorkflow, cancelSignal, progressQuery } from '../workflows/broadcast';
import type { Principal } from './principal';
import type { SlaSettings } from './tickets';
import { ticketIdForKey } from './tickets';

export const broadcastWorkflowId = (id: string) => `announcement-${id}`;

export interface NewAnnouncement {
  title: string;
  body: string;
  kind: 'update' | 'maintenance';
  window?: { from: string; to: string };
  delivery?: { ratePerSecond?: number; pageSize?: number };
}

export interface AnnouncementServiceDeps {
  temporal: Client;
  taskQueue: string;
  store: Store;
  sla: () => SlaSettings;
  now: () => Date;
}

const isGone = (err: unknown) =>
  err instanceof WorkflowNotFoundError || /already completed/i.test(String((err as Error)?.message));

/** Posting an announcement starts its broadcast; the record in the store backs the progress once the workflow is gone. */
export function createAnnouncementService(deps: AnnouncementServiceDeps) {
  const { temporal, store } = deps;

  /** "Sun 2026-03-01 23:00 EST – Mon 2026-03-02 01:00 EST (04:00–06:00 UTC)": customers read support-calendar time. */
  function windowText(w: { from: Date; to: Date }): string {
    const cal = createCalendar(deps.sla().calendar);
    return `${cal.formatLocal(w.from)} – ${cal.formatLocal(w.to)} (${formatUtcMinute(w.from)} – ${formatUtcMinute(w.to)})`;
  }

  async function progressOf(id: string): Promise<BroadcastProgress | null> {
    try {
      // Bounded: with no worker polling, a query would wait for one.
      return await temporal.withDeadline(Date.now() + 3_000, () =>
        temporal.workflow.getHandle(broadcastWorkflowId(id)).query(progressQuery),
      );
    } catch {
      return null; // no worker to answer, or the workflow is gone: the stored copy answers instead
    }
  }

  return {
    /** With an Idempotency-Key the id derives from it, so a retried POST never starts a second broadcast. */
    async create(
      caller: Principal,
      input: NewAnnouncement,
      idempotencyKey?: string,
    ): Promise<{ id: string; replayed: boolean }> {
      const id = idempotencyKey
        ? ticketIdForKey(`announcement:${caller.id}`, idempotencyKey)
        : randomBytes(6).toString('hex').toUpperCase();
      const window = input.window ? { from: new Date(input.window.from), to: new Date(input.window.to) } : undefined;
      const now = deps.now();
      const record: Announcement = {
        id,
        title: input.title,
        body: input.body,
        kind: input.kind,
        window,
        createdBy: caller.id,
        createdAt: now,
        updatedAt: now,
        total: 0,
        sent: 0,
        failed: 0,
        cancelled: false,
        status: 'running',
      };
      await store.announcements.create(record);
      try {
        await temporal.workflow.start(broadcastWorkflow, {
          workflowId: broadcastWorkflowId(id),
          taskQueue: deps.taskQueue,
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          staticSummary: `Announcement (${input.kind}): ${input.title}`.slice(0, 200),
          args: [
            {
              announcement: {
                id,
                kind: input.kind,
                title: input.title,
                body: input.body,
                windowText: window ? windowText(window) : undefined,
                // Each recipient reads the window in their own agreement's zone (activities/announcement-activities.ts).
                window: input.window,
              },
              ratePerSecond: input.delivery?.ratePerSecond,
              pageSize: input.delivery?.pageSize,
            },
          ],
        });
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError && idempotencyKey) return { id, replayed: true };
        throw err;
      }
      return { id, replayed: false };
    },

    /** Live progress from the workflow's query; the stored record when no worker can answer. */
    async get(id: string) {
      const record = await store.announcements.get(id);
      if (!record) throw notFoundError('announcement');
      const live = await progressOf(id);
      return { ...record, ...(live ?? {}), live: live !== null };
    },

    async cancel(id: string) {
      if (!(await store.announcements.get(id))) throw notFoundError('announcement');
      try {
        await temporal.workflow.getHandle(broadcastWorkflowId(id)).signal(cancelSignal);
      } catch (err) {
        if (isGone(err)) throw invalidTransition('the broadcast has already finished');
        throw err;
      }
    },
  };
}

export type AnnouncementService = ReturnType<typeof createAnnouncementService>;
