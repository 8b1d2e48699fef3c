import type { BusinessCalendar } from '../../domain/calendar';
import { PRIORITIES } from '../../domain/policy';
import type { ClockSnapshot, TicketSnapshot } from '../../domain/ticket-sla';
import type { MessageKind } from '../../domain/thread';
import type { ThreadMessage } from '../../store/messages';
import type { SlaEventRecord } from '../../store/sla-events';
import type { TicketContent } from '../../store/tickets';
import { CSRF_FIELD } from '../http/csrf';
import { html, type SafeHtml } from '../http/html';
import { countdown, hours } from './time';
import { timelineSvg } from './timeline';

/** One ticket for an agent: SLA first, then the thread, then every action as its own small form. */

export interface TicketPageData {
  ticket: TicketContent;
  sla: TicketSnapshot;
  thread: ThreadMessage[];
  events: Omit<SlaEventRecord, 'key'>[];
  cal: BusinessCalendar;
  now: Date;
  csrf: string;
  me: string;
  workflowUrl: string | null;
  notice?: string;
  /** The workflow's refusal or an input problem, shown at the top. */
  error?: string;
  /** What the agent typed into the form that failed, so it is not lost. */
  draft?: { action: string; text: string };
}

const METRIC: Record<string, string> = { first_response: 'First response', next_response: 'Next response', resolution: 'Resolution' };

function clockState(c: ClockSnapshot): string {
  return c.stopped ? 'stopped' : c.paused ? 'paused' : c.breached ? 'breached' : 'running';
}

