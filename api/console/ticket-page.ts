import type { BusinessCalendar } from '../../domain/calendar';
import type { Macro, SlaEventRecord, ThreadMessage, TicketContent } from '../../domain/entities';
import { nextLevel, type AgentAction } from '../../domain/ticket';
import type { Agent } from '../../desk/agents';
import type { PinnedTerms } from '../../desk/pinned-terms';
import { PRIORITIES } from '../../domain/policy';
import type { TicketSnapshot } from '../../domain/ticket-sla';
import type { MessageKind } from '../../domain/thread';
import { CSRF_FIELD } from '../http/csrf';
import { html, type SafeHtml } from '../http/html';
import { when } from './time';
import { timelineSvg } from './timeline';
import { clockName, clocksTable, METRIC } from './clocks-table';
import { pauseFields, pausedTimeSection } from './paused-time';
import { ratingsSection } from './ratings-section';
import type { RatingRecord } from '../../desk/ratings';

/** One ticket for an agent: SLA first, then the thread, then every action as its own small form. */

export interface TicketPageData {
  ticket: TicketContent;
  sla: TicketSnapshot;
  thread: ThreadMessage[];
  events: Omit<SlaEventRecord, 'key'>[];
  /** The ticket's own calendar (`terms.calendar`): every time, window and countdown on the page is in it. */
  cal: BusinessCalendar;
  /** The calendar and policy versions the ticket runs under. */
  terms: PinnedTerms;
  now: Date;
  csrf: string;
  me: string;
  workflowUrl: string | null;
  /** The ticket's files, linked through the console. */
  files: SafeHtml;
  /** The actions valid now, as the workflow lists them (its snapshot's `availableActions`); only these get a form. */
  available: AgentAction[];
  /** The categories a reclassification offers: the ticket's policy's. */
  categories: readonly string[];
  agents: Agent[];
  /** The vendors a ticket may wait on (the pending form's choice). */
  vendors?: readonly { id: string; name: string }[];
  macros: Macro[];
  assigneeName: string | null;
  /** Agents' names by user id, for the assignments on the timeline. */
  names: ReadonlyMap<string, string>;
  notice?: string;
  /** The workflow's refusal or an input problem, shown at the top. */
  error?: string;
  /** What the agent typed into the form that failed, so it is not lost. */
  draft?: { action: string; text: string };
  /** How the customer agreed to the ticket's SLA version; null when nothing is recorded. */
  slaAcceptance?: { via: 'portal' | 'implied'; at: Date; ticketId?: string } | null;
  /** The customer's ratings, one per resolution. */
  ratings?: RatingRecord[];
}

/** "SLA default@3 accepted in the portal Mon …" or "… implied by opening #X on …". */
function acceptance(d: TicketPageData): SafeHtml {
  const a = d.slaAcceptance;
  const how = !a
    ? 'no acceptance recorded'
    : a.via === 'portal'
      ? html`accepted in the portal ${when(d.cal, a.at)}`
      : html`accepted by engaging support (implied by opening ${a.ticketId === d.ticket.id ? 'this ticket' : `#${a.ticketId ?? '?'}`}) ${when(d.cal, a.at)}`;
  return html`<p class="meta" id="sla-acceptance">SLA <strong>${d.ticket.slaVersion}</strong>: ${how}</p>`;
}

/** Which calendar and policy versions the page reads the ticket in (an organization's ticket keeps its agreement's). */
function termsLine(d: TicketPageData): SafeHtml {
  const t = d.terms;
  return html`<p
      class="meta"
      id="ticket-terms"
      data-calendar="${t.calendarName}"
      data-policy="${t.policyName}"
      data-timezone="${t.calendar.spec.timezone}"
    >
      Runs under calendar <strong>${t.calendarName}</strong> (times in ${t.calendar.zoneName()}) and policy
      <strong>${t.policyName}</strong>.
    </p>
    ${t.standIn ? html`<p class="banner" role="status" id="terms-stand-in">Note: ${t.standIn}.</p>` : ''}`;
}

