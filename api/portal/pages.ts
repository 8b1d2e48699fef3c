import type { BusinessCalendar, MinuteRounding } from '../../domain/calendar';
import type { Announcement } from '../../domain/entities';
import { PRIORITIES, describeTarget } from '../../domain/policy';
import type { MessageKind } from '../../domain/thread';
import type { Portal, PortalClock, PortalTicketRow } from '../../desk/portal';
import type { SlaTextPart } from '../../desk/sla-text';
import { attachmentList } from '../http/attachment';
import { CSRF_FIELD } from '../http/csrf';
import { emailRequestForm } from '../http/email-form';
import { html, layout, type SafeHtml } from '../http/html';

/** The portal's pages, rendered on the server; every value goes through `html`, which escapes it. No script. */

const METRICS: Record<string, string> = {
  first_response: 'First response',
  next_response: 'Next response',
  resolution: 'Resolution',
};
/** The error message the customer pasted is part of their request: shown back with it. */
const errorMessage = (text?: string) =>
  text
    ? html`<p class="meta">Error message:</p>
        <pre id="error-message">${text}</pre>`
    : '';
const KIND_LABELS: Partial<Record<MessageKind, string>> = {
  resolution_note: 'Resolution',
  pending_reason: 'We need from you',
  close_reason: 'Closed',
};
const words = (s: string) => s.replace(/_/g, ' ');

/**
 * To the minute in the zone of the ticket's agreement, the instant in `datetime`: events rounded down (as a clock
 * shows them), due times up (never shown earlier than they are).
 */
function when(cal: BusinessCalendar, t: Date | string, rounding: MinuteRounding = 'down'): SafeHtml {
  const at = new Date(t);
  return html`<time datetime="${at.toISOString()}">${cal.formatLocal(at, rounding)}</time>`;
}

/** The signed-in frame: where the customer is, the three pages, and signing out (a form: it changes state). */
export function portalPage(
  p: { title: string; email: string; csrf: string; current: 'tickets' | 'announcements' | 'sla' | null },
  body: SafeHtml,
): string {
  const link = (href: string, key: typeof p.current, text: string) =>
    html`<a href="${href}" ${p.current === key ? html` aria-current="page"` : ''}>${text}</a>`;
  return layout(
    p.title,
    html`<header>
        <p class="meta">Support portal · signed in as <strong id="signed-in-as">${p.email}</strong></p>
        <nav aria-label="Portal">
          ${link('/portal', 'tickets', 'Your tickets')} ·
          ${link('/portal/announcements', 'announcements', 'Announcements')} ·
          ${link('/portal/sla', 'sla', 'Service level agreement')}
          <form method="post" action="/portal/sign-out">
            <input type="hidden" name="${CSRF_FIELD}" value="${p.csrf}" /><button type="submit" id="sign-out">
              Sign out
            </button>
          </form>
        </nav>
      </header>
      ${body}`,
  );
}

export function signInPage(p: { csrf: string; value: string; error?: string; notice?: string }): string {
  return layout(
    'Sign in',
    html`<h1>Support portal</h1>
      ${p.notice ? html`<p class="banner ok" role="status" id="notice">${p.notice}</p>` : ''}
      <p>
        See your tickets and their deadlines, our announcements, and the service level agreement you are under. Enter
        the address you write to support from and we will mail you a link that signs you in: no password.
      </p>
      ${emailRequestForm({ action: '/portal/sign-in', csrf: p.csrf, value: p.value, error: p.error, submit: 'Mail me a sign-in link' })}
      <p><a href="/">Open a new ticket</a></p>`,
  );
}

/** What a mailed link opens: a button that uses it. A mail scanner that fetches the link does not sign anyone in. */
export function confirmPage(p: { csrf: string; token: string; email: string }): string {
  return layout(
    'Sign in',
    html`<h1>Sign in to the support portal</h1>
      <p>Sign in as <strong>${p.email}</strong>?</p>
      <form method="post" action="/portal/sign-in/${p.token}">
        <input type="hidden" name="${CSRF_FIELD}" value="${p.csrf}" />
        <button type="submit" id="confirm-sign-in" autofocus>Sign in</button>
      </form>`,
  );
}

export function messagePage(title: string, text: string, link?: { href: string; text: string }): string {
  return layout(
    title,
    html`<h1>${title}</h1>
      <p>${text}</p>
      ${link ? html`<p><a href="${link.href}">${link.text}</a></p>` : ''}`,
  );
}

function clockCell(cal: BusinessCalendar, c: PortalClock): SafeHtml {
  return html`<li data-metric="${c.metric}" data-state="${c.state}">
    ${METRICS[c.metric] ?? c.metric}:
    <strong>${c.state}</strong>${c.dueAt && c.state !== 'met' ? html`, due ${when(cal, c.dueAt, 'up')}` : ''}
  </li>`;
}

