import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCalendar, SLA_CALENDAR } from '../../domain/calendar';
import { apiClient, type ApiClient } from '../support/http';
import { startStack, type TestStack } from '../support/stack';
import { eventually } from '../support/wait';

let stack: TestStack;
let admin: ApiClient;
let agent: ApiClient;
let alice: ApiClient;
let bob: ApiClient;
const keys: Record<string, string> = {};

beforeAll(async () => {
  stack = await startStack();
  admin = apiClient(stack.baseUrl, stack.adminKey);
  for (const [role, email] of [
    ['agent', 'agent@support.local'],
    ['customer', 'alice@example.com'],
    ['customer', 'bob@example.com'],
  ]) {
    keys[email!] = (await admin.post('/api/v1/users', { role, name: email, email })).body.apiKey;
  }
  agent = apiClient(stack.baseUrl, keys['agent@support.local']!);
  alice = apiClient(stack.baseUrl, keys['alice@example.com']!);
  bob = apiClient(stack.baseUrl, keys['bob@example.com']!);
});
afterAll(async () => {
  await stack?.close();
});

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4c80000000049454e44ae426082',
  'hex',
);

async function upload(key: string, ticketId: string, files: { name: string; type: string; data: Buffer }[]) {
  const form = new FormData();
  for (const f of files) form.append('files', new Blob([new Uint8Array(f.data)], { type: f.type }), f.name);
  const res = await fetch(`${stack.baseUrl}/api/v1/tickets/${ticketId}/attachments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}` },
    body: form,
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, body: (await res.json()) as any };
}

describe('attachments', () => {
  it('keeps screenshots and logs, serves them only to those who may see the ticket, and refuses the rest', async () => {
    const { body: t } = await alice.post('/api/v1/tickets', {
      subject: 'Screenshot attached',
      description: 'See image',
      category: 'bug',
    });
    const up = await upload(keys['alice@example.com']!, t.id, [
      { name: 'screen.png', type: 'image/png', data: PNG },
      { name: 'console.log', type: 'text/plain', data: Buffer.from('TypeError: x is undefined\n') },
    ]);
    expect(up.status).toBe(201);
    expect(up.body.attachments.map((a: { contentType: string }) => a.contentType)).toEqual(['image/png', 'text/plain']);
    const pngId = up.body.attachments[0].id;

    const download = await fetch(`${stack.baseUrl}/api/v1/tickets/${t.id}/attachments/${pngId}`, {
      headers: { authorization: `Bearer ${keys['agent@support.local']}` },
    });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/png');
    expect(download.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await download.arrayBuffer()).equals(PNG)).toBe(true);

    expect((await bob.get(`/api/v1/tickets/${t.id}/attachments`)).status).toBe(404);
    const peek = await fetch(`${stack.baseUrl}/api/v1/tickets/${t.id}/attachments/${pngId}`, {
      headers: { authorization: `Bearer ${keys['bob@example.com']}` },
    });
    expect(peek.status).toBe(404);

    // A binary that claims to be a PNG is judged by its bytes.
    const fake = await upload(keys['alice@example.com']!, t.id, [
      { name: 'evil.png', type: 'image/png', data: Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00]) },
    ]);
    expect(fake.status).toBe(400);
    expect(fake.body.errors[0].field).toBe('files');
    const big = await upload(keys['alice@example.com']!, t.id, [
      { name: 'huge.log', type: 'text/plain', data: Buffer.alloc(5 * 1024 * 1024 + 1, 0x61) },
    ]);
    expect(big.status).toBe(413);
    expect((await alice.get(`/api/v1/tickets/${t.id}/attachments`)).body.attachments).toHaveLength(2);
  });
});

describe('live support sessions over the API', () => {
  it('lets a customer ask, refuses a slot outside support hours, and books one inside them', async () => {
    const { body: t } = await alice.post('/api/v1/tickets', {
      subject: 'Walk me through SSO',
      description: 'Need a call',
      category: 'question',
      liveSupportTool: 'teamviewer',
    });
    await eventually(
      async () => (await agent.get(`/api/v1/tickets/${t.id}`)).body.status === 'acknowledged',
      10_000,
      'acknowledgement',
    );

    const asked = await alice.post(`/api/v1/tickets/${t.id}/live-session`, {
      action: 'request',
      tool: 'teamviewer',
      preferredTimes: ['Monday night'],
    });
    expect(asked.status).toBe(200);
    expect(asked.body.live).toMatchObject({ status: 'requested', tool: 'teamviewer' });
    expect(
      (
        await alice.post(`/api/v1/tickets/${t.id}/live-session`, {
          action: 'confirm',
          startsAt: new Date().toISOString(),
          link: 'https://x.example/1',
        })
      ).status,
    ).toBe(403);

    const cal = createCalendar(SLA_CALENDAR);
    // The opening of the next whole support window, whatever the hour now: a slot an hour into it fits its 45 minutes.
    const opens = cal.nextOpen(cal.nextClose(cal.nextOpen(new Date())));
    const outside = new Date(cal.nextClose(opens).getTime() + 3_600_000);
    const refused = await agent.post(`/api/v1/tickets/${t.id}/live-session`, {
      action: 'confirm',
      startsAt: outside.toISOString(),
      link: 'https://tv.example/42',
    });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/outside support hours/);

    const startsAt = new Date(opens.getTime() + 3_600_000).toISOString();
    const booked = await agent.post(`/api/v1/tickets/${t.id}/live-session`, {
      action: 'confirm',
      startsAt,
      durationMinutes: 45,
      link: 'https://tv.example/42',
    });
    expect(booked.status, JSON.stringify(booked.body)).toBe(200);
    expect(booked.body.live).toMatchObject({
      status: 'confirmed',
      startsAt: new Date(startsAt).toISOString(),
      durationMinutes: 45,
    });
    expect(booked.body.sla.clocks.find((c: { metric: string }) => c.metric === 'first_response').stopped).toBe(true);
    const thread = (await alice.get(`/api/v1/tickets/${t.id}`)).body.thread.map((m: { body: string }) => m.body);
    expect(thread.some((b: string) => b.startsWith('Requested a live support session via teamviewer'))).toBe(true);
    expect(thread.some((b: string) => b.startsWith('Live support session booked'))).toBe(true);
  });
});
