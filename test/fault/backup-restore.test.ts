import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Connection } from 'mongoose';
import { describe, expect, it } from 'vitest';
import { openStore, pool, waitForCount } from '../../bench/lib';
import { startStack, type Stack } from '../../bench/stack';
import { workflowIdFor } from '../../desk/tickets';
import { repoRoot } from '../../scripts/lib/tools';
import { apiClient } from '../support/http';
import { outboxMessageIds, shortSla, ticketLoad, urgentTicket } from './support';

const run = promisify(execFile);

/**
 * The backup drill of `npm start`'s DATA_DIR (Temporal dev server and FerretDB on SQLite) and of the cluster mode's
 * (Temporal server and FerretDB on PostgreSQL, copied by pg_basebackup): urgent tickets acknowledged
 * and due within a minute, `npm run backup` while clients keep opening tickets, the desk stopped and its DATA_DIR gone,
 * `npm run restore` into a new one and the desk started on it. Every ticket accepted before the backup began is there
 * with its workflow; each deadline (those that fell while it was down, at start) fires once; no mail goes out twice.
 */
const URGENT_S = 60;
const COUNT = 8;
const sla = shortSla(URGENT_S, 0.9);

const npm = (script: 'backup' | 'restore', file: string, env: Record<string, string>) =>
  run('npm', ['run', '--silent', script, '--', file], { cwd: repoRoot, env: { ...process.env, ...env } });

describe.each([
  { mode: 'dev', cluster: false },
  { mode: 'cluster', cluster: true },
])('backup and restore of the $mode mode', ({ cluster }) => {
  it(
    'restores every ticket accepted before the backup; each deadline fires once after the restore, no mail twice',
    { timeout: 900_000 },
    async () => {
      const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'sla-desk-drill-'));
      // The cluster's PostgreSQL runs as another user when we are root, and must reach its restored data.
      fs.chmodSync(scratch, 0o755);
      const archive = path.join(scratch, 'desk.tar.gz');
      const restored = path.join(scratch, 'restored');
      const stackOpts = { cluster, slaConfig: sla, env: { API_RATE_LIMIT: '1000000' } };
      let first: Stack | undefined = await startStack(stackOpts);
      let second: Stack | undefined;
      let db: Connection | undefined;
      try {
        const adminKey = first.adminKey;
        const api = apiClient(first.apiUrl, adminKey);
        const ids: string[] = [];
        await pool(COUNT, 4, async (i) => {
          const res = await api.post('/api/v1/tickets', urgentTicket(i));
          expect(res.status).toBe(201);
          ids.push(res.body.id);
        });
        const firstDb = await openStore(first.mongoUri);
        const acked = () =>
          firstDb
            .collection('notifications')
            .countDocuments({ ticketId: { $in: ids }, kind: 'acknowledgement', status: 'sent' });
        expect((await waitForCount(acked, COUNT, 60_000)).reached).toBe(COUNT);
        await firstDb.close();

        // Under load: what was accepted before the backup began must come back; what came during it may.
        const during = ticketLoad([api], 'drill');
        const { stdout } = await npm('backup', archive, {
          DATA_DIR: first.dataDir,
          SLA_DESK_PG_PORT: String(first.pgPort ?? ''),
        });
        await during.stop();
        expect(stdout).toMatch(/\[backup\]/);
        // It holds the admin key and every secret: its owner's alone (SECURITY.md).
        expect(fs.statSync(archive).mode & 0o777).toBe(0o600);
        await first.stop();
        first = undefined;

        await npm('restore', archive, { DATA_DIR: restored });
        // Idle since the first stack's stop: the deadlines that fell meanwhile fire as soon as the worker polls.
        second = await startStack({ ...stackOpts, dataDir: restored, adminKey });
        db = await openStore(second.mongoUri);
        expect(await db.collection('tickets').countDocuments({ _id: { $in: ids } as never })).toBe(COUNT);
        for (const id of ids) await second.client.workflow.getHandle(workflowIdFor(id)).describe();

        const escalated = () =>
          db!.collection('sla_events').countDocuments({ ticketId: { $in: ids }, type: 'escalated' });
        expect((await waitForCount(escalated, COUNT, 240_000)).reached).toBe(COUNT);
        const sentEscalations = () =>
          db!
            .collection('notifications')
            .countDocuments({ ticketId: { $in: ids }, kind: 'escalation', status: 'sent' });
        expect((await waitForCount(sentEscalations, COUNT, 60_000)).reached).toBe(COUNT);
        // The outbox came back with the archive: the mails before the backup and after the restore, each once.
        const mail = outboxMessageIds(second.outboxDir);
        for (const [kind, tickets] of [
          ['acknowledgement', ids],
          ['escalation', ids],
        ] as const)
          expect(
            tickets.filter((id) => new Set(mail.get(`${id}:${kind}`) ?? []).size !== 1),
            `${kind}: tickets without exactly one Message-ID`,
          ).toEqual([]);
        expect(await db.collection('sla_events').countDocuments({ ticketId: { $in: ids }, type: 'escalated' })).toBe(
          COUNT,
        );
      } finally {
        await db?.close();
        await second?.stop();
        await first?.stop();
        fs.rmSync(scratch, { recursive: true, force: true });
      }
    },
  );
});
