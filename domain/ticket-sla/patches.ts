/**
 * Every patch of the ticket workflow, and the plan for retiring each: the one home of patch ids (the workflow's
 * `patched` calls and the domain's checks both take them from here; test/workflow/replay.test.ts holds the code,
 * the plan and test/histories to each other).
 *
 * A patch moves through three stages:
 * - `patched`: the code asks Temporal's `patched` and keeps the old branch for runs recorded before the patch.
 * - `deprecated`: the old branch is gone; the workflow's adapter (workflows/ticket/patches.ts) calls
 *   `deprecatePatch` instead when the plan says so. Safe once no run that can still be replayed started before the
 *   first worker carrying the patch was deployed (`deprecateWhen`). The history generations from before the patch
 *   go from test/histories in the same change: they could not replay any more.
 * - deleted: the entry and the call go. Safe once no run that can still be replayed holds the marker `patched`
 *   wrote (`deleteWhen`); a marker the code no longer asks about fails replay, so the stored histories holding it
 *   are recorded again on the new code.
 *
 * "Can still be replayed" includes closed tickets: pages read a ticket from its projection (desk/ticket-sla-reads.ts)
 * and a finished run's answer from its close event, but a query (a ticket whose row predates rows carrying the whole
 * snapshot, an operator's `temporal workflow query`) replays the run on a worker until the namespace's retention
 * removes it. So the visibility queries below count closed runs too; Temporal lists closed runs only within retention.
 *
 * Why the domain takes a check: three of these (`assignee-mail`, `scope-review-reminder`, `pause-reasons`) change
 * what the domain decides (the assignee's notices and timeline event, the scope review's reminder timer, which
 * clocks a pause stops and its end timer), not only how the workflow carries it out. So `applyAgentAction` (assign), `applyCustomerReply`, `nextTimedEvent` and
 * `fireTimedEvent` take a `PatchCheck` and ask it only where the new behaviour would act. Without it old runs
 * would get the new effects on replay (mail and timers they never had: a non-determinism error), so it stays
 * until the last of those patches is deleted; then the parameter goes too.
 */

export interface PatchPlan {
  id: string;
  /** What the patch changed in the commands a ticket's run records. */
  changed: string;
  /** The commit that introduced it (`git log -S"'<id>'"`) and the code generation it shipped in. */
  since: { commit: string; date: string; generation: string };
  stage: 'patched' | 'deprecated';
  /** The condition for moving to `deprecatePatch`, and the visibility query an operator runs to check it. */
  deprecateWhen: string;
  /** The condition for deleting the patch (and its deprecatePatch call). */
  deleteWhen: string;
}

/** The start instant to put in the queries: when the first worker with the patch was deployed (not the commit). */
const replayable = (started: string) =>
  `temporal workflow count --query "WorkflowType = 'ticketWorkflow' AND StartTime < '${started}'" answers 0`;

/** Every patch retires the same way; `shipped` names the deployment that first carried it. */
const retirement = (shipped: string) => ({
  deprecateWhen:
    `No ticket run started before ${shipped} was deployed is open or within retention: ` +
    replayable(`<${shipped} deployed, ISO>`),
  deleteWhen:
    'deprecatePatch has been deployed and no run started before that deployment is open or within retention: ' +
    replayable('<deprecation deployed, ISO>'),
});

