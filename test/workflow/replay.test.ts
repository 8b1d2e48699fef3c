import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { historiesDir } from '../support/histories';
import { workflowBundle } from '../support/stack';
import { HISTORY_GENERATIONS, PATCH_PLAN, PATCHES, type PatchPlan } from '../../domain/ticket-sla';

/**
 * Histories recorded from real runs of every scenario (RECORD_HISTORIES=1 npm test writes them to
 * test/histories). Replaying them against today's workflow code fails on any change that would break
 * tickets already running. A change goes behind `patched()` with its id in the plan (domain/ticket-sla/patches.ts),
 * and the histories recorded before it move to a subfolder named after the patch, so every generation of the code
 * keeps being replayed: the plan lists the generations, their patches and their folders, and this file holds the
 * code, the plan and the stored histories to each other.
 *
 * Generations: `one-local-activity-per-change/` holds 0.1.0's histories (the baseline: nothing ran before it, so it
 * has no `patched()` forks), with scenarios of test/workflow/agreements.test.ts and test/workflow/assignee.test.ts
 * recorded on 0.1.0's code (organizations' tickets, assignments, a customer's message, a warning and a breach with
 * no mail to the assignee). `scope-review-reminder/` holds 0.2.0's, recorded with its two patches,
 * `one-local-activity-per-change` and `assignee-mail`, which shipped together; `continue-as-new-carries-effects/` holds
 * those recorded with `scope-review-reminder` too (a scope review's reminder timer); `deadline-at-temporal-cost/` those
 * recorded with `continue-as-new-carries-effects` (test/workflow/lifecycle.test.ts and continue-as-new.test.ts: the
 * run that decided the switch with the patch's marker, and the run it continued as, which delivers the webhooks it
 * was handed); the folder itself holds those recorded with `deadline-at-temporal-cost` and `pause-reasons`, which
 * ship together (every scenario recorded again: the patch asked in the first task, one bounded local activity per
 * change, the deadline timer kept; test/integration/customer-replies.test.ts: a run that took a customer's message
 * and a live-session request as updates, which replaced the signals other histories hold;
 * test/workflow/pause-reasons.test.ts: a hold that its `maxMinutes` timer ends, a vendor's breach).
 */
const plan: readonly PatchPlan[] = PATCH_PLAN;
const generations = HISTORY_GENERATIONS.map((g) => ({ ...g, patches: [...g.patches] as string[] }));
const [BASELINE, V020] = generations.map((g) => g.folder);
const files = fs
  .readdirSync(historiesDir, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.json'))
  .sort();
const read = (f: string) => JSON.parse(fs.readFileSync(path.join(historiesDir, f), 'utf8'));
/** The folder of test/histories a history lies in ('.' for the folder itself). */
const folderOf = (f: string) => path.dirname(f);
const inFolder = (folder: string) => files.filter((f) => folderOf(f) === folder);

/** The workflow and domain sources, where patches are asked for. */
const root = fileURLToPath(new URL('../..', import.meta.url));
const sources = ['workflows', 'domain'].flatMap((dir) =>
  fs
    .readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => ({ file: path.join(dir, f), text: fs.readFileSync(path.join(root, dir, f), 'utf8') })),
);

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

type TimedHistory = {
  events: (RecordedHistory['events'][number] & {
    eventId: string;
    eventType: string;
    eventTime: string;
    timerStartedEventAttributes?: { timerId: string; startToFireTimeout: string; workflowTaskCompletedEventId: string };
    timerCanceledEventAttributes?: { timerId: string; workflowTaskCompletedEventId: string };
  })[];
};

/**
 * The timers a history cancelled and started again, in one task, for the instant they already waited for. The
 * instant is the workflow's clock (its task's start) plus the timeout, as the workflow computed it.
 */