export function ticketListBody(p: {
  rows: PortalTicketRow[];
  truncated: boolean;
  cal: BusinessCalendar;
  zone: string;
  organization: boolean;
  notice?: string;
}): SafeHtml {
  const rows = p.rows.map(
    (r) =>
      html`<tr data-ticket="${r.id}">
        <td data-label="Ticket"><a href="/portal/tickets/${r.id}">#${r.id}</a></td>
        <td data-label="Subject" class="text">
          ${r.subject}${r.requester ? html`<br /><span class="meta">from ${r.requester}</span>` : ''}
        </td>
        <td data-label="Status">${r.reviewUntil ? 'under review' : words(r.status)}</td>
        <td data-label="Priority">${r.priority}</td>
        <td data-label="Next deadline">
          ${r.reviewUntil ? html`review ends ${when(r.calendar, r.reviewUntil, 'up')}` : r.nextDeadline ? when(r.calendar, r.nextDeadline, 'up') : '—'}
        </td>
        <td data-label="SLA clocks">
          ${
            r.reviewUntil && !r.clocks.length
              ? html`<span class="meta">start once accepted</span>`
              : html`<ul>
                  ${r.clocks.map((c) => clockCell(r.calendar, c))}
                </ul>`
          }
        </td>
      </tr>`,
  );
  // Each row is written in its own ticket's zone; one zone is named once, several are named per time.
  const zones = [...new Set(p.rows.map((r) => r.calendar.zoneName()))];
  const zoneNote =
    zones.length > 1
      ? "Each ticket's times are in the zone of the agreement it runs under, to the minute."
      : `Times are in the support calendar's zone (${zones[0] ?? p.zone}), to the minute.`;
  return html`<h1>Your tickets</h1>
    ${p.notice ? html`<p class="banner ok" role="status" id="notice">${p.notice}</p>` : ''}
    <p class="meta">
      ${p.organization ? "Yours and your organization's, newest first." : 'Newest first.'} ${zoneNote}
    </p>
    ${
      p.rows.length
        ? html`<table id="tickets" class="cards">
            <caption class="hp">
              Tickets
            </caption>
            <thead>
              <tr>
                <th scope="col">Ticket</th>
                <th scope="col">Subject</th>
                <th scope="col">Status</th>
                <th scope="col">Priority</th>
                <th scope="col">Next deadline</th>
                <th scope="col">SLA clocks</th>
              </tr>
            </thead>
            <tbody>
              ${rows}
            </tbody>
          </table>`
        : html`<p id="no-tickets">You have no tickets yet.</p>`
    }
    ${p.truncated ? html`<p class="meta">Only the newest ${p.rows.length} are shown.</p>` : ''}
    <p><a href="/">Open a new ticket</a></p>`;
}

/** A request outside the agreement's scope waits for an agent's decision: until when, and what happens then. */
const reviewNotice = (cal: BusinessCalendar, until: Date, category: string) =>
  html`<p class="banner" role="status" id="scope-review">
    This request is <strong>under review until ${when(cal, until, 'up')}</strong>: ${category.replace(/-/g, ' ')} is outside
    the scope of your agreement. If an agent accepts it, we handle it under your agreement and its clocks start then;
    otherwise it closes at that time as out of scope.
  </p>`;

