import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookActivities, type SlaWebhookEvent } from '../../activities/webhook-activities';
import { checkDestination, refusedAddress } from '../../lib/outbound-address';
import { apiClient, type ApiClient } from '../support/http';
import { connectTestStore, quietLogger, startStack, type TestStack } from '../support/stack';

/**
 * Webhooks are requests the product makes on an admin's say-so: they must not reach the product's own
 * network (SSRF), whatever the spelling of the address, whatever DNS answers later, and whatever a
 * receiver redirects to; a failure is recorded in our words, not the receiver's or the URL's.
 */

let stack: TestStack;
let admin: ApiClient;
/** Loopback receivers: one that counts hits, one that redirects to it. */
const hits: string[] = [];
let target: http.Server;
let redirector: http.Server;
let targetUrl = '';
let redirectUrl = '';

const listen = async (server: http.Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

beforeAll(async () => {
  target = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    res.writeHead(500, { 'content-type': 'text/plain' }).end('INTERNAL-SECRET stack trace from the receiver');
  });
  targetUrl = `${await listen(target)}/hook`;
  redirector = http.createServer((_req, res) => res.writeHead(307, { location: targetUrl }).end());
  redirectUrl = `${await listen(redirector)}/hook`;
  stack = await startStack();
  admin = apiClient(stack.baseUrl, stack.adminKey);
});
afterAll(async () => {
  await stack?.close();
  await Promise.all([target, redirector].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

const event = (key: string): SlaWebhookEvent => ({
  key,
  type: 'breached',
  ticketId: 'T1',
  subject: 's',
  priority: 'high',
  at: new Date().toISOString(),
});
/**
 * One delivery attempt to a subscription stored directly (as if registered before DNS changed), in a store
 * of its own: subscriptions are remembered for a second per store, and each test has its own receiver.
 */
async function deliverTo(url: string, allowHosts: string[]): Promise<string> {
  const store = await connectTestStore();
  await store.webhooks.add({
    id: 'WSEC1',
    url,
    secret: 'whsec_test',
    events: ['breached'],
    active: true,
    createdAt: new Date(),
  });
  try {
    const activities = createWebhookActivities({
      store,
      now: () => new Date(),
      logger: quietLogger,
      webhookAllowHosts: allowHosts,
    });
    await activities.publishSlaEvent(event('k1'));
    return 'delivered';
  } catch (err) {
    return (err as Error).message;
  } finally {
    await store.conn.dropDatabase().catch(() => undefined);
    await store.conn.close();
  }
}

describe('webhook registration', () => {
  it('refuses loopback, private, link-local, multicast, unspecified and metadata destinations in every spelling', async () => {
    const urls = [
      'http://127.0.0.1/',
      'http://localhost:8080/',
      'http://2130706433/',
      'http://0x7f000001/',
      'http://0177.0.0.1/',
      'http://127.1/',
      'http://[::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://[::ffff:7f00:1]/',
      'http://[::ffff:a9fe:a9fe]/',
      'http://[64:ff9b::a9fe:a9fe]/',
      'http://169.254.169.254/latest/meta-data/',
      'http://metadata.google.internal/',
      'http://[fd00:ec2::254]/',
      'http://[fe80::1]/',
      'http://10.1.2.3/',
      'http://172.16.0.1/',
      'http://192.168.0.1/',
      'http://100.64.0.1/',
      'http://0.0.0.0/',
      'http://[::]/',
      'http://224.0.0.1/',
      'http://[ff02::1]/',
      'http://255.255.255.255/',
    ];
    for (const url of urls) {
      const res = await admin.post('/api/v1/webhooks', { url });
      expect(res.status, url).toBe(400);
      expect(res.body.errors[0].field, url).toBe('url');
    }
    expect((await admin.get('/api/v1/webhooks')).body.webhooks).toEqual([]);
  });

  it('judges a host name by every address it resolves to', async () => {
    const resolver = (async () => [
      { address: '93.184.215.14', family: 4 },
      { address: '10.0.0.7', family: 4 },
    ]) as never;
    await expect(checkDestination('https://hooks.example.com/x', [], resolver)).rejects.toThrow(/private address/);
    const publicOnly = (async () => [{ address: '93.184.215.14', family: 4 }]) as never;
    await expect(checkDestination('https://hooks.example.com/x', [], publicOnly)).resolves.toMatchObject({
      address: '93.184.215.14',
    });
    expect(refusedAddress('2606:4700::1111')).toBeNull();
    expect(refusedAddress('2002:7f00:1::')).toMatch(/loopback/);
  });
});

describe('webhook delivery', () => {
  it('checks the destination again when it delivers (DNS may have changed since registration)', async () => {
    hits.length = 0;
    const failure = await deliverTo(targetUrl, []);
    expect(failure).toMatch(/refused: the URL points to a loopback address/);
    expect(hits).toEqual([]);
  });

  it('does not follow redirects', async () => {
    hits.length = 0;
    const failure = await deliverTo(redirectUrl, ['127.0.0.1']);
    expect(failure).toMatch(/answered 307/);
    expect(hits).toEqual([]);
  });

  it("records a failure without the receiver's body or the URL's secrets", async () => {
    const failure = await deliverTo(`${targetUrl}?token=s3cr3t-in-url`, ['127.0.0.1']);
    expect(failure).toMatch(/answered 500/);
    expect(failure).not.toContain('INTERNAL-SECRET');
    expect(failure).not.toContain('s3cr3t-in-url');
    const closed = await deliverTo('http://127.0.0.1:1/hook?token=s3cr3t-in-url', ['127.0.0.1']);
    expect(closed).toMatch(/connection failed/);
    expect(closed).not.toContain('s3cr3t-in-url');
  });
});