/** The ticket's escalation ladder with its current level marked. */
function ladder(d: TicketPageData): SafeHtml {
  const steps = d.terms.ladder.map((l) => (l === d.sla.escalationLevel ? html`<strong>${l}</strong>` : html`${l}`));
  return html`<span id="escalation-ladder" data-levels="${d.terms.ladder.join(',')}"
    >(ladder ${steps.map((s, i) => (i ? html` → ${s}` : s))})</span
  >`;
}

/**
 * How each running business clock reaches its deadline, derived from the snapshot's own due time so the
 * page shows one deadline per clock. A clock whose due time is its whole target from receipt (never paused)
 * is explained from receipt (what the customer was promised); otherwise from now with what is left until it.
 */
function explanations(d: TicketPageData): SafeHtml[] {
  const received = new Date(d.ticket.receivedAt);
  return d.sla.clocks
    .filter(
      (c) =>
        c.metric !== 'vendor' &&
        !c.stopped &&
        !c.paused &&
        c.clock === 'business' &&
        c.dueAt &&
        new Date(c.dueAt) > d.now,
    )
    .map((c) => {
      const due = new Date(c.dueAt!);
      const promised = d.cal.explain(received, c.targetMinutes);
      const fromReceipt =
        c.metric !== 'next_response' &&
        c.metric !== 'level' &&
        Math.abs(new Date(promised.deadline).getTime() - due.getTime()) < 60_000;
      const e = fromReceipt ? promised : d.cal.explain(d.now, d.cal.elapsed(d.now, due));
      return html`<details class="explain" data-metric="${c.metric}">
        <summary>
          ${clockName(c)} deadline: ${when(d.cal, due, 'up')} (${fromReceipt ? 'from receipt' : 'from now'})
        </summary>
        <pre class="explain">${e.lines.join('\n')}</pre>
      </details>`;
    });
}

/** Files a mail brought that were not kept, each with its reason. */
function refused(files: { filename: string; reason: string }[] | undefined): SafeHtml | '' {
  if (!files?.length) return '';
  return html`<p class="meta">Files not kept:</p>
    <ul class="refused-files">
      ${files.map((f) => html`<li>${f.filename}: ${f.reason}</li>`)}
    </ul>`;
}

/** A held mail awaits an agent: release it to the thread as the customer's, or discard it and its files. */
function heldDecision(d: TicketPageData, m: ThreadMessage): SafeHtml | '' {
  const held = m.mail?.held;
  if (!held) return '';
  if (held.status !== 'pending')
    return html`<p class="meta held-status" data-held="${held.status}">
      ${held.status === 'released' ? 'Released' : 'Discarded'} by ${held.decidedBy ?? 'an agent'}.
    </p>`;
  const button = (decision: 'release' | 'discard', label: string, cls: string) =>
    html`<form method="post" action="/console/tickets/${d.ticket.id}/held-mail/${m.id}/${decision}" class="inline">
      <input type="hidden" name="${CSRF_FIELD}" value="${d.csrf}" />
      <button type="submit" class="${cls}" id="${decision}-${m.id}">${label}</button>
    </form>`;
  return html`<div class="held-decision" data-held="pending">
    ${held.customerId ? button('release', "Release as the customer's message", '') : ''}
    ${button('discard', 'Discard', 'secondary')}
  </div>`;
}

