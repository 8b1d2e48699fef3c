import { setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { BusinessCalendar } from '../../domain/calendar';
import type { TicketSlaState, TicketSnapshot } from '../../domain/ticket-sla';
import * as sa from '../search-attributes';

/** A search attribute's value as compared for a change: dates by instant, absent and null alike. */
const comparable = (v: unknown): unknown => (v instanceof Date ? v.getTime() : (v ?? null));

/** What operators see of a ticket in the Temporal UI: its search attributes and its current details. */
export class OperatorView {
  private lastAttributes = '';
  /** With `onlyChanged`, the values the server holds, from the start's (or the run before's) attributes on. */
  private readonly held = new Map<string, unknown>();

  /**
   * `onlyChanged`: each upsert carries only the attributes whose value changed (a breach: the SLA state, the
   * level and the next deadline), and the first pass skips what the start already set. Runs recorded before
   * upserted all eight on every change; their replay keeps that.
   */
  constructor(private readonly onlyChanged: boolean) {
    if (!onlyChanged) return;
    for (const { key, value } of workflowInfo().typedSearchAttributes.getAll())
      this.held.set(key.name, comparable(value));
  }

  show(s: TicketSlaState, snap: TicketSnapshot, cal: BusinessCalendar): void {
    const attributes = [
      { key: sa.TicketStatus, value: snap.status },
      { key: sa.TicketPriority, value: snap.priority },
      { key: sa.TicketCategory, value: snap.category },
      { key: sa.CustomerId, value: snap.customerId },
      { key: sa.AssignedAgent, value: snap.assignee ?? null },
      { key: sa.EscalationLevel, value: snap.escalationLevel },
      { key: sa.SlaState, value: snap.slaState },
      { key: sa.NextDeadline, value: snap.nextDeadline ? new Date(snap.nextDeadline) : null },
    ];
    if (this.onlyChanged) {
      const changed = attributes.filter((a) => this.held.get(a.key.name) !== comparable(a.value));
      if (changed.length) upsertSearchAttributes(changed);
      for (const a of changed) this.held.set(a.key.name, comparable(a.value));
    } else {
      // An upsert is a command in the history: only a change of value is worth one.
      const fingerprint = JSON.stringify(attributes.map((a) => a.value));
      if (fingerprint !== this.lastAttributes) {
        this.lastAttributes = fingerprint;
        upsertSearchAttributes(attributes);
      }
    }
    setCurrentDetails(renderTicketDetails(s, snap, cal));
  }
}

/** The readable SLA summary operators see as the workflow's current details in the Temporal UI. */
export function renderTicketDetails(s: TicketSlaState, snap: TicketSnapshot, cal: BusinessCalendar): string {
  const lines = [
    `**Ticket #${s.ticketId}**: ${s.subject}`,
    `Status: ${snap.status} · Priority: ${snap.priority} · Level: ${snap.escalationLevel} · SLA: ${snap.slaState}`,
    `Customer: ${s.customer.email}${snap.assignee ? ` · Assignee: ${snap.assignee}` : ''}`,
  ];
  if (snap.awaitingScopeReview && snap.scopeReviewDueAt) {
    lines.push(
      `Out of scope (${s.category}); closes unless accepted by ${cal.formatLocal(new Date(snap.scopeReviewDueAt))}`,
    );
  }
  for (const c of snap.clocks) {
    const name = c.metric.replace('_', ' ');
    if (c.stopped)
      lines.push(
        `- ${name}: stopped after ${c.usedMinutes} of ${c.targetMinutes} min${c.breached ? ' (breached)' : ''}`,
      );
    else if (c.paused) lines.push(`- ${name}: paused, ${c.remainingMinutes} of ${c.targetMinutes} business min left`);
    else if (c.dueAt) {
      lines.push(
        `- ${name}: due ${cal.formatLocal(new Date(c.dueAt))} (${c.remainingMinutes} min left${c.breached ? ', breached' : ''})`,
      );
    }
  }
  return lines.join('\n');
}
