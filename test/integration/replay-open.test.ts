import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../domain/policy';
import { OPEN_RUNS, replayOpenTickets } from '../../worker/replay-open';
import { apiClient, type ApiClient } from '../support/http';
import { startStack, workflowBundle, type TestStack } from '../support/stack';
import { supportHours } from '../support/support-hours';
import { eventually } from '../support/wait';

/**
 * The check before a deploy (npm run replay:open): the build about to ship replays the live history of every open
 * ticket. The current build replays them all; a build whose ticket workflow changed without a patch fails on each,
 * named, before any worker of it polls.
 */

let stack: TestStack;
let agent: ApiClient;
let openTickets: string;
const changedBuild = fileURLToPath(new URL('../support/changed-ticket-workflow.ts', import.meta.url));

beforeAll(async () => {
  stack = await startStack({ sla: { calendar: supportHours('open').calendar, policy: DEFAULT_POLICY } });
  agent = apiClient(stack.baseUrl, stack.adminKey);
  openTickets = `WorkflowType = 'ticketWorkflow' AND ExecutionStatus = 'Running' AND TaskQueue = '${stack.taskQueue}'`;
  const ids: string[] = [];
  for (const subject of ['Export fails', 'Login loops']) {
    const { body } = await agent.post('/api/v1/tickets', {
      subject,
      description: 'Since this morning',
      category: 'bug',
      priority: 'high',
      customerEmail: 'rosa@example.com',
    });
    ids.push(body.id);
  }
  // Past intake (the receipt mailed, the deadline timer armed), and a conversation on the first one.
  for (const id of ids)
    await eventually(async () => (await agent.get(`/api/v1/tickets/${id}`)).body.sla?.status === 'acknowledged');
  await agent.post(`/api/v1/tickets/${ids[0]}/messages`, { body: 'Looking into it' });
  await eventually(
    async () =>
      (await agent.get(`/api/v1/tickets/${ids[0]}`)).body.sla?.clocks.find(
        (c: { metric: string }) => c.metric === 'first_response',
      ).stopped,
    15_000,
    'the first response',
  );
  await eventually(
    async () => (await stack.client.workflow.count(openTickets)).count === 2,
    15_000,
    'both tickets listed as open',
  );
}, 60_000);
afterAll(async () => {
  await stack?.close();
});

describe('replaying the open tickets before a deploy', () => {
  it("takes the server's visibility query for every open ticket and broadcast", async () => {
    expect((await stack.client.workflow.count(OPEN_RUNS)).count).toBeGreaterThanOrEqual(2);
  });

  it('replays every open ticket on the current build', async () => {
    const check = await replayOpenTickets(stack.client, { workflowBundle: await workflowBundle() }, openTickets);
    expect(check).toEqual({ replayed: 2, failed: [] });
  });

  it('names each open ticket a build changed without a patch would break', async () => {
    const check = await replayOpenTickets(stack.client, { workflowsPath: changedBuild }, openTickets);
    expect(check.replayed).toBe(2);
    expect(check.failed).toHaveLength(2);
    for (const f of check.failed) {
      expect(f.workflowId).toMatch(/^ticket-/);
      expect(f.error).toMatch(/nondetermin/i);
    }
    const ids = check.failed.map((f) => f.workflowId).sort();
    const listed = [];
    for await (const w of stack.client.workflow.list({ query: openTickets })) listed.push(w.workflowId);
    expect(ids).toEqual(listed.sort());
  }, 60_000);
});
