import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiClient } from '../support/http';
import { isStoreUnavailable } from '../../store/errors';
import { connectTestStore, startStack, type TestStack } from '../support/stack';
import { startTcpGate, type TcpGate } from '../support/tcp-gate';

/**
 * A document store that takes a request and then says nothing (a database server restarted under a connection, a
 * network that drops packets) does not hold a ticket's submitter: the API answers 503 with Retry-After once the
 * connection has been silent for its socket timeout, and the keyed retry after it is accepted once.
 */

const SILENT_AFTER_MS = 2_000;
let gate: TcpGate;
let stack: TestStack;

beforeAll(async () => {
  gate = await startTcpGate(inject('mongoUri'));
  stack = await startStack({ store: { uri: gate.url, socketTimeoutMS: SILENT_AFTER_MS } });
});
afterAll(async () => {
  gate?.open();
  await stack?.close();
  await gate?.close();
});

const ticket = {
  subject: 'Export hangs',
  description: 'The CSV export never finishes.',
  category: 'bug',
  priority: 'high',
  customerEmail: 'quiet-store@example.com',
};

describe('a document store gone silent mid-request', () => {
  it('answers 503 with Retry-After instead of hanging, and the keyed retry creates the ticket once', async () => {
    const api = apiClient(stack.baseUrl, stack.adminKey);
    expect((await api.post('/api/v1/tickets', ticket)).status).toBe(201);

    gate.hold();
    const refused = await api.post('/api/v1/tickets', ticket, { 'idempotency-key': 'silent-store-1' });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);

    gate.open();
    const retried = await api.post('/api/v1/tickets', ticket, { 'idempotency-key': 'silent-store-1' });
    expect(retried.status).toBe(201);
    const again = await api.post('/api/v1/tickets', ticket, { 'idempotency-key': 'silent-store-1' });
    expect(again.body.id).toBe(retried.body.id);
    const mine = await stack.store.conn
      .collection('tickets')
      .countDocuments({ customerEmail: 'quiet-store@example.com' });
    expect(mine).toBe(2);
  });

  it('fails a request waiting for a connection the silent one holds, as the store being unavailable', async () => {
    // One connection, and no socket timeout: the first read holds it for as long as the store says nothing.
    const store = await connectTestStore({
      uri: `${gate.url}?maxPoolSize=1`,
      socketTimeoutMS: 0,
      waitQueueTimeoutMS: 1_000,
    });
    try {
      gate.hold();
      const first = store.tickets.get('T-HELD').catch((err: unknown) => err);
      const queued = await store.tickets.get('T-QUEUED').catch((err: unknown) => err);
      expect((queued as Error).name).toBe('MongoWaitQueueTimeoutError');
      expect(isStoreUnavailable(queued)).toBe(true);
      gate.open();
      expect(await first).toBeNull();
    } finally {
      gate.open();
      await store.conn.dropDatabase().catch(() => undefined);
      await store.conn.close();
    }
  });
});
