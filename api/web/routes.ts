import { createHash, randomBytes } from 'node:crypto';
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { AppError } from '../../domain/errors';
import type { Desk } from '../../desk';
import { checkFiles } from '../../desk/attachments';
import { addLinkRoutes } from './link-routes';
import { newTicketId } from '../../desk/tickets';
import { attachmentList, sendAttachment } from '../http/attachment';
import { CSRF_FIELD, csrfKey, csrfToken, csrfValid } from '../http/csrf';
import {
  EMPTY_FORM,
  honeypotFilled,
  parseUpload,
  readValues,
  toTicketBody,
  uploadErrorMessage,
  validateForm,
  type FormErrors,
  type FormValues,
} from './form';
import { sendPage } from '../http/html';
import { confirmationPage, formPage, messagePage, ticketPage } from './pages';
import { supportStatus, ticketView } from './view';

export interface WebDeps {
  desk: Pick<Desk, 'tickets' | 'actions' | 'sla' | 'now' | 'attachments' | 'customerLinks' | 'webIntake' | 'links'>;
  adminApiKey: string;
  /** POSTs allowed per client IP and window (default 20 per 15 minutes); tests inject a tiny limit. */
  rateLimit?: { limit?: number; windowMs?: number };
  /** Unexpected failures are logged here; the customer gets an HTML page that keeps what they typed. */
  logger?: { error: (obj: object, msg: string) => void };
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const REPLY_MAX = 20_000;
/** Shown to the requester only, so that they can copy the whole link; the href itself stays relative. */
const originOf = (req: Request) => (req.get('host') ? `${req.protocol}://${req.get('host')}` : '');

/**
 * The public pages: the support form at `/` and each ticket's private page at `/t/<token>`.
 * Mounted at the root, so nothing here may use `router.use` (it would run for /api too).
 */
export function createWebRoutes(deps: WebDeps): Router {
  const { tickets, actions, attachments, customerLinks, webIntake, sla: slaInForce, now } = deps.desk;
  const router = express.Router();
  const key = csrfKey(deps.adminApiKey);
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

  const showForm = (
    req: Request,
    res: Response,
    status: number,
    values: FormValues,
    errors: FormErrors,
    banner?: string,
  ) => {
    const sla = slaInForce();
    sendPage(
      res,
      status,
      formPage({
        csrf: csrfToken(req, res, key),
        values,
        errors,
        support: supportStatus(sla, now()),
        policy: sla.policy,
        banner,
      }),
    );
  };

  router.get('/', (req, res) => showForm(req, res, 200, EMPTY_FORM, {}));

  router.post('/', limitPosts, urlencoded, upload, async (req, res) => {
    const values = readValues(req.body);
    if (!csrfValid(req, key)) {
      return showForm(
        req,
        res,
        403,
        values,
        {},
        'This form had expired, so nothing was sent. Check your details and send it again.',
      );
    }
    const sla = slaInForce();
    if (honeypotFilled(req.body)) {
      // A bot: it sees the same success a person would, and nothing is created.
      const due = supportStatus(sla, now()).firstResponse[0]!.due;
      return sendPage(
        res,
        201,
        confirmationPage({
          ticketId: newTicketId(),
          firstResponseDue: due,
          link: `/t/${randomBytes(32).toString('base64url')}`,
          origin: originOf(req),
          email: '',
        }),
      );
    }
    const { data, errors } = validateForm(values, sla.policy);
    const uploaded = (req.files as Express.Multer.File[] | undefined) ?? [];
    const { kept, refused } = checkFiles(uploaded.map((f) => ({ filename: f.originalname, data: f.buffer })));
    const uploadError =
      (res.locals.uploadError as string | undefined) ??
      (refused.length
        ? `${refused.map((r) => `${r.filename}: ${r.reason}`).join('; ')}. Choose the screenshots again.`
        : undefined);
    if (!data || uploadError)
      return showForm(req, res, 400, values, { ...errors, ...(uploadError ? { screenshots: uploadError } : {}) });
    try {
      // The form's CSRF token is unique per rendered form: the same form sent twice (a double click, a
      // resubmit after Back) replays its ticket; an edited one (text or files) opens a new ticket.
      const body = toTicketBody(data);
      const fileHashes = kept.map((f) => sha256(f.data.toString('base64'))).join(',');
      const formKey = `web:${sha256(`${String((req.body as Record<string, unknown>)[CSRF_FIELD])}\n${JSON.stringify(body)}\n${fileHashes}`)}`;
      const opened = await webIntake.open({ email: data.email, name: data.name }, body, formKey, kept);
      if (opened.kind === 'staff')
        return showForm(req, res, 400, values, {
          email: 'This address belongs to a support staff account; use your customer email address',
        });
      const { created } = opened;
      const due = created.sla.clocks.find((c) => c.metric === 'first_response')?.dueAt;
      // In the ticket's own calendar: an organization's member was promised their agreement's hours, not the default's.
      const cal = (await tickets.termsOf(created.ticket, created.sla)).calendar;
      const firstResponseDue = due ? cal.formatLocal(new Date(due)) : null;
      const { awaitingScopeReview, scopeReviewDueAt, category } = created.sla;
      const review =
        awaitingScopeReview && scopeReviewDueAt
          ? { until: cal.formatLocal(new Date(scopeReviewDueAt)), category }
          : undefined;
      // Known address: the link goes to its mailbox only (with the acknowledgement), never to this browser.
      const link = opened.showLink ? deps.desk.links.customerPath(created.ticket.id) : null;
      return sendPage(
        res,
        201,
        confirmationPage({
          ticketId: created.ticket.id,
          firstResponseDue,
          review,
          link,
          origin: originOf(req),
          email: created.ticket.customerEmail,
          pendingOrganization: created.ticket.pendingOrganization?.name,
        }),
      );
    } catch (err) {
      if (err instanceof AppError && err.code === 'invalid_input') {
        const field = err.field === 'customerEmail' ? 'email' : err.field === 'category' ? 'category' : undefined;
        return field
          ? showForm(req, res, 400, values, { [field]: err.message })
          : showForm(req, res, 400, values, {}, err.message);
      }
      if (err instanceof AppError && err.code === 'unavailable') {
        res.setHeader('Retry-After', '5');
        return showForm(
          req,
          res,
          503,
          values,
          {},
          'Our ticket system is briefly unavailable and nothing was created. Please send again in a moment.',
        );
      }
      deps.logger?.error({ err }, 'web form submission failed');
      return showForm(
        req,
        res,
        500,
        values,
        {},
        'Something went wrong on our side and nothing was created. Please send again in a moment.',
      );
    }
  });

  /** The ticket behind a private link and the customer it belongs to; null for anything unknown. Opening it verifies the ticket. */
  const linked = (token: string) => customerLinks.open(token);

  const notFound = (res: Response) =>
    sendPage(
      res,
      404,
      messagePage('Ticket not found', 'This link does not match any ticket. Check that you copied the whole link.'),
    );

  async function showTicket(
    req: Request,
    res: Response,
    found: NonNullable<Awaited<ReturnType<typeof linked>>>,
    status: number,
    extra: { reply?: string; replyError?: string; filesError?: string; notice?: string } = {},
  ) {
    const { ticket, sla, thread } = await tickets.get(found.customer, found.ticket.id);
    const terms = await tickets.termsOf(ticket, sla);
    const view = ticketView({ calendar: terms.calendar.spec, policy: terms.policy }, ticket, sla, thread);
    const files = attachmentList(
      await attachments.list(ticket.id),
      (fileId) => `/t/${String(req.params.token)}/files/${encodeURIComponent(fileId)}`,
    );
    sendPage(
      res,
      status,
      ticketPage({
        ticket: view,
        files,
        action: `/t/${req.params.token}`,
        csrf: csrfToken(req, res, key),
        reply: extra.reply ?? '',
        replyError: extra.replyError,
        filesError: extra.filesError,
        notice: extra.notice,
      }),
    );
  }

  router.get('/t/:token', async (req, res) => {
    const found = await linked(String(req.params.token));
    if (!found) return notFound(res);
    await showTicket(req, res, found, 200, {
      notice: req.query.sent === '1' ? 'Your reply was added to the conversation.' : undefined,
    });
  });

  router.get('/t/:token/files/:fileId', async (req, res) => {
    const found = await linked(String(req.params.token));
    if (!found) return notFound(res);
    try {
      sendAttachment(res, await attachments.get(found.ticket.id, String(req.params.fileId)), req.query.inline === '1');
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found')
        return sendPage(res, 404, messagePage('File not found', 'This ticket has no such file.'));
      throw err;
    }
  });

  router.post('/t/:token', limitPosts, urlencoded, upload, async (req, res) => {
    const found = await linked(String(req.params.token));
    if (!found) return notFound(res);
    const raw: unknown = (req.body as Record<string, unknown> | undefined)?.body;
    const reply = typeof raw === 'string' ? raw : '';
    if (!csrfValid(req, key))
      return showTicket(req, res, found, 403, {
        reply,
        replyError: 'This page had expired, so your reply was not sent. Please send it again.',
      });
    const text = reply.trim();
    if (!text || text.length > REPLY_MAX) {
      const replyError = text
        ? `Keep your reply under ${REPLY_MAX.toLocaleString('en')} characters`
        : 'Write a message before sending';
      return showTicket(req, res, found, 400, { reply, replyError });
    }
    // The files follow the one attachment policy; one refused file sends nothing, as on the form.
    const uploaded = (req.files as Express.Multer.File[] | undefined) ?? [];
    const { kept, refused } = checkFiles(uploaded.map((f) => ({ filename: f.originalname, data: f.buffer })));
    const fileError =
      (res.locals.uploadError as string | undefined) ??
      (refused.length
        ? `${refused.map((r) => `${r.filename}: ${r.reason}`).join('; ')}. Choose the files again.`
        : undefined);
    if (fileError) return showTicket(req, res, found, 400, { reply, filesError: fileError });
    try {
      await actions.addMessage(found.customer, found.ticket.id, { body: text, channel: 'web', files: kept });
    } catch (err) {
      if (err instanceof AppError && err.code === 'invalid_transition')
        return showTicket(req, res, found, 409, { reply, replyError: err.message });
      if (err instanceof AppError && err.code === 'too_large')
        return showTicket(req, res, found, 413, {
          reply,
          filesError: `Your reply was not sent: ${err.message}. Send it without the files.`,
        });
      throw err;
    }
    // Post/redirect/get: reloading the page never sends the reply twice.
    res.redirect(303, `/t/${req.params.token}?sent=1#thread`);
  });

  addLinkRoutes(router, { desk: deps.desk, csrfKey: key, urlencoded });

  return router;
}
