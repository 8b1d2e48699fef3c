import { PRIORITIES } from '../../domain/policy';
import type { ClockSnapshot } from '../../domain/ticket-sla';
import { TICKET_STATUSES } from '../../domain/ticket';
import type { TicketStateProjection } from '../../store/ticket-states';
import type { Agent } from '../../desk/agents';
import type { QueueRow } from '../../desk/ticket-list';
import { html, type SafeHtml } from '../http/html';
import { countdown, when } from './time';

/** The at-risk queue: soonest deadline first, coloured by SLA state, with live countdowns. */

export interface QueueFilters {
  status?: string;
  priority?: string;
  assignee?: string;
  level?: string;
  q?: string;
}

export interface QueuePage {
  items: QueueRow[];
  agents: Agent[];
  filters: QueueFilters;
  levels: string[];
  nextHref: string | null;
  now: Date;
}

const label = (s: string) => s.replace(/_/g, ' ');

function select(name: string, text: string, values: readonly string[], selected: string | undefined): SafeHtml {
  return html`<div>
    <label for="f-${name}">${text}</label
    ><select id="f-${name}" name="${name}">
      <option value="">any</option>
      ${values.map((v) => html`<option value="${v}" ${v === selected ? html` selected` : ''}>${label(v)}</option>`)}
    </select>
  </div>`;
}

/** The running clock the next deadline belongs to, so its countdown counts the right kind of time. */
function clockKind(p: TicketStateProjection): 'business' | '24x7' {
  const clocks = (Array.isArray(p.clocks) ? p.clocks : []) as ClockSnapshot[];
  const due = p.nextDeadline?.toISOString();
  return clocks.find((c) => c.dueAt === due)?.clock ?? 'business';
}

/** Each row in its own ticket's calendar: its zone for the times, its open windows for the countdown. */
function row(p: QueueRow, now: Date): SafeHtml {
  const cal = p.terms.calendar;
  const deadline = p.nextDeadline ? new Date(p.nextDeadline) : null;
  const activity = p.lastCustomerAt && p.lastCustomerAt > p.updatedAt ? p.lastCustomerAt : p.updatedAt;
  const mark = p.updatedForMe
    ? html` <span class="updated" title="The customer wrote since you last opened it, or you never have"
        >${p.lastCustomerAt ? 'customer replied' : 'new'}</span
      >`
    : '';
  // Under a scope review no clock runs: the row shows the review and its end (the projection's next deadline).
  const state = p.scopeReviewDueAt ? 'review' : p.slaState;
  return html`<tr
    class="sla-${state}"
    data-ticket-id="${p.id}"
    data-sla-state="${state}"
    data-updated="${String(p.updatedForMe)}"
    data-timezone="${cal.spec.timezone}"
  >
    <td><a href="/console/tickets/${p.id}">#${p.id}</a></td>
    <td>${p.subject}${mark}</td>
    <td class="requester">
      ${p.requesterName ?? p.requesterEmail ?? '—'}${p.requesterName && p.requesterEmail ? html`<br /><span class="meta">${p.requesterEmail}</span>` : ''}
    </td>
    <td>${p.organization ?? '—'}</td>
    <td>${p.priority}</td>
    <td>${label(p.status)}</td>
    <td class="assignee">${p.assigneeName ?? '—'}</td>
    <td>${p.escalationLevel}</td>
    <td>
      ${p.scopeReviewDueAt ? html`<span class="sla review" title="Closes as out of scope at its deadline unless accepted">scope review</span>` : html`<span class="sla ${p.slaState}">${p.slaState}</span>`}
    </td>
    <td>${deadline ? when(cal, deadline, 'up') : '—'}</td>
    <td>${deadline ? countdown(cal, clockKind(p), deadline, now) : '—'}</td>
    <td class="activity">${when(cal, new Date(activity))}</td>
  </tr>`;
}

function assigneeSelect(agents: Agent[], selected: string | undefined): SafeHtml {
  const known = selected === undefined || selected === 'me' || agents.some((a) => a.id === selected);
  return html`<div>
    <label for="f-assignee">Assignee</label
    ><select id="f-assignee" name="assignee">
      <option value="">anyone</option>
      <option value="me" ${selected === 'me' ? html` selected` : ''}>me</option>
      ${known ? '' : html`<option value="${selected}" selected>${selected}</option>`}
      ${agents.map((a) => html`<option value="${a.id}" ${a.id === selected ? html` selected` : ''}>${a.name}</option>`)}
    </select>
  </div>`;
}

export function queueBody(q: QueuePage): SafeHtml {
  const f = q.filters;
  const rows = q.items.length
    ? q.items.map((p) => row(p, q.now))
    : html`<tr>
        <td colspan="12">No tickets match these filters.</td>
      </tr>`;
  const mine = f.assignee === 'me';
  return html`<h1>${mine ? 'My tickets' : 'At-risk queue'}</h1>
    <p class="views">
      <a href="/console" id="view-all" ${mine ? '' : html` aria-current="page"`}>All</a> ·
      <a href="/console?assignee=me" id="view-mine" ${mine ? html` aria-current="page"` : ''}>Mine</a>
    </p>
    <form class="filters" method="get" action="/console">
      <div>
        <label for="f-q">Search</label
        ><input
          type="search"
          id="f-q"
          name="q"
          value="${f.q ?? ''}"
          maxlength="200"
          placeholder="words in subject, description or replies"
        />
      </div>
      ${select('status', 'Status', TICKET_STATUSES, f.status)}${select('priority', 'Priority', [...PRIORITIES].reverse(), f.priority)}
      ${assigneeSelect(q.agents, f.assignee)}
      ${select('level', 'Escalation level', f.level && !q.levels.includes(f.level) ? [...q.levels, f.level] : q.levels, f.level)}
      <button type="submit">Filter</button> <a href="/console">Clear</a>
    </form>
    <table id="queue">
      <thead>
        <tr>
          <th scope="col">Ticket</th>
          <th scope="col">Subject</th>
          <th scope="col">Requester</th>
          <th scope="col">Organization</th>
          <th scope="col">Priority</th>
          <th scope="col">Status</th>
          <th scope="col">Assignee</th>
          <th scope="col">Level</th>
          <th scope="col">SLA</th>
          <th scope="col">Next deadline</th>
          <th scope="col">Business time left</th>
          <th scope="col">Last activity</th>
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
    ${q.nextHref ? html`<p><a href="${q.nextHref}" rel="next">Next page</a></p>` : ''}
    <p class="meta">
      This page's address keeps its filters: bookmark it to save them. Sorted by next deadline (for a ticket under scope
      review, the review's end); tickets without a running clock come last. Each ticket's times are in its own
      calendar's zone (its organization's agreement, or the default); its countdown pauses while that calendar is
      closed.
    </p>`;
}