function clocksTable(d: TicketPageData): SafeHtml {
  const rows = d.sla.clocks.map(
    (c) => html`<tr data-metric="${c.metric}" data-state="${clockState(c)}"><th scope="row">${METRIC[c.metric] ?? c.metric}</th>
<td>${c.clock === 'business' ? 'business hours' : '24×7'}</td><td class="num">${hours(c.targetMinutes)}</td><td class="num">${hours(c.usedMinutes)}</td>
<td>${c.dueAt ? d.cal.formatLocal(new Date(c.dueAt)) : '—'}</td>
<td>${c.dueAt && !c.paused ? countdown(d.cal, c.clock, new Date(c.dueAt), d.now) : c.stopped ? '—' : `${hours(c.remainingMinutes)} left (paused)`}</td>
<td>${clockState(c)}</td></tr>`,
  );
  return html`<table id="clocks"><thead><tr><th scope="col">Clock</th><th scope="col">Counts</th><th scope="col" class="num">Target</th><th scope="col" class="num">Used</th>
<th scope="col">Due</th><th scope="col">Left</th><th scope="col">State</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/**
 * How each running business clock reaches its deadline. A clock never paused is explained from
 * receipt with its whole target (what the customer was promised); otherwise from now with what is left.
 */
function explanations(d: TicketPageData): SafeHtml[] {
  const received = new Date(d.ticket.receivedAt);
  return d.sla.clocks
    .filter((c) => !c.stopped && !c.paused && c.clock === 'business' && c.remainingMinutes > 0)
    .map((c) => {
      const sinceReceipt = d.cal.elapsed(received, d.now);
      const fromReceipt = c.metric !== 'next_response' && Math.abs(sinceReceipt - c.usedMinutes) < 0.1;
      const e = fromReceipt ? d.cal.explain(received, c.targetMinutes) : d.cal.explain(d.now, c.remainingMinutes);
      return html`<details class="explain" data-metric="${c.metric}"><summary>${METRIC[c.metric]} deadline: ${e.deadlineLocal} (${fromReceipt ? 'from receipt' : 'from now'})</summary>
<pre class="explain">${e.lines.join('\n')}</pre></details>`;
    });
}

/** How each kind of typed text is labelled in the thread (a plain message or reply needs none). */
const KIND_LABEL: Partial<Record<MessageKind, string>> = {
  resolution_note: 'Resolution note (sent to the customer)',
  pending_reason: 'Waiting on the customer (sent to them)',
  close_reason: 'Close reason',
  internal_note: 'Internal note',
  escalation_reason: 'Escalation reason (internal)',
};

function thread(d: TicketPageData): SafeHtml {
  const intro = html`<article class="msg customer"><p class="meta">${d.ticket.customerName ?? d.ticket.customerEmail} &lt;${d.ticket.customerEmail}&gt; · ${d.cal.formatLocal(new Date(d.ticket.receivedAt))} · ${d.ticket.channel}</p>
<pre>${d.ticket.description}</pre>${d.ticket.errorMessage ? html`<p class="meta">Error message:</p><pre>${d.ticket.errorMessage}</pre>` : ''}</article>`;
  const msgs = d.thread.map((m) => {
    const cls = m.internal ? 'internal' : m.authorRole === 'customer' ? 'customer' : 'agent';
    const label = KIND_LABEL[m.kind];
    return html`<article class="msg ${cls}" data-internal="${String(m.internal)}" data-kind="${m.kind}"><p class="meta">${label ? html`<strong>${label}</strong> · ` : ''}${m.authorName} (${m.authorRole}) · ${d.cal.formatLocal(new Date(m.createdAt))}</p><pre>${m.body}</pre></article>`;
  });
  return html`<div id="thread">${intro}${msgs}</div>`;
}

function actionForm(d: TicketPageData, action: string, button: string, fields: SafeHtml | '' = '', cls = ''): SafeHtml {
  return html`<form class="card" method="post" action="/console/tickets/${d.ticket.id}/actions/${action}" id="action-${action}">
<input type="hidden" name="${CSRF_FIELD}" value="${d.csrf}">${fields}<p><button type="submit"${cls ? html` class="${cls}"` : ''}>${button}</button></p></form>`;
}

function textArea(d: TicketPageData, action: string, name: string, text: string, required = false): SafeHtml {
  const value = d.draft?.action === action ? d.draft.text : '';
  return html`<label for="${action}-${name}">${text}</label><textarea id="${action}-${name}" name="${name}"${required ? html` required` : ''}>${value}</textarea>`;
}

function actions(d: TicketPageData): SafeHtml {
  const s = d.sla;
  // A closed ticket's workflow has finished: no action can reach it, so none is offered.
  if (s.status === 'closed' || s.status === 'out_of_scope') return html`<p id="actions">This ticket is ${s.status.replace(/_/g, ' ')}; no further actions are possible.</p>`;
  return html`<div class="grid" id="actions">
${actionForm(d, 'reply', 'Send reply', textArea(d, 'reply', 'body', 'Reply to the customer', true))}
${actionForm(d, 'note', 'Add internal note', textArea(d, 'note', 'body', 'Internal note (agents only)', true), 'secondary')}
${actionForm(d, 'assign', 'Assign', html`<label for="assign-agent">Agent</label><input type="text" id="assign-agent" name="agent" value="${s.assignee ?? d.me}">`)}
${actionForm(d, 'priority', 'Change priority', html`<label for="priority-priority">Priority</label><select id="priority-priority" name="priority">${[...PRIORITIES].reverse().map((p) => html`<option value="${p}"${p === s.priority ? html` selected` : ''}>${p}</option>`)}</select>`)}
${actionForm(d, 'pending', 'Wait on customer', textArea(d, 'pending', 'reason', 'What the customer should send (mailed to them; optional)'), 'secondary')}
${actionForm(d, 'escalate', 'Escalate', textArea(d, 'escalate', 'reason', `Reason, for agents only (now at ${s.escalationLevel})`), 'danger')}
${actionForm(d, 'resolve', 'Resolve', textArea(d, 'resolve', 'body', 'Resolution note to the customer (optional)'))}
${actionForm(d, 'reopen', 'Reopen', '', 'secondary')}
${actionForm(d, 'close', 'Close', textArea(d, 'close', 'reason', 'Reason (optional)'), 'danger')}
${actionForm(d, 'accept', 'Accept out-of-scope ticket', s.awaitingScopeReview ? html`<p class="meta">Awaiting scope review until ${s.scopeReviewDueAt ? d.cal.formatLocal(new Date(s.scopeReviewDueAt)) : '—'}.</p>` : '')}
</div>`;
}

function eventsTable(d: TicketPageData): SafeHtml {
  return html`<table id="events"><thead><tr><th scope="col">When</th><th scope="col">Event</th><th scope="col">Clock</th><th scope="col">Level</th><th scope="col">Due</th></tr></thead>
<tbody>${d.events.map((e) => html`<tr data-type="${e.type}"><td>${d.cal.formatLocal(e.at)}</td><td>${e.type.replace(/_/g, ' ')}</td><td>${e.metric ? METRIC[e.metric] : ''}</td><td>${e.level ?? ''}</td><td>${e.dueAt ? d.cal.formatLocal(e.dueAt) : ''}</td></tr>`)}</tbody></table>`;
}

export function ticketBody(d: TicketPageData): SafeHtml {
  const s = d.sla;
  return html`<h1>#${d.ticket.id}: ${d.ticket.subject}</h1>
${d.notice ? html`<p class="banner ok" role="status" id="notice">${d.notice}</p>` : ''}
${d.error ? html`<p class="banner" role="alert" id="refusal">${d.error}</p>` : ''}
<p>Status <strong id="ticket-status">${s.status.replace(/_/g, ' ')}</strong> · <span class="sla ${s.slaState}" id="sla-state">${s.slaState}</span> · priority <strong>${s.priority}</strong> · ${d.ticket.category}
· assignee <strong id="assignee">${s.assignee ?? 'nobody'}</strong> · level <strong id="level">${s.escalationLevel}</strong>
${d.workflowUrl ? html` · <a id="workflow-link" href="${d.workflowUrl}" rel="noreferrer" target="_blank">workflow in Temporal UI</a>` : ''}</p>
<h2>SLA clocks</h2>${clocksTable(d)}
<h2>Timeline</h2>${timelineSvg(d.cal, s, d.events, d.now)}
${explanations(d)}
<h2>Conversation</h2>${thread(d)}
<h2>Actions</h2>${actions(d)}
<h2>SLA events</h2>${eventsTable(d)}`;
}
