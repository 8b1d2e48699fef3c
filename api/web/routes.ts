import { createHash, createHmac, randomBytes } from 'node:crypto';
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { AppError } from '../../domain/app-errors';
import { createCalendar } from '../../domain/calendar';
import type { Store } from '../../store';
import type { TicketContent } from '../../store/tickets';
import { hashApiKey, newApiKey, type Principal } from '../../desk/principal';
import type { Desk } from '../../desk';
import { newTicketId } from '../../desk/tickets';
import { CSRF_FIELD, csrfKey, csrfToken, csrfValid } from '../http/csrf';
import { EMPTY_FORM, honeypotFilled, parseUpload, readValues, toTicketBody, uploadErrorMessage, validateForm, type FormErrors, type FormValues } from './form';
import { sendPage } from '../http/html';
import { confirmationPage, formPage, messagePage, ticketPage } from './pages';
import { supportStatus, ticketView } from './view';

export interface WebDeps {
  desk: Pick<Desk, 'tickets' | 'actions' | 'sla' | 'now'>;
  store: Store;
  adminApiKey: string;
  /** POSTs allowed per client IP and window (default 20 per 15 minutes); tests inject a tiny limit. */
  rateLimit?: { limit?: number; windowMs?: number };
  /** Unexpected failures are logged here; the customer gets an HTML page that keeps what they typed. */
  logger?: { error: (obj: object, msg: string) => void };
}

/** 32 random bytes in base64url. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const REPLY_MAX = 20_000;
/** Shown to the requester only, so that they can copy the whole link; the href itself stays relative. */
const originOf = (req: Request) => (req.get('host') ? `${req.protocol}://${req.get('host')}` : '');

/**
 * The public pages: the support form at `/` and each ticket's private page at `/t/<token>`.
 * Mounted at the root, so nothing here may use `router.use` (it would run for /api too).
 */
