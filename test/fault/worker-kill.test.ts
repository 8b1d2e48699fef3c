import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { pool, waitForCount } from '../../bench/lib';
import { apiClient } from '../support/http';
import { escalationLags, outboxMessageIds, shortSla, urgentTicket, useFaultStack } from './support';

/**
 * The worker dies (SIGKILL, no shutdown) in the middle of a burst of tickets and comes back: every
 * ticket is acknowledged exactly once (one `sent` log entry, one Message-ID), every escalation mailed
 * exactly once, none early, none later than the downtime plus the burst's own deadline queue.
 * FAULT_TICKETS=1000 for the full burst; the default (200) takes about 2 minutes.
 */
const COUNT = Number(process.env.FAULT_TICKETS ?? 200);
// Every ticket must be created, the worker back and the backlog acknowledged before the first deadline:
// the stack acknowledges about 20 tickets a second on 2 cores, and a mail whose attempt died with the
// worker waits out its claim's 30-s lease (store/notifications.ts) before it is retried.
const LEAD_S = 60 + Math.ceil(COUNT / 8);

/**
 * The burst's deadlines fall as fast as its tickets arrived (≈ 25/s), faster than this 2-core stack works
 * through clustered deadlines (≈ 22/s: BENCHMARKS.md, deadline precision), so the last ones wait behind
 * the others whether or not the worker was killed. That queue, not the kill, is allowed on top of the
 * downtime: 150 ms per ticket (30 s for 200, 150 s for 1,000; measured 5 s and 51 s: BENCHMARKS.md).
 */
const DEADLINE_QUEUE_MS = COUNT * 150;

const live = useFaultStack({ slaConfig: shortSla(LEAD_S, 0.9), env: { API_RATE_LIMIT: '1000000' } });

describe('worker killed with SIGKILL during a burst', () => {
  it(`acknowledges each of ${COUNT} tickets exactly once and misses no deadline by more than the downtime`, { timeout: (LEAD_S + 600) * 1000 }, async () => {
    const api = apiClient(live.stack.apiUrl, live.stack.adminKey);
    const ids: string[] = [];
    const refused: number[] = [];
    const burst = pool(COUNT, 8, async (i) => {
      const res = await api.post('/api/v1/tickets', urgentTicket(i), { 'idempotency-key': `burst-${i}` });
      if (res.status === 201) ids.push(res.body.id);
      else refused.push(res.status);
    });

    // SIGKILL once half the burst is in, then bring the worker back while the API keeps accepting.
    while (ids.length < COUNT / 2) await delay(50);
    const killedAt = Date.now();
    await live.stack.kill('worker', 'SIGKILL');
    await delay(2_000);
    await live.stack.start('worker');
    const downtimeMs = Date.now() - killedAt;
    await burst;
    expect(refused).toEqual([]);
    expect(ids).toHaveLength(COUNT);

    const mine = { ticketId: { $in: ids } };
    const sentAcks = () => live.db.collection('notifications').countDocuments({ ...mine, kind: 'acknowledgement', status: 'sent' });
    // Activities lost with the worker are retried once their heartbeat (mail) or start-to-close timeout lapses.
    expect((await waitForCount(sentAcks, COUNT, (LEAD_S + 120) * 1000)).reached).toBe(COUNT);
    const escalations = () => live.db.collection('notifications').countDocuments({ ...mine, kind: 'escalation', status: 'sent' });
    expect((await waitForCount(escalations, COUNT, 600_000)).reached).toBe(COUNT);
    await waitForCount(() => live.db.collection('sla_events').countDocuments({ ...mine, type: 'escalated' }), COUNT, 60_000);

    // Exactly once: one notification-log entry per ticket and kind (keyed), and one mail each in the outbox.
    const log = await live.db.collection('notifications').find({ ...mine, kind: 'acknowledgement' }).toArray();
    expect(log).toHaveLength(COUNT);
    const mail = outboxMessageIds(live.stack.outboxDir);
    // A worker killed after its SMTP send but before it logged the send retries that one mail: SMTP gives
    // at-least-once at that instant, so each ticket has its acknowledgement under exactly one Message-ID,
    // and the number of such resends is printed.
    const ackMails = ids.map((id) => mail.get(`${id}:acknowledgement`) ?? []);
    expect(ackMails.filter((m) => m.length === 0 || new Set(m).size !== 1)).toEqual([]);
    const acksResent = ackMails.filter((m) => m.length > 1).length;
    // Escalations happen after the restart, with no crash to excuse a resend: exactly one mail each.
    const escalationMails = ids.map((id) => mail.get(`${id}:escalation`) ?? []);
    expect(escalationMails.filter((m) => m.length !== 1)).toEqual([]);

    // Never early, and never later than the worker was away plus the deadline queue.
    const lags = await escalationLags(live.db, ids);
    expect(lags.size).toBe(COUNT);
    const values = [...lags.values()];
    const latest = [...lags].sort((a, b) => b[1] - a[1]).slice(0, 3);
    console.log(`[fault] latest escalations (ticket, ms late): ${JSON.stringify(latest)}, data in ${live.stack.dataDir}`);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThanOrEqual(downtimeMs + DEADLINE_QUEUE_MS);
    console.log(`[fault] worker SIGKILL: ${COUNT} tickets, downtime ${downtimeMs} ms, max escalation lag ${Math.max(...values)} ms, acknowledgements resent under the same Message-ID: ${acksResent}`);
  });
});
