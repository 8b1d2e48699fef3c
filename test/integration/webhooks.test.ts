import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, type ApiClient } from '../support/http';
import { startStack, type TestStack } from '../support/stack';
import { eventually } from '../support/wait';

/** A subscriber on loopback that checks every signature and fails its first delivery on purpose. */
interface Received {
  id: string;
  type: string;
  text: string;
  level?: string;
  validSignature: boolean;
  status: number;
}
let receiver: http.Server;
let receiverUrl = '';
let secret = '';
const received: Received[] = [];

function verify(header: string, body: string): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!m || !secret) return false;
  const expected = createHmac('sha256', secret).update(`${m[1]}.${body}`).digest('hex');
  const fresh = Math.abs(Date.now() / 1000 - Number(m[1])) < 300;
  return fresh && timingSafeEqual(Buffer.from(expected), Buffer.from(m[2]!));
}

let stack: TestStack;
let admin: ApiClient;
beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const event = JSON.parse(body);
      const status = received.length === 0 ? 500 : 200;
      received.push({
        id: event.id,
        type: event.type,
        text: event.text,
        level: event.level,
        validSignature: verify(String(req.headers['x-sla-desk-signature']), body),
        status,
      });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve()));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  // The receiver is on loopback: an internal receiver, which the operator must allow by name.
  stack = await startStack({ webhookAllowHosts: ['127.0.0.1'] });
  admin = apiClient(stack.baseUrl, stack.adminKey);
});
afterAll(async () => {
  await stack?.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

describe('webhooks for SLA events', () => {
  it('delivers signed, Slack-readable events, retrying a failed delivery with backoff', async () => {
    const bad = await admin.post('/api/v1/webhooks', { url: 'ftp://example.com' });
    expect(bad.status).toBe(400);
    const hook = await admin.post('/api/v1/webhooks', { url: receiverUrl, events: ['escalated', 'resolved'] });
    expect(hook.status).toBe(201);
    secret = hook.body.secret;
    expect((await admin.get('/api/v1/webhooks')).body.webhooks[0].secret).toBeUndefined();

    const t = await admin.post('/api/v1/tickets', {
      subject: 'Webhook me',
      description: 'd',
      category: 'bug',
      priority: 'high',
      customerEmail: 'w@example.com',
    });
    const id = t.body.id;
    await eventually(
      async () => (await admin.get(`/api/v1/tickets/${id}`)).body.status === 'acknowledged',
      10_000,
      'acknowledgement',
    );
    expect((await admin.post(`/api/v1/tickets/${id}/actions/escalate`, { reason: 'VIP customer' })).status).toBe(200);
    expect((await admin.post(`/api/v1/tickets/${id}/actions/resolve`, {})).status).toBe(200);

    // The first delivery fails (500); the activity retries it after its backoff.
    const ok = await eventually(
      async () => {
        const delivered = received.filter((r) => r.status === 200);
        return delivered.length >= 2 ? delivered : null;
      },
      30_000,
      'both deliveries',
    );
    expect(received[0]!.status).toBe(500);
    expect(ok.map((r) => r.type).sort()).toEqual(['escalated', 'resolved']);
    expect(received.every((r) => r.validSignature)).toBe(true);
    expect(ok.find((r) => r.type === 'escalated')).toMatchObject({ level: 'L2' });
    expect(ok.find((r) => r.type === 'escalated')!.text).toContain(`#${id}`);
    // Each event is delivered successfully once: no duplicate after the retry.
    expect(new Set(ok.map((r) => r.id)).size).toBe(ok.length);
  });
});