/** A mail's whole text (quoted history included) behind a details element: no script needed. */
function mailDetails(d: TicketPageData, m: ThreadMessage): SafeHtml | '' {
  if (!m.mail) return '';
  return html`${refused(m.mail.refusedFiles)}${heldDecision(d, m)}
    <details class="original-mail">
      <summary>Original mail${m.mail.proof ? ` (sender: ${m.mail.proof})` : ''}</summary>
      <pre>${m.mail.original}</pre>
    </details>`;
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
  const intro = html`<article class="msg customer">
    <p class="meta">
      ${d.ticket.customerName ?? d.ticket.customerEmail} &lt;${d.ticket.customerEmail}&gt; ·
      ${when(d.cal, new Date(d.ticket.receivedAt))} · ${d.ticket.channel}
    </p>
    <pre>${d.ticket.description}</pre>
    ${
      d.ticket.errorMessage
        ? html`<p class="meta">Error message:</p>
            <pre>${d.ticket.errorMessage}</pre>`
        : ''
    }${refused(d.ticket.refusedFiles)}
  </article>`;
  const msgs = d.thread.map((m) => {
    const cls = m.internal ? 'internal' : m.authorRole === 'customer' ? 'customer' : 'agent';
    const label = KIND_LABEL[m.kind];
    return html`<article class="msg ${cls}" data-internal="${String(m.internal)}" data-kind="${m.kind}">
      <p class="meta">
        ${label ? html`<strong>${label}</strong> · ` : ''}${m.authorName} (${m.authorRole}) ·
        ${when(d.cal, new Date(m.createdAt))}
      </p>
      <pre>${m.body}</pre>
      ${mailDetails(d, m)}
    </article>`;
  });
  return html`<div id="thread">${intro}${msgs}</div>`;
}

function actionForm(d: TicketPageData, action: string, button: string, fields: SafeHtml | '' = '', cls = ''): SafeHtml {
  return html`<form
    class="card"
    method="post"
    action="/console/tickets/${d.ticket.id}/actions/${action}"
    id="action-${action}"
  >
    <input type="hidden" name="${CSRF_FIELD}" value="${d.csrf}" />${fields}
    <p><button type="submit" ${cls ? html` class="${cls}"` : ''}>${button}</button></p>
  </form>`;
}

function textArea(d: TicketPageData, action: string, name: string, text: string, required = false): SafeHtml {
  const value = d.draft?.action === action ? d.draft.text : '';
  return html`<label for="${action}-${name}">${text}</label
    ><textarea id="${action}-${name}" name="${name}" ${required ? html` required` : ''}>${value}</textarea>`;
}

function assignPicker(d: TicketPageData): SafeHtml {
  const current = d.sla.assignee;
  return html`<label for="assign-agent">Assign to agent</label
    ><select id="assign-agent" name="agent" required>
      ${current && !d.agents.some((a) => a.id === current) ? html`<option value="" selected disabled>${current} (not an agent)</option>` : ''}
      ${d.agents.map((a) => html`<option value="${a.id}" ${a.id === current ? html` selected` : ''}>${a.name} &lt;${a.email}&gt;</option>`)}
    </select>`;
}

/** Picking a canned response reloads the page with it filled into the reply (a plain GET: no script needed). */
function macroPicker(d: TicketPageData): SafeHtml | '' {
  if (!d.macros.length) return '';
  return html`<form class="card" method="get" action="/console/tickets/${d.ticket.id}" id="use-macro">
    <label for="macro-pick">Canned response</label
    ><select id="macro-pick" name="macro">
      ${d.macros.map((m) => html`<option value="${m.id}">${m.title}</option>`)}
    </select>
    <p><button type="submit" class="secondary">Fill in the reply</button></p>
  </form>`;
}

const closeConfirm = (d: TicketPageData): SafeHtml =>
  html`${textArea(d, 'close', 'reason', 'Reason for closing (optional)')}
    <p>
      <input type="checkbox" id="close-confirm" name="confirm" value="yes" required />
      <label for="close-confirm" class="inline">Yes, close it: the customer can no longer reply to this ticket</label>
    </p>`;

