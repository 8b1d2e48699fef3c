import type { BusinessCalendar } from '../../domain/calendar';
import { PRIORITIES } from '../../domain/policy';
import type { ClockSnapshot } from '../../domain/ticket-sla';
import { TICKET_STATUSES } from '../../domain/ticket';
import type { TicketStateProjection } from '../../store/ticket-states';
import { html, type SafeHtml } from '../http/html';
import { countdown } from './time';

/** The at-risk queue: soonest deadline first, coloured by SLA state, with live countdowns. */

export interface QueueFilters {
  status?: string;
  priority?: string;
  assignee?: string;
  level?: string;
}

export interface QueuePage {
  items: TicketStateProjection[];
  filters: QueueFilters;
  levels: string[];
  nextHref: string | null;
  cal: BusinessCalendar;
  now: Date;
}

const label = (s: string) => s.replace(/_/g, ' ');

function select(name: string, text: string, values: readonly string[], selected: string | undefined): SafeHtml {
  return html`<div><label for="f-${name}">${text}</label><select id="f-${name}" name="${name}"><option value="">any</option>
${values.map((v) => html`<option value="${v}"${v === selected ? html` selected` : ''}>${label(v)}</option>`)}</select></div>`;
}

/** The running clock the next deadline belongs to, so its countdown counts the right kind of time. */
function clockKind(p: TicketStateProjection): 'business' | '24x7' {
  const clocks = (Array.isArray(p.clocks) ? p.clocks : []) as ClockSnapshot[];
  const due = p.nextDeadline?.toISOString();
  return clocks.find((c) => c.dueAt === due)?.clock ?? 'business';
}

function row(p: TicketStateProjection, cal: BusinessCalendar, now: Date): SafeHtml {
  const deadline = p.nextDeadline ? new Date(p.nextDeadline) : null;
  return html`<tr class="sla-${p.slaState}" data-ticket-id="${p.id}" data-sla-state="${p.slaState}">
<td><a href="/console/tickets/${p.id}">#${p.id}</a></td><td>${p.subject}</td><td>${p.priority}</td><td>${label(p.status)}</td>
<td>${p.assignee ?? '—'}</td><td>${p.escalationLevel}</td><td><span class="sla ${p.slaState}">${p.slaState}</span></td>
<td>${deadline ? cal.formatLocal(deadline) : '—'}</td><td>${deadline ? countdown(cal, clockKind(p), deadline, now) : '—'}</td></tr>`;
}

export function queueBody(q: QueuePage): SafeHtml {
  const f = q.filters;
  const rows = q.items.length
    ? q.items.map((p) => row(p, q.cal, q.now))
    : html`<tr><td colspan="9">No tickets match these filters.</td></tr>`;
  return html`<h1>At-risk queue</h1>
<form class="filters" method="get" action="/console">
${select('status', 'Status', TICKET_STATUSES, f.status)}${select('priority', 'Priority', [...PRIORITIES].reverse(), f.priority)}
<div><label for="f-assignee">Assignee</label><input type="text" id="f-assignee" name="assignee" value="${f.assignee ?? ''}"></div>
${select('level', 'Escalation level', q.levels, f.level)}
<button type="submit">Filter</button> <a href="/console">Clear</a></form>
<table id="queue"><thead><tr><th scope="col">Ticket</th><th scope="col">Subject</th><th scope="col">Priority</th><th scope="col">Status</th>
<th scope="col">Assignee</th><th scope="col">Level</th><th scope="col">SLA</th><th scope="col">Next deadline</th><th scope="col">Business time left</th></tr></thead>
<tbody>${rows}</tbody></table>
${q.nextHref ? html`<p><a href="${q.nextHref}" rel="next">Next page</a></p>` : ''}
<p class="meta">Sorted by next deadline; tickets without a running clock come last. Times are ${q.cal.spec.timezone}; countdowns pause while support is closed.</p>`;
}
