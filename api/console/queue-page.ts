import { PRIORITIES } from '../../domain/policy';
import type { TicketStateProjection } from '../../domain/entities';
import type { ClockSnapshot } from '../../domain/ticket-sla';
import { TICKET_STATUSES } from '../../domain/ticket';
import type { Agent } from '../../desk/agents';
import { NO_ORGANIZATION, type QueueRow } from '../../desk/ticket-list';
import { html, type SafeHtml } from '../http/html';
import { countdown, when } from './time';

/** The at-risk queue: soonest deadline first, coloured by SLA state, with live countdowns. */

export interface QueueFilters {
  status?: string;
  priority?: string;
  assignee?: string;
  level?: string;
  /** An organization's id, or `none`. */
  organization?: string;
  q?: string;
}

export interface QueuePage {
  items: QueueRow[];
  agents: Agent[];
  filters: QueueFilters;
  levels: string[];
  organizations: { id: string; name: string }[];
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
    <td data-label="Ticket"><a href="/console/tickets/${p.id}">#${p.id}</a></td>
    <td data-label="Subject" class="subject">${p.subject}${mark}</td>
    <td data-label="Requester" class="requester">
      ${p.requesterName ?? p.requesterEmail ?? '—'}${p.requesterName && p.requesterEmail ? html`<br /><span class="meta">${p.requesterEmail}</span>` : ''}
    </td>
    <td data-label="Organization" class="organization">${p.organization ?? '—'}</td>
    <td data-label="Priority">${p.priority}</td>
    <td data-label="Status">${label(p.status)}</td>
    <td data-label="Assignee" class="assignee">${p.assigneeName ?? '—'}</td>
    <td data-label="Level">${p.escalationLevel}</td>
    <td data-label="SLA">
      ${p.scopeReviewDueAt ? html`<span class="sla review" title="Closes as out of scope at its deadline unless accepted">scope review</span>` : html`<span class="sla ${p.slaState}">${p.slaState}</span>`}
    </td>
    <td data-label="Next deadline">${deadline ? when(cal, deadline, 'up') : '—'}</td>
    <td data-label="Business time left">${deadline ? countdown(cal, clockKind(p), deadline, now) : '—'}</td>
    <td data-label="Last activity" class="activity">${when(cal, new Date(activity))}</td>
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

function organizationSelect(q: QueuePage): SafeHtml {
  const selected = q.filters.organization;
  const options = [{ id: NO_ORGANIZATION, name: 'no organization' }, ...q.organizations];
  return html`<div>
    <label for="f-organization">Organization</label
    ><select id="f-organization" name="organization">
      <option value="">any</option>
      ${options.map((o) => html`<option value="${o.id}" ${o.id === selected ? html` selected` : ''}>${o.name}</option>`)}
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
      ${assigneeSelect(q.agents, f.assignee)} ${organizationSelect(q)}
      ${select('level', 'Escalation level', f.level && !q.levels.includes(f.level) ? [...q.levels, f.level] : q.levels, f.level)}
      <button type="submit">Filter</button> <a href="/console">Clear</a>
    </form>
    <table id="queue" class="cards">
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