function actions(d: TicketPageData): SafeHtml {
  const s = d.sla;
  // A closed ticket's workflow has finished: no action can reach it, so none is offered.
  if (s.status === 'closed' || s.status === 'out_of_scope')
    return html`<p id="actions">This ticket is ${s.status.replace(/_/g, ' ')}; no further actions are possible.</p>`;
  // A refused form stays, with what was typed, even when the action no longer fits (the page was stale).
  const can = (a: AgentAction) => d.available.includes(a) || d.draft?.action === a;
  const form = (a: AgentAction, make: () => SafeHtml) => (can(a) ? make() : '');
  return html`<div class="grid" id="actions" data-actions="${d.available.join(',')}">
    ${form('reply', () => html`${macroPicker(d)}${actionForm(d, 'reply', 'Send reply', textArea(d, 'reply', 'body', 'Reply to the customer', true))}`)}
    ${actionForm(d, 'note', 'Add internal note', textArea(d, 'note', 'body', 'Internal note (agents only)', true), 'secondary')}
    ${form('assign', () => actionForm(d, 'assign', 'Assign', assignPicker(d)))}
    ${form('priority', () =>
      actionForm(
        d,
        'priority',
        'Change priority',
        html`<label for="priority-priority">New priority</label
          ><select id="priority-priority" name="priority">
            ${[...PRIORITIES].reverse().map((p) => html`<option value="${p}" ${p === s.priority ? html` selected` : ''}>${p}</option>`)}
          </select>`,
      ),
    )}
    ${form('pending', () => actionForm(d, 'pending', 'Set pending', pauseFields(d.terms.policy, d.vendors ?? [], textArea(d, 'pending', 'reason', 'Reason: what the customer should send, or what the ticket waits for (optional)')), 'secondary'))}
    ${form('escalate', () => actionForm(d, 'escalate', `Escalate to ${nextLevel(s.escalationLevel, d.terms.ladder) ?? 'the next level'}`, textArea(d, 'escalate', 'reason', `Reason, for agents only (now at ${s.escalationLevel})`), 'danger'))}
    ${form('resolve', () => actionForm(d, 'resolve', 'Resolve', textArea(d, 'resolve', 'body', 'Resolution note to the customer (optional)')))}
    ${form('reopen', () => actionForm(d, 'reopen', 'Reopen', '', 'secondary'))}
    ${form('close', () => actionForm(d, 'close', 'Close', closeConfirm(d), 'danger'))}
    ${form('reclassify', () =>
      actionForm(
        d,
        'reclassify',
        'Change category',
        html`<label for="reclassify-category">New category (now ${s.category})</label
          ><select id="reclassify-category" name="category">
            ${d.categories.filter((c) => c !== s.category).map((c) => html`<option value="${c}">${c}</option>`)}</select
          >${textArea(d, 'reclassify', 'reason', 'Why (on the timeline)')}`,
        'secondary',
      ),
    )}
    ${form('accept', () => actionForm(d, 'accept', 'Accept out-of-scope ticket', s.awaitingScopeReview ? html`<p class="meta">Awaiting scope review until ${s.scopeReviewDueAt ? when(d.cal, new Date(s.scopeReviewDueAt), 'up') : '—'}.</p>` : ''))}
  </div>`;
}

/** What an event changed, in words: "high → urgent", "bug → training", "Sam Agent → Kim Lee" (from nobody says so). */
function changed(d: TicketPageData, e: TicketPageData['events'][number]): string {
  const from = String(e.detail?.from ?? '');
  const to = String(e.detail?.to ?? '');
  if (e.type === 'priority_changed' || e.type === 'reclassified') return `${from} → ${to}`;
  if (e.type === 'assigned') return `${from ? (d.names.get(from) ?? from) : 'nobody'} → ${d.names.get(to) ?? to}`;
  if (e.type === 'breach_action' && e.detail?.action === 'raise_priority') return `priority ${from} → ${to}`;
  if (e.type === 'breach_action')
    return `assigned ${from ? (d.names.get(from) ?? from) : 'nobody'} → ${d.names.get(to) ?? to}`;
  return '';
}

/** A reminder's share of its target (`warning at 75 %`), so the 50, 75 and 90 % rows of one clock tell apart. */
const threshold = (detail: Record<string, unknown> | undefined) =>
  typeof detail?.threshold === 'number' ? ` at ${Math.round(detail.threshold * 100)} %` : '';

