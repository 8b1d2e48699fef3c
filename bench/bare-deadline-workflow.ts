import { proxyActivities, proxyLocalActivities, sleep, upsertSearchAttributes } from '@temporalio/workflow';
import * as sa from '../workflows/search-attributes';

/**
 * The physical limit of deadline precision on these servers (bench/deadline-precision.ts): a workflow
 * that only sleeps until `dueAt` and then runs one activity that does nothing else but note the time.
 * No store, no mail, no search attributes: whatever lag it shows, the product cannot beat. Two kinds, as
 * the product's mail could be either: a regular activity (a task through the server, then a second
 * workflow task for its completion), and a local one (run inside the workflow task the timer woke).
 */
type Deadline = { deadlineReached(dueAtMs: number): Promise<void>; nothing(): Promise<void> };
const { deadlineReached } = proxyActivities<Deadline>({ startToCloseTimeout: '1 minute' });
const { deadlineReached: deadlineReachedLocally, nothing: nothingLocally } = proxyLocalActivities<Deadline>({
  startToCloseTimeout: '1 minute',
});

export async function bareDeadline(dueAtMs: number): Promise<void> {
  await sleep(Math.max(0, dueAtMs - Date.now()));
  await deadlineReached(dueAtMs);
}

export async function bareDeadlineLocal(dueAtMs: number): Promise<void> {
  await sleep(Math.max(0, dueAtMs - Date.now()));
  await deadlineReachedLocally(dueAtMs);
}

/** The eight search attributes the product upserts at a breach. */
function upsertTicketAttributes(dueAtMs: number): void {
  upsertSearchAttributes([
    { key: sa.TicketStatus, value: 'acknowledged' },
    { key: sa.TicketPriority, value: 'urgent' },
    { key: sa.TicketCategory, value: 'incident' },
    { key: sa.CustomerId, value: 'CBARE' },
    { key: sa.AssignedAgent, value: null },
    { key: sa.EscalationLevel, value: 'L2' },
    { key: sa.SlaState, value: 'breached' },
    { key: sa.NextDeadline, value: new Date(dueAtMs + 3_600_000) },
  ]);
}

/**
 * The local kind plus the one thing operators see of a breach: the ticket's search attributes upserted in the
 * same workflow task, as the product does (`DEADLINE_BARE_UPSERT=1`). What visibility costs the server.
 */
export async function bareDeadlineLocalUpsert(dueAtMs: number): Promise<void> {
  await sleep(Math.max(0, dueAtMs - Date.now()));
  upsertTicketAttributes(dueAtMs);
  await deadlineReachedLocally(dueAtMs);
}

/**
 * The product's shape without its I/O: the search attributes and two local activities side by side in the
 * timer's workflow task (the product's mail and its store writes), the second doing nothing. What a second
 * local activity per change costs.
 */
export async function bareDeadlineProductShape(dueAtMs: number): Promise<void> {
  await sleep(Math.max(0, dueAtMs - Date.now()));
  upsertTicketAttributes(dueAtMs);
  await Promise.all([deadlineReachedLocally(dueAtMs), nothingLocally()]);
}
