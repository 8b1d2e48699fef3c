import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { customerScope } from '../../domain/agreement';
import { factsFromTimeline, type ReplayTerms } from '../../domain/sla-replay';
import type { TicketWorkflowInput, RetimeArgs } from '../../workflows/ticket';
import { checkTicket, type SelfCheckMismatch } from '../../desk/sla-self-check';
import { createReplayReads } from '../../store/replay-reads';
import type { Store } from '../../store';

/**
 * The what-if's self-check over every ticket a test stack's store holds, run as the stack closes (stack.ts,
 * time-skipping.ts), so every ticket the integration and workflow tests create is replayed under the terms it was
 * pinned to and must give its recorded outcomes. The terms are the workflow's own: its start input and the
 * re-timings it accepted (its history), exact even for tickets a test started without storing their content.
 * `SLA_SELF_CHECK=0` leaves it out; `SLA_SELF_CHECK=verbose` prints how many tickets each stack replayed.
 */
export async function selfCheckStack(store: Store, client: Client): Promise<void> {
  if (process.env.SLA_SELF_CHECK === '0') return;
  const reads = createReplayReads(store.conn);
  const rows = await reads.received(new Date(0), new Date(8.64e15));
  const ids = rows.map((r) => r.id);
  const [timelines, messages] = await Promise.all([reads.timelines(ids), reads.customerMessages(ids)]);
  const mismatches: SelfCheckMismatch[] = [];
  for (const row of rows) {
    const timeline = timelines.get(row.id) ?? [];
    const terms = await termsFromHistory(client, row.id);
    if (!terms) {
      // A receipt on the timeline was written by a workflow: its history must be there to say its terms.
      mismatches.push({
        id: row.id,
        recorded: [],
        replayed: [],
        caveats: ["its workflow's history could not be read"],
      });
      continue;
    }
    // A workflow test sends customers' messages to the workflow without storing them: their instants come from its history.
    const unstored = [];
    for (const m of terms.customerMessages) if (!(await store.messages.get(m.id))) unstored.push(m.at);
    const facts = factsFromTimeline(timeline, [...(messages.get(row.id) ?? []), ...unstored], terms.accepted);
    if (!facts) continue;
    const mismatch = checkTicket({ ...facts, ticketId: row.id }, timeline, row.clocks, terms);
    if (mismatch) mismatches.push(mismatch);
  }
  if (process.env.SLA_SELF_CHECK === 'verbose')
    process.stderr.write(`sla self-check: ${rows.length} ticket(s) replayed, ${mismatches.length} differ\n`);
  if (mismatches.length)
    throw new Error(
      `the replay under their pinned terms does not give the recorded outcomes of ${mismatches.length} of ${rows.length} tickets:\n` +
        JSON.stringify(mismatches, null, 1),
    );
}

async function termsFromHistory(
  client: Client,
  id: string,
): Promise<{
  opened: ReplayTerms;
  retimeTo: (d: Record<string, unknown>) => ReplayTerms | null;
  customerMessages: { id: string; at: string }[];
  accepted: string[];
} | null> {
  const handle = client.workflow.getHandle(`ticket-${id}`);
  let history;
  try {
    history = await handle.fetchHistory();
  } catch {
    return null; // a ticket whose workflow never started (refused at intake, Temporal away)
  }
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  const firstRun = started?.firstExecutionRunId;
  let input = decode<TicketWorkflowInput>(started?.input?.payloads?.[0]);
  const runs = [history];
  if (input?.carried && firstRun) {
    const first = await client.workflow.getHandle(`ticket-${id}`, firstRun).fetchHistory();
    input = decode<TicketWorkflowInput>(
      first.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0],
    );
    runs.unshift(first);
  }
  if (!input?.intake) return null;
  const { intake } = input;
  const scope = intake.terms?.scope ?? customerScope(intake.customer.trainingIncluded);
  const retimes = runs.flatMap((h) =>
    (h.events ?? []).flatMap((e) => {
      const req = e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input;
      return req?.name === 'retime' ? [decode<RetimeArgs>(req.args?.payloads?.[0])!] : [];
    }),
  );
  const customerMessages = runs.flatMap((h) =>
    (h.events ?? []).flatMap((e) => {
      const update = e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input;
      const signal = e.workflowExecutionSignaledEventAttributes;
      const payload =
        update?.name === 'addCustomerReply'
          ? update.args?.payloads?.[0]
          : signal?.signalName === 'customerReply'
            ? signal.input?.payloads?.[0]
            : undefined;
      const args = decode<{ messageId: string }>(payload);
      return args ? [{ id: args.messageId, at: eventTime(e.eventTime) }] : [];
    }),
  );
  const accepted = runs.flatMap((h) =>
    (h.events ?? []).flatMap((e) => {
      const update = e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input;
      const action = update?.name === 'agentAction' ? decode<string>(update.args?.payloads?.[0]) : undefined;
      return action === 'accept' ? [eventTime(e.eventTime)] : [];
    }),
  );
  let next = 0;
  let lastScope = scope;
  return {
    customerMessages,
    accepted,
    opened: { policy: intake.policy, calendar: intake.calendar, scope },
    // Each recorded re-timing, in order, is one the workflow accepted.
    retimeTo: () => {
      const r = retimes[next++];
      if (!r) return null;
      lastScope = r.terms?.scope ?? lastScope;
      return { policy: r.policy, calendar: r.calendar, scope: lastScope };
    },
  };
}

function decode<T>(payload: unknown): T | undefined {
  return payload ? defaultPayloadConverter.fromPayload<T>(payload as never) : undefined;
}

/** A history event's time (a protobuf Timestamp: seconds and nanos) as an ISO instant. */
function eventTime(t: { seconds?: unknown; nanos?: number | null } | null | undefined): string {
  const ms = Number(t?.seconds ?? 0) * 1000 + Math.floor((t?.nanos ?? 0) / 1e6);
  return new Date(ms).toISOString();
}