function rearmed(history: TimedHistory): string[] {
  const at = new Map(history.events.map((e) => [e.eventId, Date.parse(e.eventTime)]));
  const due = new Map<string, number>();
  const cancelled = new Map<string, number>();
  const found: string[] = [];
  for (const e of history.events) {
    const started = e.timerStartedEventAttributes;
    const canceled = e.timerCanceledEventAttributes;
    if (canceled) cancelled.set(canceled.workflowTaskCompletedEventId, due.get(canceled.timerId)!);
    if (!started) continue;
    const instant = at.get(started.workflowTaskCompletedEventId)! + parseFloat(started.startToFireTimeout) * 1_000;
    due.set(started.timerId, instant);
    const before = cancelled.get(started.workflowTaskCompletedEventId);
    if (before !== undefined && Math.abs(before - instant) < 5) found.push(started.timerId);
  }
  return found;
}

type Payloads = Record<string, { data?: string }>;

/**
 * The search attributes a history upserted with the value the run already had (from its start, or an earlier
 * upsert), as `<event id>:<attribute>`. Temporal's own change-version attribute is left out.
 */
function repeatedAttributes(history: TimedHistory): string[] {
  const held = new Map<string, string | undefined>();
  const found: string[] = [];
  for (const e of history.events as (TimedHistory['events'][number] & {
    workflowExecutionStartedEventAttributes?: { searchAttributes?: { indexedFields?: Payloads } };
    upsertWorkflowSearchAttributesEventAttributes?: { searchAttributes: { indexedFields: Payloads } };
  })[]) {
    const started = e.workflowExecutionStartedEventAttributes?.searchAttributes?.indexedFields;
    for (const [key, value] of Object.entries(started ?? {})) held.set(key, value.data);
    const upserted = e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes.indexedFields ?? {};
    for (const [key, value] of Object.entries(upserted)) {
      if (key === 'TemporalChangeVersion') continue;
      if (held.has(key) && held.get(key) === value.data) found.push(`${e.eventId}:${key}`);
      held.set(key, value.data);
    }
  }
  return found;
}

/** The patch a `PATCHES.<name>` reference names. */
const referenced = (text: string) =>
  [...text.matchAll(/PATCHES\.(\w+)/g)].map((m) => (PATCHES as Record<string, string>)[m[1]!] ?? `unknown ${m[1]}`);

