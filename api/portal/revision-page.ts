import type { Request, RequestHandler, Response, Router } from 'express';
import type { BusinessCalendar } from '../../domain/calendar';
import { AppError } from '../../domain/errors';
import type { PortalCustomer } from '../../desk/portal';
import type { RevisionNotice, RevisionNotices } from '../../desk/revision-notices';
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
  error?: string;
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
    ${p.error ? html`<p class="banner" role="alert" id="refusal">${p.error}</p>` : ''}
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

/** `/portal/revisions`: the customer's notices, and their acceptance (post/redirect/get). */
export function addRevisionRoutes(
  router: Router,
  deps: {
    notices: RevisionNotices;
    calendarFor: (who: PortalCustomer) => Promise<BusinessCalendar>;
    requireCustomer: RequestHandler;
    urlencoded: RequestHandler;
    customer: (res: Response) => PortalCustomer;
    csrf: (res: Response) => string;
    csrfValid: (req: Request, res: Response) => boolean;
    render: (res: Response, status: number, body: SafeHtml) => void;
  },
): void {
  const show = async (res: Response, status: number, words: { notice?: string; error?: string } = {}) => {
    const who = deps.customer(res);
    const [notices, cal] = await Promise.all([deps.notices.forCustomer(who.id), deps.calendarFor(who)]);
    deps.render(res, status, revisionsBody({ notices, cal, csrf: deps.csrf(res), ...words }));
  };

  router.get('/revisions', deps.requireCustomer, (req, res) =>
    show(res, 200, req.query.accepted === '1' ? { notice: 'Thank you: your acceptance is recorded.' } : {}),
  );

  router.post('/revisions/accept', deps.requireCustomer, deps.urlencoded, async (req, res) => {
    if (!deps.csrfValid(req, res))
      return show(res, 403, { error: 'This page had expired, so nothing was recorded. Accept again.' });
    const raw: unknown = (req.body as Record<string, unknown> | undefined)?.revision;
    try {
      await deps.notices.accept(deps.customer(res), typeof raw === 'string' ? raw.slice(0, 200) : '');
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found')
        return show(res, 404, { error: 'There is no such change among yours.' });
      throw err;
    }
    res.redirect(303, '/portal/revisions?accepted=1');
  });
}
