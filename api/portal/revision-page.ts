import type { BusinessCalendar } from '../../domain/calendar';
import type { RevisionNotice } from '../../desk/revision-notices';
import { CSRF_FIELD } from '../http/csrf';
import { html, type SafeHtml } from '../http/html';

/** The portal's revision notices: what changed in the customer's terms, from when, and their acceptance. No script. */

const when = (cal: BusinessCalendar, t: Date) =>
  html`<time datetime="${t.toISOString()}">${cal.formatLocal(t, 'down')}</time>`;

export function revisionsBody(p: {
  notices: RevisionNotice[];
  cal: BusinessCalendar;
  csrf: string;
  notice?: string;
}): SafeHtml {
  const items = p.notices.map(
    (n) => html`<section class="msg" data-revision="${n.revisionId}">
      <p class="meta">Announced ${when(p.cal, n.createdAt)}</p>
      <ul>
        ${n.lines.map((l) => html`<li>${l}</li>`)}
      </ul>
      ${
        n.acceptedAt
          ? html`<p class="meta" data-accepted="true">You accepted it ${when(p.cal, n.acceptedAt)}.</p>`
          : html`<form method="post" action="/portal/revisions/accept">
            <input type="hidden" name="${CSRF_FIELD}" value="${p.csrf}" />
            <input type="hidden" name="revision" value="${n.revisionId}" />
            <button type="submit">I have read the changes and accept them</button>
          </form>`
      }
    </section>`,
  );
  return html`<h1>Changes to your agreement</h1>
    ${p.notice ? html`<p class="banner ok" role="status" id="notice">${p.notice}</p>` : ''}
    <p>
      When we revise what our support service promises you, we tell you here and by mail. Tickets you opened before a
      change keep the terms they were opened under. The whole agreement in force:
      <a href="/portal/sla">our service level agreement</a>.
    </p>
    ${items.length ? items : html`<p>No changes so far.</p>`}
    <p><a href="/portal">Back to your tickets</a></p>`;
}

/** The portal home's reminder of changes not yet accepted. */
export function revisionBanner(notices: RevisionNotice[]): SafeHtml | '' {
  const open = notices.filter((n) => !n.acceptedAt).length;
  return open
    ? html`<p class="banner" role="status" id="revision-banner">
        Our service level agreement changed for you (${open} change${open === 1 ? '' : 's'} to read).
        <a href="/portal/revisions">Read and accept the changes</a>
      </p>`
    : '';
}