describe('the patch plan (domain/ticket-sla/patches.ts)', () => {
  it('names every patch the code asks for, and the code asks for every patch it plans', () => {
    const ids = plan.map((p) => p.id);
    expect(new Set(ids).size, 'one entry per id').toBe(ids.length);
    expect(Object.values(PATCHES).sort()).toEqual([...ids].sort());
    // Temporal's own calls sit in one adapter, which takes the id from the checks the code makes; every check
    // names its patch by the plan's name for it, never by an id of its own.
    const adapter = path.join('workflows', 'ticket', 'patches.ts');
    const temporal = /import \{[^}]*\b(patched|deprecatePatch)\b[^}]*\} from '@temporalio\/workflow'/;
    expect(sources.filter((s) => temporal.test(s.text)).map((s) => s.file)).toEqual([adapter]);
    for (const s of sources) {
      for (const [call, arg] of s.text.matchAll(/\b(?:patched|deprecatePatch)\(([^)]*)\)/g)) {
        if (s.file === adapter) expect(arg, call).toBe('id');
        else expect(arg, `${s.file}: ${call}`).toMatch(/^PATCHES\.\w+$/);
      }
    }
    const asked = new Set(sources.flatMap((s) => referenced(s.text)));
    for (const id of ids) expect(asked.has(id), `${id} is planned but never asked for: delete it`).toBe(true);
    expect([...asked].filter((id) => !ids.includes(id))).toEqual([]);
  });

  it('says for each patch what it changed, since when, and when it can be deprecated and deleted', () => {
    for (const p of plan) {
      expect(p.changed.length, p.id).toBeGreaterThan(40);
      expect(p.since.commit, p.id).toMatch(/^[0-9a-f]{7,40}$/);
      expect(p.since.date, p.id).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(
        generations.map((g) => g.name),
        p.id,
      ).toContain(p.since.generation);
      for (const when of [p.deprecateWhen, p.deleteWhen])
        expect(when, p.id).toContain("WorkflowType = 'ticketWorkflow'");
    }
  });

  it('holds a folder of histories for each generation that must still replay, and nothing else', () => {
    const folders = new Set(files.map(folderOf));
    expect([...folders].sort()).toEqual(generations.map((g) => g.folder).sort());
    for (const g of generations) expect(inFolder(g.folder).length, g.folder).toBeGreaterThanOrEqual(1);
    // Each generation knows the patches of the one before it, and the newest knows every patch.
    for (const [i, g] of generations.entries()) {
      for (const id of generations[i - 1]?.patches ?? []) expect(g.patches, g.name).toContain(id);
    }
    expect(generations.at(-1)!.patches.sort()).toEqual(plan.map((p) => p.id).sort());
  });

  it("finds in each history only the patches of its generation's code", () => {
    for (const f of files) {
      const g = generations.find((x) => x.folder === folderOf(f))!;
      for (const id of patchIds(read(f))) expect(g.patches, f).toContain(id);
    }
  });

  it('replays both branches of each patch still forking: a history without it, and one with it', () => {
    for (const p of plan.filter((x) => x.stage === 'patched')) {
      const before = generations.filter((g) => !g.patches.includes(p.id));
      expect(before.flatMap((g) => inFolder(g.folder)).length, `${p.id}: a history from before it`).toBeGreaterThan(0);
      expect(
        files.filter((f) => patchIds(read(f)).includes(p.id)).length,
        `${p.id}: a history with it`,
      ).toBeGreaterThan(0);
    }
  });

  it('keeps no history a deprecated patch could not replay (one recorded before it)', () => {
    for (const p of plan.filter((x) => x.stage === 'deprecated')) {
      expect(
        generations.filter((g) => !g.patches.includes(p.id)).map((g) => g.name),
        p.id,
      ).toEqual([]);
    }
  });
});