export const PATCH_PLAN = [
  {
    id: 'one-local-activity-per-change',
    changed:
      'A change that mails besides the receipt (a breach and its escalation) sends its mail and records its ' +
      'timeline and projection in one local activity, applyTicketChange, instead of sendNotifications followed ' +
      'by recordTicketChange.',
    since: { commit: 'a3cd4e2', date: '2026-11-29', generation: '0.2.0' },
    stage: 'patched',
    ...retirement('0.2.0'),
  },
  {
    id: 'assignee-mail',
    changed:
      'The assignee is mailed on assignment, on a customer message and when the ticket warns or breaches ' +
      '(notify effects in the domain: more local-activity work per change), and an assignment is an `assigned` ' +
      'timeline event.',
    since: { commit: 'eefb3c8', date: '2026-11-29', generation: '0.2.0' },
    stage: 'patched',
    ...retirement('0.2.0'),
  },
  {
    id: 'scope-review-reminder',
    changed:
      'A scope review starts a timer of its own that reminds the customer and the assignee before the review ' +
      'closes the ticket (one more timer and one more mail per review).',
    since: { commit: '1918e7c', date: '2026-12-07', generation: 'scope-review-reminder' },
    stage: 'patched',
    ...retirement('the reminder'),
  },
  {
    id: 'continue-as-new-carries-effects',
    changed:
      'Continue-as-new no longer waits for webhook deliveries: once due, the run keeps its deadline timer armed ' +
      'until its mail and store writes are done, then continues with the undelivered webhooks, the latest ' +
      'update answers, its memo and its search attributes (the new run publishes the webhooks).',
    since: { commit: '610343d', date: '2026-12-07', generation: 'continue-as-new-carries-effects' },
    stage: 'patched',
    ...retirement('the carrying continue-as-new'),
  },
  {
    id: 'deadline-at-temporal-cost',
    changed:
      "Asked first thing in a run (its marker lands in the first task, not in a deadline's). A change is one local " +
      'activity with a 5-second budget (receipt included), then a regular ' +
      'activity; the deadline timer is kept while its instant is unchanged; search attribute upserts carry only ' +
      'the changed values and none repeats what the start set.',
    since: { commit: '2230f23', date: '2026-12-07', generation: 'deadline-at-temporal-cost' },
    stage: 'patched',
    ...retirement('the bounded local activities'),
  },
  {
    id: 'pause-reasons',
    changed:
      "Setting a ticket pending names what it waits on (the policy's `pauses`): the reason decides which clocks " +
      'pause, and a reason with `maxMinutes` starts a timer that ends the pause by itself, resumes the clocks and ' +
      'mails the assignee (one more timer and one more mail per such pause); a wait on a known vendor runs the ' +
      "vendor's clock on its calendar, with a warning and a breach timer (mails to the assignee, a chaser to the " +
      "vendor's contacts); each pause ending is on the timeline.",
    since: { commit: '8bbbbeb', date: '2026-12-07', generation: 'deadline-at-temporal-cost' },
    stage: 'patched',
    ...retirement('the pause reasons'),
  },
  {
    id: 'policy-reminders',
    changed:
      'A ticket whose policy has `reminders` gets a timer per reminder, clock and cycle instead of the one ' +
      '`warningAt` warning (held to the next opening with `supportHoursOnly`), each a `warning` event with its ' +
      'threshold and a mail per audience; its vendor clocks take the same reminders. Asked only of such tickets, ' +
      'so the others record the same commands.',
    since: { commit: 'a8e498d', date: '2026-12-07', generation: 'deadline-at-temporal-cost' },
    stage: 'patched',
    ...retirement('the policy reminders'),
  },
  {
    id: 'level-clocks',
    changed:
      "An escalation step's `respondWithinMinutes` starts the level's own clock when the ticket reaches it (a warning " +
      'and a breach timer, mails to the level, the next level and the assignee), and its `actions` (raise the ' +
      'priority, assign) run once when a breach escalates to it; asked only for tickets whose policy has them.',
    since: { commit: '9e52bda', date: '2026-12-07', generation: 'deadline-at-temporal-cost' },
    stage: 'patched',
    ...retirement('the level clocks'),
  },
  {
    id: 'level-clock-reminders',
    changed:
      "A level clock whose ticket's policy has `reminders` warns at each of them (a timer, a `warning` event with its " +
      'threshold and mails to the audiences each names) instead of once at `warningAt`; asked only when such a ' +
      'clock starts.',
    since: { commit: '1c2411b', date: '2026-12-07', generation: 'deadline-at-temporal-cost' },
    stage: 'patched',
    ...retirement('the level clock reminders'),
  },
] as const satisfies readonly PatchPlan[];

export type PatchId = (typeof PATCH_PLAN)[number]['id'];

/** The patch ids by the name the code uses. */
export const PATCHES = {
  oneLocalActivityPerChange: 'one-local-activity-per-change',
  assigneeMail: 'assignee-mail',
  scopeReviewReminder: 'scope-review-reminder',
  continueAsNewCarriesEffects: 'continue-as-new-carries-effects',
  deadlineAtTemporalCost: 'deadline-at-temporal-cost',
  pauseReasons: 'pause-reasons',
  policyReminders: 'policy-reminders',
  levelClocks: 'level-clocks',
  levelClockReminders: 'level-clock-reminders',
} as const satisfies Record<string, PatchId>;

/**
 * The code generations whose recorded histories must still replay, oldest first, each with the patches its code
 * knew. Each keeps its histories in its own folder of test/histories (the newest in the folder itself); a
 * generation is dropped, with its folder, once every patch it lacks is deleted.
 */
export const HISTORY_GENERATIONS = [
  { name: '0.1.0', commit: '7ae3468', patches: [], folder: 'one-local-activity-per-change' },
  {
    name: '0.2.0',
    commit: 'd5f9f0a',
    patches: ['one-local-activity-per-change', 'assignee-mail'],
    folder: 'scope-review-reminder',
  },
  {
    name: 'scope-review-reminder',
    commit: '1918e7c',
    patches: ['one-local-activity-per-change', 'assignee-mail', 'scope-review-reminder'],
    folder: 'continue-as-new-carries-effects',
  },
  {
    name: 'continue-as-new-carries-effects',
    commit: '610343d',
    patches: [
      'one-local-activity-per-change',
      'assignee-mail',
      'scope-review-reminder',
      'continue-as-new-carries-effects',
    ],
    folder: 'deadline-at-temporal-cost',
  },
  {
    name: 'deadline-at-temporal-cost',
    commit: '2230f23',
    patches: [
      'one-local-activity-per-change',
      'assignee-mail',
      'scope-review-reminder',
      'continue-as-new-carries-effects',
      'deadline-at-temporal-cost',
      'pause-reasons',
      'policy-reminders',
      'level-clocks',
      'level-clock-reminders',
    ],
    folder: '.',
  },
] as const satisfies readonly { name: string; commit: string; patches: readonly PatchId[]; folder: string }[];

/**
 * Whether a behaviour added after tickets were already running applies at this point of a ticket's history:
 * the workflow passes Temporal's `patched` (through the plan), so a replayed history keeps the commands it was
 * recorded with. Called only where the behaviour would act.
 */
export type PatchCheck = (patchId: PatchId) => boolean;
export const ALWAYS_PATCHED: PatchCheck = () => true;
