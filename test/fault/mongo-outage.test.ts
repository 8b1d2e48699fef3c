import { setTimeout as delay } from 'node:timers/promises';
import { WorkflowNotFoundError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { ticketIdForKey } from '../../desk/tickets';
import { waitForCount } from '../../bench/lib';
import { useFaultStack } from './support';

/**
 * The long fault test (`npm run test:faults:long`, about 3 minutes): MongoDB (FerretDB) stops for 30 s
 * while clients keep opening tickets. Every answer is either 201 — and that ticket is then stored,
 * acknowledged and projected once the database is back — or 503 with Retry-After, leaving no content and
 * no workflow behind, and the same request retried with its Idempotency-Key afterwards succeeds.
 */
const OUTAGE_MS = Number(process.env.FAULT_OUTAGE_SECONDS ?? 30) * 1000;
const CLIENTS = 4;

interface Answer {
  key: string;
  status: number;
  retryAfter: string | null;
  ms: number;
  id?: string;
}

describe('database stopped for 30 s under load', () => {
  const live = useFaultStack({ env: { API_RATE_LIMIT: '1000000' } });

  const post = async (key: string): Promise<Answer> => {
    const t = performance.now();
    try {
      const res = await fetch(`${live.stack.apiUrl}/api/v1/tickets`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${live.stack.adminKey}`,
          'content-type': 'application/json',
          'idempotency-key': key,
        },
        body: JSON.stringify({
          subject: `Outage ${key}`,
          description: 'd',
          category: 'bug',
          priority: 'normal',
          customerEmail: 'outage@example.com',
        }),
        signal: AbortSignal.timeout(60_000),
      });
      const body = (await res.json()) as { id?: string };
      return {
        key,
        status: res.status,
        retryAfter: res.headers.get('retry-after'),
        ms: performance.now() - t,
        id: body.id,
      };
    } catch {
      return { key, status: 0, retryAfter: null, ms: performance.now() - t }; // no answer at all (timeout, reset)
    }
  };

  it(
    'accepts (201) or refuses (503 + Retry-After), loses nothing accepted and converges afterwards',
    { timeout: 900_000 },
    async () => {
      const answers: Answer[] = [];
      let running = true;
      // A bounded load: CLIENTS loops, each one request at a time with a short pause.
      const load = Promise.all(
        Array.from({ length: CLIENTS }, async (_, w) => {
          for (let i = 0; running; i++) {
            answers.push(await post(`outage-${w}-${i}`));
            await delay(200);
          }
        }),
      );
      await delay(10_000);
      await live.stack.kill('mongo', 'SIGTERM');
      const listDuring = await fetch(`${live.stack.apiUrl}/api/v1/tickets?sort=deadline`, {
        headers: { authorization: `Bearer ${live.stack.adminKey}` },
        signal: AbortSignal.timeout(60_000),
      });
      await delay(Math.max(0, OUTAGE_MS - 1_000));
      await live.stack.start('mongo');
      await delay(15_000);
      running = false;
      await load;

      const byStatus = answers.reduce<Record<number, number>>(
        (acc, a) => ({ ...acc, [a.status]: (acc[a.status] ?? 0) + 1 }),
        {},
      );
      const slowest = Math.max(...answers.map((a) => a.ms));
      console.log(
        `[fault] mongo outage: ${answers.length} requests, by status ${JSON.stringify(byStatus)}, slowest ${slowest.toFixed(0)} ms; list during outage ${listDuring.status}`,
      );
      expect(Object.keys(byStatus).map(Number).sort()).toEqual(expect.arrayContaining([201, 503]));
      expect(answers.filter((a) => a.status !== 201 && a.status !== 503)).toEqual([]);
      expect(answers.filter((a) => a.status === 503 && !a.retryAfter)).toEqual([]);
      // Refused promptly (the API's 5-s server selection), not after a hang.
      expect(slowest).toBeLessThan(15_000);
      expect(listDuring.status).toBe(503);
      expect(listDuring.headers.get('retry-after')).toBeTruthy();

      // Accepted: stored, acknowledged and projected once the database is back.
      const accepted = answers.filter((a) => a.status === 201).map((a) => a.id!);
      const mine = { $in: accepted };
      expect(await live.db.collection('tickets').countDocuments({ _id: mine as never })).toBe(accepted.length);
      const acked = () =>
        live.db.collection('notifications').countDocuments({ ticketId: mine, kind: 'acknowledgement', status: 'sent' });
      expect((await waitForCount(acked, accepted.length, 300_000)).reached).toBe(accepted.length);
      // Projection writes that failed during the outage retry with backoff (up to a minute apart): allow a few rounds.
      const projected = () =>
        live.db.collection('ticket_states').countDocuments({ _id: mine as never, status: 'acknowledged' });
      const converged = await waitForCount(projected, accepted.length, 300_000);
      if (converged.reached < accepted.length) {
        const behind = await live.db
          .collection('ticket_states')
          .find({ _id: mine as never, status: { $ne: 'acknowledged' } })
          .toArray();
        const missing = accepted.length - converged.reached - behind.length;
        console.log(
          `[fault] projections not converged: ${JSON.stringify(behind.map((d) => ({ id: d._id, status: d.status, version: d.version })))}, ${missing} missing`,
        );
      }
      expect(converged.reached).toBe(accepted.length);

      // Refused: nothing half-done — no content, no workflow — and the retry with the same key succeeds.
      const refused = answers.filter((a) => a.status === 503);
      for (const a of refused) {
        const id = ticketIdForKey('admin', a.key);
        expect(await live.db.collection('tickets').countDocuments({ _id: id as never })).toBe(0);
        await expect(live.stack.client.workflow.getHandle(`ticket-${id}`).describe()).rejects.toBeInstanceOf(
          WorkflowNotFoundError,
        );
      }
      for (const a of refused.slice(0, 20)) {
        const retry = await post(a.key);
        expect(retry.status).toBe(201);
        expect(retry.id).toBe(ticketIdForKey('admin', a.key));
      }
    },
  );
});
