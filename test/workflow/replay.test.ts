import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { historiesDir } from '../support/histories';
import { workflowBundle } from '../support/stack';
import { ONE_LOCAL_ACTIVITY_PER_CHANGE } from '../../workflows/ticket-effects';
import { PATCHES } from '../../domain/ticket-sla';

/**
 * Histories recorded from real runs of every scenario (RECORD_HISTORIES=1 npm test writes them to
 * test/histories). Replaying them against today's workflow code fails on any change that would break
 * tickets already running. Version 0.1.0 is the baseline (nothing ran before it, so it has no `patched()`
 * forks); from here a change goes behind `patched()`, and the histories recorded before it move to a
 * subfolder named after the patch, so every generation keeps being replayed.
 *
 * Generations: `one-local-activity-per-change/` (the first patch of 0.2.0) holds 0.1.0's histories, with scenarios of
 * test/workflow/agreements.test.ts and test/workflow/assignee.test.ts recorded on 0.1.0's code (organizations' tickets,
 * assignments, a customer's message, a warning and a breach with no mail to the assignee). The top folder holds
 * histories recorded with 0.2.0's patches, `one-local-activity-per-change` and `assignee-mail`, which shipped together,
 * beside those recorded with `scope-review-reminder` (a scope review's reminder timer): the out-of-scope scenarios
 * recorded before it replay without the reminder, the one after with it.
 */
const BASELINE = ONE_LOCAL_ACTIVITY_PER_CHANGE;
const files = fs
  .readdirSync(historiesDir, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.json'))
  .sort();
const read = (f: string) => JSON.parse(fs.readFileSync(path.join(historiesDir, f), 'utf8'));

type RecordedHistory = {
  events: {
    markerRecordedEventAttributes?: { markerName: string; details: Record<string, { payloads: { data: string }[] }> };
  }[];
};

/** The decoded payloads (base64 JSON) of one detail of a history's markers of one kind. */
function markerPayloads<T>(history: RecordedHistory, markerName: string, detail: string): T[] {
  return history.events.flatMap((e) => {
    const marker = e.markerRecordedEventAttributes;
    if (marker?.markerName !== markerName) return [];
    return marker.details[detail]!.payloads.map((p) => JSON.parse(Buffer.from(p.data, 'base64').toString()) as T);
  });
}

/** The ids of the `patched()` markers in a history. */
const patchIds = (history: RecordedHistory) =>
  markerPayloads<{ id: string }>(history, 'core_patch', 'patch-data').map((p) => p.id);

/** The activity types of a history's local-activity markers. */
const localActivityTypes = (history: RecordedHistory) =>
  markerPayloads<{ activity_type: string }>(history, 'core_local_activity', 'data').map((p) => p.activity_type);

function activityTypes(history: {
  events: { activityTaskScheduledEventAttributes?: { activityType: { name: string } } }[];
}): string[] {
  return history.events.flatMap((e) =>
    e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes.activityType.name] : [],
  );
}

describe('replay of recorded ticket histories', () => {
  it('has recorded histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  it('keeps the baseline (recorded before the first patch): no patch markers, mail and store writes as local activities only', () => {
    const baseline = files.filter((f) => f.startsWith(`${BASELINE}${path.sep}`));
    expect(baseline.length).toBeGreaterThanOrEqual(10);
    for (const f of baseline) {
      const history = read(f);
      expect(patchIds(history), f).toEqual([]);
      // The ticket's only regular activity is a webhook delivery; mail and store writes run locally.
      expect(
        activityTypes(history).filter((t) => t !== 'publishSlaEvent'),
        f,
      ).toEqual([]);
    }
    const mailing = baseline.filter((f) => localActivityTypes(read(f)).includes('sendNotifications'));
    expect(mailing.length).toBeGreaterThanOrEqual(10);
    // Deadlines fired in several of them, so timers are replayed too.
    const withDeadlines = baseline.filter((f) =>
      read(f).events.some((e: { timerFiredEventAttributes?: unknown }) => e.timerFiredEventAttributes),
    );
    expect(withDeadlines.length).toBeGreaterThanOrEqual(3);
  });

  it(`records the current code: a change that mails is one local activity, behind the ${ONE_LOCAL_ACTIVITY_PER_CHANGE} patch`, () => {
    const current = files.filter((f) => !f.includes(path.sep));
    expect(current.length).toBeGreaterThanOrEqual(10);
    const together = current.filter((f) => localActivityTypes(read(f)).includes('applyTicketChange'));
    expect(together.length).toBeGreaterThanOrEqual(5);
    for (const f of together) expect(patchIds(read(f)), f).toContain(ONE_LOCAL_ACTIVITY_PER_CHANGE);
    for (const f of current)
      expect(
        activityTypes(read(f)).filter((t) => t !== 'publishSlaEvent'),
        f,
      ).toEqual([]);
  });

  it("covers tickets assigned before the assignee's mails, and after them", () => {
    const assigns = (f: string) =>
      read(f).events.some(
        (e: {
          workflowExecutionUpdateAcceptedEventAttributes?: {
            acceptedRequest: { input: { args: { payloads: { data: string }[] } } };
          };
        }) => {
          const args = e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest.input.args.payloads ?? [];
          return args.length > 0 && JSON.parse(Buffer.from(args[0]!.data, 'base64').toString()) === 'assign';
        },
      );
    const before = files.filter((f) => f.startsWith(`${BASELINE}${path.sep}`) && assigns(f));
    const after = files.filter((f) => !f.includes(path.sep) && assigns(f));
    expect(before.length).toBeGreaterThanOrEqual(2);
    expect(after.length).toBeGreaterThanOrEqual(2);
    for (const f of after) expect(patchIds(read(f)), f).toContain('assignee-mail');
  });

  it('covers scope reviews recorded before the reminder timer, and after it', () => {
    const reminded = (f: string) => patchIds(read(f)).includes(PATCHES.scopeReviewReminder);
    const reviews = files.filter((f) => /out-of-scope|reclassif|scope-review/.test(f));
    expect(reviews.filter((f) => !reminded(f)).length).toBeGreaterThanOrEqual(3);
    expect(reviews.filter(reminded).length).toBeGreaterThanOrEqual(1);
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
