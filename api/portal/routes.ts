import express, {
  type ErrorRequestHandler,
  type Request,
  type RequestHandler,
  type Response,
  type Router,
} from 'express';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import { refusedAddress } from '../../lib/email-address';
import { AppError } from '../../domain/errors';
import type { Desk } from '../../desk';
import type { PortalCustomer } from '../../desk/portal';
import type { Logger } from '../../lib/logger';
import { csrfKey, csrfToken, csrfValid, sessionCsrfToken, sessionCsrfValid } from '../http/csrf';
import { sendAttachment } from '../http/attachment';
import { html, sendPage, type SafeHtml } from '../http/html';
import {
  announcementsBody,
  confirmPage,
  messagePage,
  portalPage,
  signInPage,
  slaBody,
  ticketBody,
  ticketListBody,
} from './pages';
import { portalCookie } from '../http/cookies';
import { portalRatingSection } from './rating-page';
import { addRevisionRoutes, revisionBanner } from './revision-page';

export interface PortalDeps {
  desk: Pick<Desk, 'portal' | 'now' | 'ratings' | 'revisionNotices'>;
  adminApiKey: string;
  logger: Logger;
  /** Sign-in requests per client IP and window (default 10 per 15 minutes); tests raise it. */
  rateLimit?: { limit?: number; windowMs?: number };
}

const email = z
  .string()
  .trim()
  .min(1, 'Enter your email address')
  .max(254, 'Keep this under 254 characters')
  .check(refusedAddress.for('This address '))
  .pipe(z.email('Enter an email address like name@example.com'));