export function ticketBody(t: Awaited<ReturnType<Portal['ticket']>>, cal: BusinessCalendar): SafeHtml {
  const thread = t.thread.map((m) => {
    const fromCustomer = m.authorRole === 'customer';
    const label = m.kind ? KIND_LABELS[m.kind] : undefined;
    return html`<div class="msg${fromCustomer ? ' customer' : ''}">
      <p class="meta">${m.authorName} · ${when(cal, m.createdAt)}${label ? ` · ${label}` : ''}</p>
      <pre>${m.body}</pre>
    </div>`;
  });
  return html`<h1>#${t.id}: ${t.subject}</h1>
    <p>
      Status <strong id="ticket-status">${t.reviewUntil ? 'under review' : (t.waitingOn ?? words(t.status))}</strong> · priority
      <strong>${t.priority}</strong> · ${t.category} · received
      ${when(cal, t.receivedAt)}${t.requester ? html` · from ${t.requester}` : ''} · SLA ${t.slaVersion}
    </p>
    ${t.reviewUntil ? reviewNotice(cal, t.reviewUntil, t.category) : ''}
    <h2>SLA clocks</h2>
    ${
      t.clocks.length
        ? html`<ul id="clocks">
            ${t.clocks.map((c) => clockCell(cal, c))}
          </ul>`
        : html`<p>${t.reviewUntil ? 'They start once your request is accepted.' : 'Not started yet.'}</p>`
    }
    <h2>Your request</h2>
    <div class="msg customer">
      <pre>${t.description}</pre>
      ${errorMessage(t.errorMessage)}
    </div>
    <h2>Conversation</h2>
    ${thread.length ? thread : html`<p>No messages yet.</p>`}
    ${attachmentList(t.files, (fileId) => `/portal/tickets/${t.id}/files/${encodeURIComponent(fileId)}`)}
    ${t.replyPath ? html`<p><a href="${t.replyPath}" id="reply-link">Reply or add files on the ticket's page</a></p>` : ''}
    <p><a href="/portal">Back to your tickets</a></p>`;
}

export function announcementsBody(items: Announcement[], cal: BusinessCalendar): SafeHtml {
  return html`<h1>Announcements</h1>
    ${
      items.length
        ? items.map(
            (a) =>
              html`<article class="msg" data-announcement="${a.id}">
                <h2>${a.title}</h2>
                <p class="meta">
                  ${a.kind === 'maintenance' ? 'Maintenance' : 'Update'} ·
                  ${when(cal, a.createdAt)}${a.window ? html` · from ${when(cal, a.window.from)} to ${when(cal, a.window.to)}` : ''}
                </p>
                <pre>${a.body}</pre>
              </article>`,
          )
        : html`<p id="no-announcements">No announcements.</p>`
    }`;
}

const target = describeTarget;

const slaPart = (part: SlaTextPart) =>
  'address' in part ? html`<a href="mailto:${part.address}">${part.address}</a>` : part.text;

export function slaBody(p: {
  view: Awaited<ReturnType<Portal['terms']>>;
  cal: BusinessCalendar;
  csrf: string;
  notice?: string;
  error?: string;
}): SafeHtml {
  const { terms, accepted } = p.view;
  const explicit = accepted.find((a) => a.via === 'portal');
  const implied = accepted.find((a) => a.via === 'implied');
  const status = explicit
    ? html`You accepted version <strong>${terms.slaVersion}</strong> here ${when(p.cal, explicit.acceptedAt)}.`
    : implied
      ? html`You agreed to version <strong>${terms.slaVersion}</strong> by engaging support: opening ticket
          <a href="/portal/tickets/${implied.ticketId ?? ''}">#${implied.ticketId}</a>
          ${when(p.cal, implied.acceptedAt)}. You can also accept it explicitly below.`
      : html`You have not accepted version <strong>${terms.slaVersion}</strong> yet. Opening a ticket means you agree to
          it.`;
  const covered = (yes: boolean) => (yes ? 'covered' : 'not covered');
  return html`<h1>Service level agreement</h1>
    ${p.notice ? html`<p class="banner ok" role="status" id="notice">${p.notice}</p>` : ''}
    ${p.error ? html`<p class="banner" role="alert" id="refusal">${p.error}</p>` : ''}
    <p id="sla-version">You are under version <strong>${terms.slaVersion}</strong> of the SLA.</p>
    <p id="acceptance-status">${status}</p>
    <h2>Your terms</h2>
    <p id="support-hours">Support hours: <strong>${p.view.supportHours}</strong>. Deadlines count only support time.</p>
    <table id="targets">
      <caption class="hp">
        Targets by priority
      </caption>
      <thead>
        <tr>
          <th scope="col">Priority</th>
          <th scope="col">First response</th>
          <th scope="col">Next response</th>
          <th scope="col">Resolution</th>
        </tr>
      </thead>
      <tbody>
        ${[...PRIORITIES].reverse().map((pr) => {
          const t = terms.policy.targets[pr];
          return html`<tr><th scope="row">${pr}</th><td>${target(t.firstResponse)}</td><td>${target(t.nextResponse)}</td><td>${target(t.resolution)}</td></tr>`;
        })}
      </tbody>
    </table>
    <ul id="scope">
      <li>Training on product usage: <strong>${covered(p.view.trainingIncluded)}</strong></li>
      <li>Custom development or modifications: <strong>${covered(terms.scope.customDevelopment)}</strong></li>
      <li>Third-party products or services: <strong>${covered(terms.scope.thirdParty)}</strong></li>
    </ul>
    <h2>The agreement</h2>
    <div id="sla-text">${p.view.text.map((line) => html`<p>${line.map(slaPart)}</p>`)}</div>
    ${
      explicit
        ? ''
        : html`<form method="post" action="/portal/sla/accept">
            <input type="hidden" name="${CSRF_FIELD}" value="${p.csrf}" /><input
              type="hidden"
              name="slaVersion"
              value="${terms.slaVersion}"
            />
            <button type="submit" id="accept">I accept version ${terms.slaVersion}</button>
          </form>`
    }`;
}