function eventsTable(d: TicketPageData): SafeHtml {
  return html`<table id="events" class="cards">
    <thead>
      <tr>
        <th scope="col">When</th>
        <th scope="col">Event</th>
        <th scope="col">Change</th>
        <th scope="col">Clock</th>
        <th scope="col">Level</th>
        <th scope="col">Due</th>
      </tr>
    </thead>
    <tbody>
      ${d.events.map(
        (e) =>
          html`<tr data-type="${e.type}">
            <td data-label="When">${when(d.cal, e.at)}</td>
            <td data-label="Event">${e.type.replace(/_/g, ' ')}${threshold(e.detail)}</td>
            <td data-label="Change" class="change">${changed(d, e)}</td>
            <td data-label="Clock">${e.metric ? METRIC[e.metric] : ''}</td>
            <td data-label="Level">${e.level ?? ''}</td>
            <td data-label="Due">${e.dueAt ? when(d.cal, e.dueAt, 'up') : ''}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/** A ticket under scope review says so at the top: when it closes by itself, and what agents can do meanwhile. */
function scopeReview(d: TicketPageData): SafeHtml | '' {
  const s = d.sla;
  if (!s.awaitingScopeReview || !s.scopeReviewDueAt) return '';
  return html`<p class="banner" role="status" id="scope-review">
    <strong>Under scope review:</strong> ${s.category.replace(/-/g, ' ')} is outside this ticket's agreement. It closes
    as out of scope at <strong>${when(d.cal, new Date(s.scopeReviewDueAt), 'up')}</strong> unless accepted or reclassified;
    its clocks start when it is accepted. Reply, assign and add notes meanwhile.
  </p>`;
}

/** Rather than a table of headings alone: why no clock runs. */
const noClocks = (d: TicketPageData) =>
  html`<p class="meta" id="no-clocks">
    ${d.sla.awaitingScopeReview ? 'No clock runs during the scope review; they start when the ticket is accepted.' : 'No clock has started yet.'}
  </p>`;

export function ticketBody(d: TicketPageData): SafeHtml {
  const s = d.sla;
  return html`<h1>#${d.ticket.id}: ${d.ticket.subject}</h1>
    ${d.notice ? html`<p class="banner ok" role="status" id="notice">${d.notice}</p>` : ''}
    ${d.error ? html`<p class="banner" role="alert" id="refusal">${d.error}</p>` : ''}
    ${d.ticket.unverified ? html`<p class="banner" role="status" id="unverified">Unverified sender: opened on the web form under ${d.ticket.customerEmail} (an existing customer's address, or one at an organization's domain), and the link mailed there has not been opened yet. Do not share anything confidential until it is.</p>` : ''}
    <p>
      Status <strong id="ticket-status">${s.status.replace(/_/g, ' ')}</strong> ·
      ${s.awaitingScopeReview ? html`<span class="sla review" id="sla-state">scope review</span>` : html`<span class="sla ${s.slaState}" id="sla-state">${s.slaState}</span>`}
      · priority <strong>${s.priority}</strong> · <span id="ticket-category">${s.category}</span> · assignee
      <strong id="assignee">${d.assigneeName ?? 'nobody'}</strong> · level
      <strong id="level">${s.escalationLevel}</strong> ${ladder(d)}
      ${d.workflowUrl ? html` · <a id="workflow-link" href="${d.workflowUrl}" rel="noreferrer" target="_blank">workflow in Temporal UI</a>` : ''}
    </p>
    ${scopeReview(d)} ${acceptance(d)} ${termsLine(d)} ${ratingsSection(d.cal, d.ratings ?? [], d.names)}
    <h2>SLA clocks</h2>
    ${s.clocks.length ? clocksTable(d) : noClocks(d)}
    <h2>Timeline</h2>
    ${timelineSvg(d.cal, s, d.events, d.now)} ${explanations(d)} ${pausedTimeSection(s, d.terms.policy, d.cal)}
    <h2>Conversation</h2>
    ${thread(d)} ${d.files}
    <h2>Actions</h2>
    ${actions(d)}
    <h2>SLA events</h2>
    ${eventsTable(d)}`;
}