describe('replay of recorded ticket histories', () => {
  it('has recorded histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  it('keeps the baseline (recorded before the first patch): no patch markers, mail and store writes as local activities only', () => {
    const baseline = inFolder(BASELINE!);
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

  it(`records 0.2.0 and after: a change that mails is one local activity, behind the ${PATCHES.oneLocalActivityPerChange} patch`, () => {
    const current = files.filter((f) => folderOf(f) !== BASELINE);
    expect(current.length).toBeGreaterThanOrEqual(10);
    const together = current.filter((f) => localActivityTypes(read(f)).includes('applyTicketChange'));
    expect(together.length).toBeGreaterThanOrEqual(5);
    // Runs since deadline-at-temporal-cost do every change so, with no fork on the older patch.
    const behind = [PATCHES.oneLocalActivityPerChange, PATCHES.deadlineAtTemporalCost] as string[];
    for (const f of together)
      expect(
        patchIds(read(f)).some((id) => behind.includes(id)),
        f,
      ).toBe(true);
    // Regular activities: webhooks; and since deadline-at-temporal-cost, a change whose local activity ran out of
    // its budget (checked below).
    for (const f of current) {
      const lean = patchIds(read(f)).includes(PATCHES.deadlineAtTemporalCost);
      const fallbacks = lean ? ['applyTicketChange', 'recordTicketChange'] : [];
      expect(
        activityTypes(read(f)).filter((t) => t !== 'publishSlaEvent' && !fallbacks.includes(t)),
        f,
      ).toEqual([]);
    }
  });

  it(`records ${PATCHES.deadlineAtTemporalCost} and after: asked in the first task, one local activity per change, a timer kept while its instant holds`, () => {
    const lean = files.filter((f) => patchIds(read(f)).includes(PATCHES.deadlineAtTemporalCost));
    expect(lean.length).toBeGreaterThanOrEqual(10);
    for (const f of lean) {
      const history = read(f) as TimedHistory;
      const firstTask = history.events.findIndex((e) => e.eventType === 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED');
      const markers = history.events.flatMap((e, i) =>
        patchIds({ events: [e] }).includes(PATCHES.deadlineAtTemporalCost) ? [i] : [],
      );
      const secondTask = history.events.findIndex(
        (e, i) => i > firstTask && e.eventType === 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED',
      );
      expect(
        markers.every((i) => secondTask < 0 || i < secondTask),
        `${f}: the patch's marker after the first task`,
      ).toBe(true);
      expect(localActivityTypes(history), f).not.toContain('sendNotifications');
      expect(rearmed(history), `${f}: a timer cancelled and started again for the same instant`).toEqual([]);
      expect(repeatedAttributes(history), `${f}: a search attribute upserted with the value it had`).toEqual([]);
    }
    // A local activity past its budget (the mail server held) goes on as a regular activity: the one with the failed
    // local attempt's marker before it.
    const fellBack = lean.filter((f) => activityTypes(read(f)).includes('applyTicketChange'));
    expect(fellBack.length, 'a history where the mail server held a change past its budget').toBeGreaterThanOrEqual(1);
    for (const f of fellBack) {
      const events = read(f).events as { markerRecordedEventAttributes?: { markerName: string; failure?: object } }[];
      expect(
        events.some(
          (e) =>
            e.markerRecordedEventAttributes?.markerName === 'core_local_activity' &&
            e.markerRecordedEventAttributes.failure,
        ),
        f,
      ).toBe(true);
    }
    // The check bites: runs recorded before re-armed the deadline timer whenever a message woke them.
    const before = files.filter((f) => !lean.includes(f));
    expect(before.filter((f) => rearmed(read(f) as TimedHistory).length > 0).length).toBeGreaterThanOrEqual(3);
    // And upserted every attribute on every change, the unchanged ones too.
    expect(before.filter((f) => repeatedAttributes(read(f) as TimedHistory).length > 0).length).toBeGreaterThan(10);
  });

  it("covers tickets assigned before the assignee's mails, and after them", () => {
    type Event = {
      workflowExecutionStartedEventAttributes?: { input: { payloads: { data: string }[] } };
      workflowExecutionUpdateAcceptedEventAttributes?: {
        acceptedRequest: { meta: { updateId: string }; input: { args: { payloads: { data: string }[] } } };
      };
    };
    const decode = (p: { data: string }) => JSON.parse(Buffer.from(p.data, 'base64').toString()) as unknown;
    // An assignment retried after a continue-as-new is answered from the carried answers: it assigns nothing.
    const answeredBefore = (events: Event[]) => {
      const input = events[0]!.workflowExecutionStartedEventAttributes!.input.payloads[0]!;
      const { carried } = decode(input) as { carried?: { answers?: [string, unknown][] } };
      return new Set((carried?.answers ?? []).map(([id]) => id));
    };
    const assigns = (f: string) => {
      const events = read(f).events as Event[];
      const answered = answeredBefore(events);
      return events.some((e) => {
        const request = e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest;
        const args = request?.input.args.payloads ?? [];
        return args.length > 0 && decode(args[0]!) === 'assign' && !answered.has(request!.meta.updateId);
      });
    };
    const before = inFolder(BASELINE!).filter(assigns);
    const after = files.filter((f) => folderOf(f) !== BASELINE && assigns(f));
    expect(before.length).toBeGreaterThanOrEqual(2);
    expect(after.length).toBeGreaterThanOrEqual(2);
    for (const f of after) expect(patchIds(read(f)), f).toContain(PATCHES.assigneeMail);
  });

  it('covers scope reviews recorded before the reminder timer, and after it', () => {
    const reminded = (f: string) => patchIds(read(f)).includes(PATCHES.scopeReviewReminder);
    const reviews = files.filter((f) => /out-of-scope|reclassif|scope-review-reminds/.test(path.basename(f)));
    expect(reviews.filter((f) => folderOf(f) === V020 && !reminded(f)).length).toBeGreaterThanOrEqual(3);
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