const TICKET_ID = /^[0-9A-Z]{6,16}$/;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** The customer portal under /portal: sign-in by mailed link, tickets, announcements, the SLA and its acceptance. */
export function createPortalRoutes(deps: PortalDeps): Router {
  const { portal, now } = deps.desk;
  const router = express.Router();
  const key = csrfKey(deps.adminApiKey);
  const urlencoded = express.urlencoded({ extended: false, limit: '10kb', parameterLimit: 10 });
  const windowMs = deps.rateLimit?.windowMs ?? 15 * 60_000;
  const limitRequests = rateLimit({
    windowMs,
    limit: deps.rateLimit?.limit ?? 10,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, res) =>
      sendPage(res, 429, tooManyRequestsPage(Number(res.getHeader('Retry-After')) || windowMs / 1000)),
  });

  const customer = (res: Response) => res.locals.customer as PortalCustomer;
  const secret = (res: Response) => res.locals.secret as string;
  const render = (
    res: Response,
    status: number,
    title: string,
    current: 'tickets' | 'announcements' | 'sla' | null,
    body: SafeHtml,
  ) =>
    sendPage(
      res,
      status,
      portalPage({ title, email: customer(res).email, csrf: sessionCsrfToken(key, secret(res)), current }, body),
    );
  const showSignIn = (req: Request, res: Response, status: number, value = '', error?: string, notice?: string) =>
    sendPage(res, status, signInPage({ csrf: csrfToken(req, res, key), value, error, notice }));
  const expired = (res: Response) =>
    sendPage(
      res,
      404,
      messagePage('This link no longer works', 'Sign-in links work once and for a short time. Ask for a new one.', {
        href: '/portal',
        text: 'Mail me a new sign-in link',
      }),
    );

  /** The signed-in customer, if any, into res.locals. */
  const session: RequestHandler = async (req, res, next) => {
    const cookie = portalCookie.read(req);
    const who = await portal.customerFor(cookie);
    if (who) {
      res.locals.customer = who;
      res.locals.secret = cookie;
    }
    next();
  };
  const requireCustomer: RequestHandler = (_req, res, next) =>
    res.locals.customer ? next() : res.redirect(303, '/portal');
  router.use(session);

  router.get('/', async (req, res) => {
    if (!res.locals.customer)
      return showSignIn(
        req,
        res,
        200,
        '',
        undefined,
        req.query['signed-out'] === '1' ? 'You are signed out.' : undefined,
      );
    const who = customer(res);
    const [{ rows, truncated }, cal, notices] = await Promise.all([
      portal.tickets(who),
      portal.calendarFor(who),
      deps.desk.revisionNotices.forCustomer(who.id),
    ]);
    render(
      res,
      200,
      'Your tickets',
      'tickets',
      html`${revisionBanner(notices)}${ticketListBody({
        rows,
        truncated,
        cal,
        zone: cal.zoneName(),
        organization: who.organizationRole === 'admin' && Boolean(who.organizationId),
      })}`,
    );
  });

  router.post('/sign-in', limitRequests, urlencoded, (req, res) => {
    const raw: unknown = (req.body as Record<string, unknown> | undefined)?.email;
    const value = typeof raw === 'string' ? raw.slice(0, 300) : '';
    if (!csrfValid(req, key))
      return showSignIn(req, res, 403, value, 'This page had expired, so nothing was sent. Send it again.');
    const parsed = email.safeParse(value);
    if (!parsed.success) return showSignIn(req, res, 400, value, parsed.error.issues[0]!.message);
    portal.requestSignIn(parsed.data);
    // The same words whether or not the address is known: only its mailbox learns.
    const minutes = Math.round(portal.settings.linkTtlMs / 60_000);
    sendPage(
      res,
      200,
      messagePage(
        'Check your mailbox',
        `If ${parsed.data} is known to our support, we have mailed a sign-in link there. It works once, within ${minutes} minutes; look in your spam folder too.`,
      ),
    );
  });

  router.get('/sign-in/:token', async (req, res) => {
    const token = String(req.params.token);
    const link = TOKEN.test(token) ? await portal.linkFor(token) : null;
    if (!link) return expired(res);
    sendPage(res, 200, confirmPage({ csrf: csrfToken(req, res, key), token, email: link.email }));
  });

  router.post('/sign-in/:token', urlencoded, async (req, res) => {
    const token = String(req.params.token);
    // Signing someone in to an account of the attacker's choosing is refused too: the form must be ours.
    if (!csrfValid(req, key)) {
      const link = TOKEN.test(token) ? await portal.linkFor(token) : null;
      if (!link) return expired(res);
      return sendPage(res, 403, confirmPage({ csrf: csrfToken(req, res, key), token, email: link.email }));
    }
    const opened = await portal.signIn(token);
    if (!opened) return expired(res);
    portalCookie.set(req, res, opened.secret, opened.expiresAt.getTime() - now().getTime());
    res.redirect(303, '/portal');
  });

  router.post('/sign-out', requireCustomer, urlencoded, async (req, res) => {
    if (!sessionCsrfValid(req, key, secret(res))) return res.redirect(303, '/portal');
    await portal.signOut(secret(res));
    portalCookie.clear(req, res);
    res.redirect(303, '/portal?signed-out=1');
  });

  router.get('/tickets/:id', requireCustomer, async (req, res) => {
    const id = String(req.params.id);
    const notFound = () =>
      render(res, 404, 'Not found', null, messageBody('Ticket not found', 'There is no such ticket among yours.'));
    if (!TICKET_ID.test(id)) return notFound();
    try {
      const ticket = await portal.ticket(customer(res), id);
      // Only the customer who asked rates it (an organization's admin sees colleagues' tickets too).
      const rating = ticket.requester
        ? ''
        : portalRatingSection(await deps.desk.ratings.ask(id), deps.desk.ratings.pathFor(id));
      render(res, 200, `#${ticket.id} ${ticket.subject}`, null, html`${ticketBody(ticket, ticket.calendar)}${rating}`);
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found') return notFound();
      throw err;
    }
  });

  router.get('/tickets/:id/files/:fileId', requireCustomer, async (req, res) => {
    const id = String(req.params.id);
    const notFound = () =>
      render(res, 404, 'Not found', null, messageBody('File not found', 'There is no such file among your tickets.'));
    if (!TICKET_ID.test(id)) return notFound();
    try {
      sendAttachment(res, await portal.file(customer(res), id, String(req.params.fileId)), req.query.inline === '1');
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found') return notFound();
      throw err;
    }
  });

  router.get('/announcements', requireCustomer, async (_req, res) => {
    const [items, cal] = await Promise.all([portal.announcements(), portal.calendarFor(customer(res))]);
    render(res, 200, 'Announcements', 'announcements', announcementsBody(items, cal));
  });

  const showSla = async (res: Response, status: number, extra: { notice?: string; error?: string } = {}) => {
    const [view, cal] = await Promise.all([portal.terms(customer(res)), portal.calendarFor(customer(res))]);
    render(
      res,
      status,
      'Service level agreement',
      'sla',
      slaBody({ view, cal, csrf: sessionCsrfToken(key, secret(res)), ...extra }),
    );
  };

  router.get('/sla', requireCustomer, (req, res) =>
    showSla(res, 200, { notice: req.query.accepted === '1' ? 'Thank you: your acceptance is recorded.' : undefined }),
  );

  router.post('/sla/accept', requireCustomer, urlencoded, async (req, res) => {
    if (!sessionCsrfValid(req, key, secret(res)))
      return showSla(res, 403, {
        error: 'This page had expired, so nothing was recorded. Read the agreement and accept again.',
      });
    const raw: unknown = (req.body as Record<string, unknown> | undefined)?.slaVersion;
    try {
      await portal.accept(customer(res), typeof raw === 'string' ? raw.slice(0, 200) : '');
    } catch (err) {
      if (err instanceof AppError && err.code === 'invalid_input')
        return showSla(res, 409, { error: `Nothing was recorded: ${err.message}.` });
      throw err;
    }
    // Post/redirect/get: a reload never posts twice (and a second post records nothing new anyway).
    res.redirect(303, '/portal/sla?accepted=1');
  });

  addRevisionRoutes(router, {
    notices: deps.desk.revisionNotices,
    calendarFor: portal.calendarFor,
    requireCustomer,
    urlencoded,
    customer,
    csrf: (res) => sessionCsrfToken(key, secret(res)),
    csrfValid: (req, res) => sessionCsrfValid(req, key, secret(res)),
    render: (res, status, body) => render(res, status, 'Changes to your agreement', null, body),
  });

  // Unexpected failures get a page, not problem+json: a person is reading.
  const onError: ErrorRequestHandler = (err: unknown, _req, res, next) => {
    if (res.headersSent) return next(err);
    deps.logger.error({ err }, 'portal page failed');
    sendPage(
      res,
      500,
      messagePage('Something went wrong', 'The page could not be shown. Try again in a moment.', {
        href: '/portal',
        text: 'Back to the portal',
      }),
    );
  };
  router.use(onError);
  return router;
}

/** Past the sign-in limit: when to try again (express-rate-limit has set Retry-After, in seconds), and the way back. */
function tooManyRequestsPage(retryAfterSeconds: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return messagePage(
    'Too many sign-in requests',
    `So many sign-in links were asked for from your network that this one was not sent. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
    { href: '/portal', text: 'Back to the sign-in page' },
  );
}

const messageBody = (title: string, text: string) => {
  return html`<h1>${title}</h1>
    <p>${text}</p>
    <p><a href="/portal">Back to your tickets</a></p>`;
};
