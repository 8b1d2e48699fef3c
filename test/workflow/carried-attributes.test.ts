import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALWAYS_OPEN_CALENDAR } from '../../domain/calendar';
import * as sa from '../../workflows/search-attributes';
import { agentActionUpdate, ticketWorkflow } from '../../workflows/ticket';
import { intakeFor } from '../support/intake';
import { startStack, type TestStack } from '../support/stack';
import { eventually } from '../support/wait';

/**
 * The desk answers a retried ticket creation (same Idempotency-Key) from the workflow's memo, and operators find
 * tickets by their search attributes: both must be on the run a ticket continues as, from its start. The workflow
 * passes them on; the server would copy them when the command leaves them out. Checked on the dev server, as in
 * production: the time-skipping test server drops them whatever the command says.
 */

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

const decoded = (payload: { data?: Uint8Array | null } | null | undefined): unknown =>
  payload?.data ? JSON.parse(Buffer.from(payload.data).toString()) : undefined;

describe('a ticket that continues as new', () => {
  it('keeps its memo and search attributes on the new run from its start', async () => {
    const intake = intakeFor({ receivedAt: new Date(), calendar: ALWAYS_OPEN_CALENDAR });
    const requestHash = `hash-of-${intake.ticketId}`;
    const handle = await stack.client.workflow.start(ticketWorkflow, {
      workflowId: `ticket-${intake.ticketId}`,
      taskQueue: stack.taskQueue,
      args: [{ intake, continueAsNewAfter: 25 }],
      memo: { requestHash },
      typedSearchAttributes: [
        { key: sa.TicketStatus, value: 'new' },
        { key: sa.CustomerId, value: intake.customer.id },
      ],
    });
    const firstRunId = (await handle.describe()).runId;
    for (const agent of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']) {
      await handle.executeUpdate(agentActionUpdate, { args: ['assign', { agent }] });
      if ((await handle.describe()).runId !== firstRunId) break;
    }
    await eventually(async () => (await handle.describe()).runId !== firstRunId, 15_000, 'continue-as-new');

    const started = (await handle.fetchHistory()).events![0]!.workflowExecutionStartedEventAttributes!;
    expect(started.continuedExecutionRunId).toBe(firstRunId);
    expect(decoded(started.memo?.fields?.requestHash)).toBe(requestHash);
    expect(decoded(started.searchAttributes?.indexedFields?.CustomerId)).toBe(intake.customer.id);
    const described = await handle.describe();
    expect(described.memo).toEqual({ requestHash });
    expect(described.typedSearchAttributes.get(sa.CustomerId)).toBe(intake.customer.id);

    await handle.executeUpdate(agentActionUpdate, { args: ['close', { agent: 'h' }] });
    expect((await handle.result()).status).toBe('closed');
  });
});