export function createWebRoutes(deps: WebDeps): Router {
  const { tickets, actions, sla: slaInForce, now } = deps.desk;
  const router = express.Router();
  const key = csrfKey(deps.adminApiKey);
  const linkKey = createHmac('sha256', deps.adminApiKey).update('sla-desk private ticket links').digest();
  const windowMs = deps.rateLimit?.windowMs ?? 15 * 60_000;
  const limitPosts = rateLimit({
    windowMs,
    limit: deps.rateLimit?.limit ?? 20,
    standardHeaders: 'draft-8', // also sets Retry-After on a 429
    legacyHeaders: false,
    handler: (_req, res) => {
      const wait = Math.ceil(Number(res.getHeader('Retry-After') ?? windowMs / 1000) / 60);
      // The request body is never read, so the browser's Back button still has everything typed.
      const text = `Too many requests from your network. Please wait about ${wait} minute${wait === 1 ? '' : 's'}, then go back and send again: your text is still in the form.`;
      sendPage(res, 429, messagePage('Too many requests', text));
    },
  });
  const urlencoded = express.urlencoded({ extended: false, limit: '100kb', parameterLimit: 40 });
  // A refused upload is shown next to the screenshots field instead of failing the whole request.
  const upload: RequestHandler = (req, res, next) =>
    parseUpload(req, res, (err: unknown) => {
      if (err) res.locals.uploadError = uploadErrorMessage(err);
      next();
    });

  const showForm = (req: Request, res: Response, status: number, values: FormValues, errors: FormErrors, banner?: string) => {
    const sla = slaInForce();
    sendPage(res, status, formPage({ csrf: csrfToken(req, res, key), values, errors, support: supportStatus(sla, now()), policy: sla.policy, banner }));
  };

  /** The customer behind the email, or null when the address belongs to staff. */
  async function customerFor(email: string, name: string | undefined): Promise<Principal | null> {
    const user = await deps.store.users.ensureCustomer(email, name, `C${newTicketId()}`, hashApiKey(newApiKey()), now());
    if (user.role !== 'customer') return null;
    return { id: user.id, role: 'customer', email: user.email, name: user.name, trainingIncluded: user.agreement.trainingIncluded };
  }

  router.get('/', (req, res) => showForm(req, res, 200, EMPTY_FORM, {}));

  router.post('/', limitPosts, urlencoded, upload, async (req, res) => {
    const values = readValues(req.body);
    if (!csrfValid(req, key)) {
      return showForm(req, res, 403, values, {}, 'This form had expired, so nothing was sent. Check your details and send it again.');
    }
    const sla = slaInForce();
    if (honeypotFilled(req.body)) {
      // A bot: it sees the same success a person would, and nothing is created.
      const due = supportStatus(sla, now()).firstResponse[0]!.due;
      return sendPage(res, 201, confirmationPage({ ticketId: newTicketId(), firstResponseDue: due, link: `/t/${randomBytes(32).toString('base64url')}`, origin: originOf(req) }));
    }
    const { data, errors } = validateForm(values, sla.policy);
    const uploadError = res.locals.uploadError as string | undefined;
    if (!data || uploadError) return showForm(req, res, 400, values, { ...errors, ...(uploadError ? { screenshots: uploadError } : {}) });
    try {
      const customer = await customerFor(data.email, data.name);
      if (!customer) return showForm(req, res, 400, values, { email: 'This address belongs to a support staff account; use your customer email address' });
      const files = ((req.files as Express.Multer.File[] | undefined) ?? []).map((f) => ({ name: f.originalname, size: f.size }));
      // The form's CSRF token is unique per rendered form: the same form sent twice (a double click, a
      // resubmit after Back) replays its ticket; an edited one opens a new ticket.
      const body = toTicketBody(data, files);
      const formKey = `web:${sha256(`${String((req.body as Record<string, unknown>)[CSRF_FIELD])}\n${JSON.stringify(body)}`)}`;
      const created = await tickets.create(customer, body, formKey);
      // Derived, not random: a replayed submission must show the same private link.
      const token = createHmac('sha256', linkKey).update(created.ticket.id).digest('base64url');
      if (!created.replayed) await deps.store.tickets.setAccessTokenHash(created.ticket.id, sha256(token));
      const due = created.sla.clocks.find((c) => c.metric === 'first_response')?.dueAt;
      const firstResponseDue = due ? createCalendar(sla.calendar).formatLocal(new Date(due)) : 'within our service level';
      return sendPage(res, 201, confirmationPage({ ticketId: created.ticket.id, firstResponseDue, link: `/t/${token}`, origin: originOf(req) }));
    } catch (err) {
      if (err instanceof AppError && err.code === 'invalid_input') {
        const field = err.field === 'customerEmail' ? 'email' : err.field === 'category' ? 'category' : undefined;
        return field ? showForm(req, res, 400, values, { [field]: err.message }) : showForm(req, res, 400, values, {}, err.message);
      }
      if (err instanceof AppError && err.code === 'unavailable') {
        res.setHeader('Retry-After', '5');
        return showForm(req, res, 503, values, {}, 'Our ticket system is briefly unavailable and nothing was created. Please send again in a moment.');
      }
      deps.logger?.error({ err }, 'web form submission failed');
      return showForm(req, res, 500, values, {}, 'Something went wrong on our side and nothing was created. Please send again in a moment.');
    }
  });

  /** The ticket behind a private link and the customer it belongs to; null for anything unknown. */
  async function linked(token: string): Promise<{ ticket: TicketContent; customer: Principal } | null> {
    if (!TOKEN.test(token)) return null;
    const ticket = await deps.store.tickets.byAccessTokenHash(sha256(token));
    const user = ticket ? await deps.store.users.byEmail(ticket.customerEmail) : null;
    if (!ticket || !user || user.id !== ticket.customerId) return null;
    return { ticket, customer: { id: user.id, role: 'customer', email: user.email, name: user.name, trainingIncluded: user.agreement.trainingIncluded } };
  }

  const notFound = (res: Response) =>
    sendPage(res, 404, messagePage('Ticket not found', 'This link does not match any ticket. Check that you copied the whole link.'));

  async function showTicket(req: Request, res: Response, found: NonNullable<Awaited<ReturnType<typeof linked>>>, status: number, extra: { reply?: string; replyError?: string; notice?: string } = {}) {
    const { ticket, sla, thread } = await tickets.get(found.customer, found.ticket.id);
    const view = ticketView(slaInForce(), ticket, sla, thread);
    sendPage(res, status, ticketPage({ ticket: view, action: `/t/${req.params.token}`, csrf: csrfToken(req, res, key), reply: extra.reply ?? '', replyError: extra.replyError, notice: extra.notice }));
  }

  router.get('/t/:token', async (req, res) => {
    const found = await linked(String(req.params.token));
    if (!found) return notFound(res);
    await showTicket(req, res, found, 200, { notice: req.query.sent === '1' ? 'Your reply was added to the conversation.' : undefined });
  });

  router.post('/t/:token', limitPosts, urlencoded, async (req, res) => {
    const found = await linked(String(req.params.token));
    if (!found) return notFound(res);
    const raw: unknown = (req.body as Record<string, unknown> | undefined)?.body;
    const reply = typeof raw === 'string' ? raw : '';
    if (!csrfValid(req, key)) return showTicket(req, res, found, 403, { reply, replyError: 'This page had expired, so your reply was not sent. Please send it again.' });
    const text = reply.trim();
    if (!text || text.length > REPLY_MAX) {
      const replyError = text ? `Keep your reply under ${REPLY_MAX.toLocaleString('en')} characters` : 'Write a message before sending';
      return showTicket(req, res, found, 400, { reply, replyError });
    }
    try {
      await actions.addMessage(found.customer, found.ticket.id, { body: text, channel: 'web' });
    } catch (err) {
      if (err instanceof AppError && err.code === 'invalid_transition') return showTicket(req, res, found, 409, { reply, replyError: err.message });
      throw err;
    }
    // Post/redirect/get: reloading the page never sends the reply twice.
    res.redirect(303, `/t/${req.params.token}?sent=1#thread`);
  });

  return router;
}
