import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { historiesDir } from '../support/histories';
import { workflowBundle } from '../support/stack';

/**
 * Histories recorded from real runs of every scenario (RECORD_HISTORIES=1 npm test writes them to
 * test/histories). Replaying them against today's workflow code fails on any change that would break
 * tickets already running: such changes go behind `patched()`, and the histories recorded before the
 * change move to a subfolder named after the patch, so every generation keeps being replayed.
 */
const files = fs
  .readdirSync(historiesDir, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.json'))
  .sort();
const read = (f: string) => JSON.parse(fs.readFileSync(path.join(historiesDir, f), 'utf8'));

type RecordedHistory = { events: { markerRecordedEventAttributes?: { markerName: string; details: Record<string, { payloads: { data: string }[] }> } }[] };

/** The decoded payloads (base64 JSON) of one detail of a history's markers of one kind. */
function markerPayloads<T>(history: RecordedHistory, markerName: string, detail: string): T[] {
  return history.events.flatMap((e) => {
    const marker = e.markerRecordedEventAttributes;
    if (marker?.markerName !== markerName) return [];
    return marker.details[detail]!.payloads.map((p) => JSON.parse(Buffer.from(p.data, 'base64').toString()) as T);
  });
}

/** The ids of the `patched()` markers in a history. */
const patchIds = (history: RecordedHistory) => markerPayloads<{ id: string }>(history, 'core_patch', 'patch-data').map((p) => p.id);

/** The activity types of a history's local-activity markers. */
const localActivityTypes = (history: RecordedHistory) => markerPayloads<{ activity_type: string }>(history, 'core_local_activity', 'data').map((p) => p.activity_type);

function activityTypes(history: { events: { activityTaskScheduledEventAttributes?: { activityType: { name: string } } }[] }): string[] {
  return history.events.flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes.activityType.name] : []));
}

describe('replay of recorded ticket histories', () => {
  it('has recorded histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  it('covers every generation: before local-ticket-change, deadline-one-change, mail-in-local-activity, and today', () => {
    const generation = (dir: string) => files.filter((f) => f.startsWith(`${dir}${path.sep}`));
    const beforeLocal = generation('before-local-ticket-change');
    const beforeDeadline = generation('before-deadline-one-change');
    const beforeLocalMail = generation('before-mail-in-local-activity');
    const today = files.filter((f) => !f.includes(path.sep));
    for (const g of [beforeLocal, beforeDeadline, beforeLocalMail, today]) expect(g.length).toBeGreaterThanOrEqual(10);
    for (const f of beforeLocal) expect(patchIds(read(f))).not.toContain('local-ticket-change');
    for (const f of [...beforeDeadline, ...beforeLocalMail, ...today]) expect(patchIds(read(f))).toContain('local-ticket-change');
    for (const f of [...beforeLocal, ...beforeDeadline]) expect(patchIds(read(f))).not.toContain('deadline-one-change');
    // Since deadline-one-change, every event due at a fired timer's instant is one change, behind the patch.
    for (const g of [beforeLocalMail, today]) {
      const withDeadlines = g.filter((f) => read(f).events.some((e: { timerFiredEventAttributes?: unknown }) => e.timerFiredEventAttributes));
      expect(withDeadlines.length).toBeGreaterThanOrEqual(3);
      for (const f of withDeadlines) expect(patchIds(read(f))).toContain('deadline-one-change');
    }
    // Today mail goes out from local activities, behind the patch; before, each mail was a regular activity.
    const mailActivities = ['notify', 'escalateTicket'];
    const hasMailActivity = (f: string) => activityTypes(read(f)).some((t) => mailActivities.includes(t));
    for (const f of [...beforeLocal, ...beforeDeadline, ...beforeLocalMail]) expect(patchIds(read(f))).not.toContain('mail-in-local-activity');
    expect(beforeLocalMail.filter(hasMailActivity).length).toBeGreaterThanOrEqual(10);
    const mailing = today.filter((f) => localActivityTypes(read(f)).includes('sendNotifications'));
    expect(mailing.length).toBeGreaterThanOrEqual(10);
    for (const f of mailing) expect(patchIds(read(f))).toContain('mail-in-local-activity');
    for (const f of today) expect(hasMailActivity(f)).toBe(false);
  });

  it('replays every one without non-determinism', async () => {
    const histories = files.map((f) => {
      const history = historyFromJSON(read(f));
      return { workflowId: f, history };
    });
    const results = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, histories)) {
      results.push({ id: result.workflowId, error: result.error ? String(result.error) : null });
    }
    expect(results.filter((r) => r.error)).toEqual([]);
    expect(results).toHaveLength(files.length);
  });
});
