import type { RequestHandler, Request, Response, Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import { refusedAddress } from '../../lib/email-address';
import type { Desk } from '../../desk';
import { csrfToken, csrfValid } from '../http/csrf';
import { emailRequestForm } from '../http/email-form';
import { html, layout, sendPage } from '../http/html';
import { messagePage } from './pages';

/** Requests for links per client IP and window: each may mail someone, so fewer than form posts. */
const LINK_REQUESTS = { limit: 5, windowMs: 15 * 60_000 };

const email = z
  .string()
  .trim()
  .min(1, 'Enter your email address')
  .max(254, 'Keep this under 254 characters')
  .check(refusedAddress.for('This address '))
  .pipe(z.email('Enter an email address like name@example.com'));

function linkRequestPage(p: { csrf: string; value: string; error?: string }): string {
  return layout(
    'Get your ticket links',
    html`<h1>Get your ticket links by email</h1>
      <p>
        Lost the link to your ticket? Enter the address you wrote from and we will mail you the links to your tickets.
        For your privacy they are only ever sent by mail, never shown here.
      </p>
      ${emailRequestForm({ action: '/link', csrf: p.csrf, value: p.value, error: p.error, submit: 'Mail me my links' })}
      <p><a href="/">Open a new ticket</a></p>`,
  );
}

/**
 * `/link`: a customer asks for their private links again; `/tickets/<id>`: the address older mails
 * carried. Neither ever says whether an address or a ticket exists.
 */
export function addLinkRoutes(
  router: Router,
  deps: {
    desk: Pick<Desk, 'customerLinks'>;
    csrfKey: Buffer;
    urlencoded: RequestHandler;
    rateLimit?: { limit?: number; windowMs?: number };
  },
) {
  const windowMs = deps.rateLimit?.windowMs ?? LINK_REQUESTS.windowMs;
  const limitRequests = rateLimit({
    windowMs,
    limit: deps.rateLimit?.limit ?? LINK_REQUESTS.limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, res) =>
      sendPage(
        res,
        429,
        messagePage(
          'Too many requests',
          'Too many link requests from your network. Please wait a few minutes and try again.',
        ),
      ),
  });
  const show = (req: Request, res: Response, status: number, value = '', error?: string) =>
    sendPage(res, status, linkRequestPage({ csrf: csrfToken(req, res, deps.csrfKey), value, error }));

  router.get('/link', (req, res) => show(req, res, 200));

  router.post('/link', limitRequests, deps.urlencoded, (req, res) => {
    const raw: unknown = (req.body as Record<string, unknown> | undefined)?.email;
    const value = typeof raw === 'string' ? raw.slice(0, 300) : '';
    if (!csrfValid(req, deps.csrfKey))
      return show(req, res, 403, value, 'This page had expired, so nothing was sent. Send it again.');
    const parsed = email.safeParse(value);
    if (!parsed.success) return show(req, res, 400, value, parsed.error.issues[0]!.message);
    deps.desk.customerLinks.requestLinks(parsed.data);
    // The same words whether or not the address is known: the mailbox is the only place that learns.
    sendPage(
      res,
      200,
      messagePage(
        'Check your mailbox',
        `If ${parsed.data} has tickets with us, we have sent the links to them there. It may take a few minutes; look in your spam folder too.`,
      ),
    );
  });

  // Old notification mails linked here. Whoever follows one goes where they can read tickets: the
  // console checks an agent's session (its cookie only travels under /console), anyone else can ask
  // for their links by mail. The answer is the same whether or not the ticket exists.
  router.get('/tickets/:id', (req, res) => {
    const id = String(req.params.id);
    res.redirect(303, /^[0-9A-Z]{6,16}$/.test(id) ? `/console/open/${id}` : '/link');
  });
}
