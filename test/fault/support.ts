import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, expect } from 'vitest';
import { openStore, pool } from '../../bench/lib';
import type { ApiClient } from '../support/http';
import { startStack, type Stack, type StackOptions } from '../../bench/stack';
import { ALWAYS_OPEN_CALENDAR } from '../../domain/calendar';

/** Shared pieces of the fault tests (each runs the product as real processes through bench/stack.ts). */

/** Starts the product for the file's tests and stops it after them; read `live.stack` and `live.db` inside the tests. */
export function useFaultStack(opts: StackOptions): { stack: Stack; db: Connection } {
  const live = {} as { stack: Stack; db: Connection };
  beforeAll(
    async () => {
      live.stack = await startStack(opts);
      live.db = await openStore(live.stack.mongoUri);
      // The cluster mode creates a PostgreSQL cluster, its schemas and the namespace before the two workers and APIs.
    },
    opts.cluster ? 300_000 : 180_000,
  );
  afterAll(async () => {
    await live.db?.close();
    await live.stack?.stop();
  }, 60_000);
  return live;
}

/** A 24/7 SLA whose urgent first response is due `seconds` after receipt, escalating to L2 at the breach. */
export function shortSla(seconds: number, warningAt = 0.5) {
  return {
    calendar: { timezone: 'UTC', windows: ALWAYS_OPEN_CALENDAR.windows, holidays: [] },
    policy: {
      warningAt,
      targets: { urgent: { firstResponseMinutes: seconds / 60 } },
      escalation: [{ level: 'L2', afterBreachMinutes: 0 }],
    },
  };
}

export const urgentTicket = (i: number) => ({
  subject: `Fault ${i}`,
  description: 'Checkout fails',
  category: 'incident',
  priority: 'urgent',
  customerEmail: `fault-${i % 10}@example.com`,
});

/** `count` tickets through the API, urgent and high alternating, with each one's first-response due instant. */
export async function openUrgentAndHigh(
  api: ApiClient,
  count: number,
): Promise<{ id: string; priority: string; dueAt: number }[]> {
  const created: { id: string; priority: string; dueAt: number }[] = [];
  await pool(count, 8, async (i) => {
    const priority = i % 2 ? 'high' : 'urgent';
    const res = await api.post('/api/v1/tickets', { ...urgentTicket(i), priority });
    expect(res.status).toBe(201);
    const due = res.body.sla.clocks.find((c: { metric: string }) => c.metric === 'first_response').dueAt;
    created.push({ id: res.body.id, priority, dueAt: new Date(due).getTime() });
  });
  return created;
}

/** The Message-IDs of the mails in the outbox per `${ticket}:${kind}` (X-Ticket-Id, X-Notification-Kind headers). */
export function outboxMessageIds(dir: string): Map<string, string[]> {
  const sent = new Map<string, string[]>();
  for (const f of fs.readdirSync(dir).filter((name) => name.endsWith('.eml'))) {
    const head = fs.readFileSync(path.join(dir, f), 'utf8').split(/\r?\n\r?\n/, 1)[0]!;
    const ticket = /^X-Ticket-Id:\s*(\S+)/im.exec(head)?.[1];
    const kind = /^X-Notification-Kind:\s*(\S+)/im.exec(head)?.[1];
    const messageId = /^Message-ID:\s*(\S+)/im.exec(head)?.[1] ?? '';
    if (ticket && kind) sent.set(`${ticket}:${kind}`, [...(sent.get(`${ticket}:${kind}`) ?? []), messageId]);
  }
  return sent;
}

/** How late each ticket's escalation fired (`escalated` event at − dueAt, ms), by ticket id. */
export async function escalationLags(db: Connection, ids: string[]): Promise<Map<string, number>> {
  const events = await db
    .collection('sla_events')
    .find({ type: 'escalated', ticketId: { $in: ids } }, { projection: { ticketId: 1, at: 1, dueAt: 1 } })
    .toArray();
  return new Map(events.map((e) => [String(e.ticketId), (e.at as Date).getTime() - (e.dueAt as Date).getTime()]));
}

/**
 * Every SQLite database under `dir`: a file that begins with SQLite's header ("SQLite format 3\0"), whatever its
 * name, or one named like one (*.sqlite, *.db, and their -wal/-shm companions) even if still empty.
 */
export function sqliteFiles(dir: string): string[] {
  const header = Buffer.from('SQLite format 3\0');
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const head = Buffer.alloc(header.length);
    const fd = fs.openSync(file, 'r');
    const read = fs.readSync(fd, head, 0, head.length, 0);
    fs.closeSync(fd);
    if ((read === head.length && head.equals(header)) || /\.(sqlite|db)(-wal|-shm|-journal)?$/.test(entry.name))
      found.push(path.relative(dir, file));
  }
  return found;
}

export interface LoadAnswer {
  key: string;
  status: number;
  retryAfter: string | null;
  id?: string;
  /** Why no answer came (status 0): the client's error and its cause. */
  error?: string;
}

/** The body a load's request sends under `key` (`<prefix>-<client>-<i>`); a retry with the key sends it again. */
export const loadTicket = (key: string) => ({
  ...urgentTicket(Number(key.split('-').at(-1))),
  priority: 'normal',
  subject: `Load ${key}`,
});

/** `clients` loops opening normal tickets (each with its Idempotency-Key) until stop(), which returns every answer. */
export function ticketLoad(apis: ApiClient[], prefix: string, clients = 2): { stop(): Promise<LoadAnswer[]> } {
  const answers: LoadAnswer[] = [];
  let running = true;
  const loops = Array.from({ length: clients }, async (_, c) => {
    for (let i = 0; running; i++) {
      const key = `${prefix}-${c}-${i}`;
      const res = await apis[(c + i) % apis.length]!.post('/api/v1/tickets', loadTicket(key), {
        'idempotency-key': key,
      }).catch((err: Error) => ({
        status: 0,
        headers: new Headers(),
        body: undefined,
        error: `${String(err)}${err.cause ? ` (${String(err.cause)})` : ''}`,
      }));
      answers.push({
        key,
        status: res.status,
        retryAfter: res.headers.get('retry-after'),
        id: res.body?.id,
        ...('error' in res ? { error: res.error } : {}),
      });
      await delay(200);
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return answers;
    },
  };
}
