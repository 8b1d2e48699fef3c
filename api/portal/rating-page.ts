import express, { type Request, type Response, type Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { BusinessCalendar } from '../../domain/calendar';
import { AppError } from '../../domain/errors';
import type { Desk } from '../../desk';
import { RATING_CHANGE_DAYS, RATING_COMMENT_MAX, type RatingAsk } from '../../desk/ratings';
import type { Logger } from '../../lib/logger';
import { CSRF_FIELD, csrfKey, csrfToken, csrfValid } from '../http/csrf';
import { html, layout, sendPage, type SafeHtml } from '../http/html';

/**
 * `/rate/<token>`: the page the resolution mail links to, where the customer rates the resolution (1–5 and a
 * comment) or changes their answer. A plain form (no script), radio buttons in a fieldset (the keyboard moves
 * between them with the arrow keys), post/redirect/get.
 */

const SCORES: [number, string][] = [
  [5, 'Excellent'],
  [4, 'Good'],
  [3, 'Fair'],
  [2, 'Poor'],
  [1, 'Very poor'],
];

const when = (cal: BusinessCalendar, t: Date) =>
  html`<time datetime="${t.toISOString()}">${cal.formatLocal(t, 'down')}</time>`;

type Rateable = Extract<RatingAsk, { state: 'open' | 'closed' }>;

function ratingForm(a: Rateable, p: { action: string; csrf: string; error?: string; saved?: boolean }): SafeHtml {
  const current = a.rating;
  const chosen = current?.score;
  return html`<h1>How did we do?</h1>
    <p>Ticket #${a.ticket.id} "${a.ticket.subject}" was resolved ${when(a.cal, a.resolvedAt)}.</p>
    ${p.saved ? html`<p class="banner ok" role="status" id="rating-saved">Thank you: your rating is recorded.</p>` : ''}
    ${
      p.error
        ? html`<div class="summary" role="alert" id="error-summary">
          <h2>Your rating was not recorded</h2>
          <p><a href="#score-5">${p.error}</a></p>
        </div>`
        : ''
    }
    <form method="post" action="${p.action}">
      <input type="hidden" name="${CSRF_FIELD}" value="${p.csrf}" />
      <fieldset class="field" id="score"${p.error ? html` aria-describedby="score-error"` : ''}>
        <legend>Your rating of the resolution</legend>
        ${p.error ? html`<p class="error" id="score-error">${p.error}</p>` : ''}
        ${SCORES.map(
          ([n, label]) =>
            html`<label class="choice"
              ><input type="radio" name="score" value="${n}" id="score-${n}" required${chosen === n ? html` checked` : ''} />
              ${n} – ${label}</label
            >`,
        )}
      </fieldset>
      <div class="field">
        <label for="comment">Comment (optional)</label>
        <p class="hint" id="comment-hint">What went well, or what should we do better?</p>
        <textarea name="comment" id="comment" maxlength="${RATING_COMMENT_MAX}" aria-describedby="comment-hint">
${current?.comment ?? ''}</textarea
        >
      </div>
      <button type="submit">${current ? 'Change my rating' : 'Send my rating'}</button>
    </form>
    <p class="meta">
      ${
        current && a.changeableUntil
          ? html`You rated it ${current.score} of 5 on ${when(a.cal, current.firstRatedAt)}; you can change your answer
          until ${when(a.cal, a.changeableUntil)}.`
          : `You can change your answer for ${RATING_CHANGE_DAYS} days after you give it.`
      }
    </p>`;
}

/** The page for a state that takes no answer, with its status code. */
function refusal(a: RatingAsk): { status: number; title: string; body: SafeHtml } {
  switch (a.state) {
    case 'unknown':
      return {
        status: 404,
        title: 'This link does not work',
        body: html`<h1>This link does not work</h1>
          <p>The rating link is incomplete or not one of ours. Open it again from the mail telling you that your ticket was resolved.</p>`,
      };
    case 'not-resolved':
      return {
        status: 409,
        title: 'Nothing to rate yet',
        body: html`<h1>Nothing to rate yet</h1>
          <p>Ticket #${a.ticket.id} "${a.ticket.subject}" has not been resolved. We will ask for your rating once it is.</p>`,
      };
    case 'reopened':
      return {
        status: 409,
        title: 'The ticket was reopened',
        body: html`<h1>The ticket was reopened</h1>
          <p>Ticket #${a.ticket.id} "${a.ticket.subject}" was reopened after its resolution, so we are still working on it. We will ask for your rating again once it is resolved.</p>`,
      };
    case 'closed':
      return {
        status: 410,
        title: 'Your rating can no longer be changed',
        body: html`<h1>Your rating can no longer be changed</h1>
          <p id="rating-closed">
            You rated the resolution of ticket #${a.ticket.id} "${a.ticket.subject}" ${a.rating!.score} of 5 on
            ${when(a.cal, a.rating!.firstRatedAt)}. Answers can be changed for ${RATING_CHANGE_DAYS} days, until
            ${when(a.cal, a.changeableUntil!)}; yours is kept as it is.
          </p>
          <p>If something is still wrong, reply to any mail about the ticket and it reopens.</p>`,
      };
    case 'open':
      throw new Error('an open rating is a form, not a refusal');
  }
}

export function createRatingRoutes(deps: { desk: Pick<Desk, 'ratings'>; adminApiKey: string; logger: Logger }): Router {
  const { ratings } = deps.desk;
  const router = express.Router();
  const key = csrfKey(deps.adminApiKey);
  const urlencoded = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 5 });
  const limitPosts = rateLimit({ windowMs: 15 * 60_000, limit: 30, standardHeaders: 'draft-8', legacyHeaders: false });

  const show = (req: Request, res: Response, a: RatingAsk, extra: { status?: number; error?: string } = {}) => {
    if (a.state !== 'open') {
      const r = refusal(a);
      return sendPage(res, r.status, layout(r.title, r.body));
    }
    const action = `/rate/${String(req.params.token)}`;
    const body = ratingForm(a, {
      action,
      csrf: csrfToken(req, res, key),
      error: extra.error,
      saved: req.method === 'GET' && req.query.saved === '1',
    });
    sendPage(res, extra.status ?? 200, layout('Rate the resolution', body));
  };

  router.get('/rate/:token', async (req, res) => show(req, res, await ratings.open(String(req.params.token))));

  router.post('/rate/:token', limitPosts, urlencoded, async (req, res) => {
    const token = String(req.params.token);
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!csrfValid(req, key))
      return show(req, res, await ratings.open(token), {
        status: 403,
        error: 'This page had expired, so nothing was recorded. Choose your rating and send it again.',
      });
    try {
      const after = await ratings.rate(token, { score: body.score, comment: body.comment });
      if (after.state !== 'open') return show(req, res, after);
      // Post/redirect/get: a reload shows the answer and never posts it again.
      res.redirect(303, `/rate/${token}?saved=1`);
    } catch (err) {
      if (err instanceof AppError && err.code === 'invalid_input')
        return show(req, res, await ratings.open(token), { status: 400, error: `${capitalised(err.message)}.` });
      deps.logger.error({ err }, 'rating not recorded');
      sendPage(
        res,
        500,
        layout(
          'Something went wrong',
          html`<h1>Something went wrong</h1>
            <p>Your rating could not be recorded. Try again in a moment.</p>`,
        ),
      );
    }
  });

  return router;
}

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The portal ticket page's part: the rating asked for, given or closed, with the link to give or change it. */
export function portalRatingSection(a: RatingAsk, path: string): SafeHtml | '' {
  if (a.state !== 'open' && a.state !== 'closed') return '';
  const r = a.rating;
  return html`<h2>Your rating</h2>
    <p id="portal-rating">
      ${r ? html`You rated the resolution ${r.score} of 5${r.comment ? html`: “${r.comment}”` : ''}. ` : ''}
      ${
        a.state === 'closed'
          ? 'It can no longer be changed.'
          : html`<a href="${path}">${r ? 'Change your rating' : 'Rate the resolution (1 to 5)'}</a>`
      }
    </p>`;
}
