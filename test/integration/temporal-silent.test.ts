import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiClient } from '../support/http';
import { startStack, type TestStack } from '../support/stack';
import { startTcpGate, type TcpGate } from '../support/tcp-gate';

/**
 * A workflow service that takes a call and then says nothing (a server restarting under the connection) does not hold
 * a ticket's submitter for ever: intake gives up after its deadline with 503 and Retry-After, and the keyed retry
 * after it starts the ticket once.
 */

let gate: TcpGate;
let stack: TestStack;

beforeAll(async () => {
  gate = await startTcpGate(`http://${inject('temporalAddress')}`);
  stack = await startStack({ deskTemporalAddress: new URL(gate.url).host });
});
afterAll(async () => {
  gate?.open();
  await stack?.close();
  await gate?.close();
});

const ticket = {
  subject: 'Search is slow',
  description: 'A minute per query.',
  category: 'bug',
  priority: 'high',
  customerEmail: 'quiet-temporal@example.com',
};

describe('a workflow service gone silent mid-call', () => {
  it('answers 503 with Retry-After after its deadline, and the keyed retry starts the ticket once', async () => {
    const api = apiClient(stack.baseUrl, stack.adminKey);
    expect((await api.post('/api/v1/tickets', ticket)).status).toBe(201);

    gate.hold();
    const refused = await api.post('/api/v1/tickets', ticket, { 'idempotency-key': 'silent-temporal-1' });
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);

    // The held start reaches the server when the gate opens, so the retry may meet it (200, the first attempt's
    // ticket) or start the ticket itself (201); either way there is one.
    gate.open();
    const retried = await api.post('/api/v1/tickets', ticket, { 'idempotency-key': 'silent-temporal-1' });
    expect([200, 201]).toContain(retried.status);
    const again = await api.post('/api/v1/tickets', ticket, { 'idempotency-key': 'silent-temporal-1' });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(retried.body.id);
    expect((await stack.client.workflow.getHandle(`ticket-${retried.body.id}`).describe()).status.name).toBe('RUNNING');
    expect(
      await stack.store.conn.collection('tickets').countDocuments({ customerEmail: 'quiet-temporal@example.com' }),
    ).toBe(2);
  }, 60_000);
});
