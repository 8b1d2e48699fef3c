import express, {
  type ErrorRequestHandler,
  type Request,
  type RequestHandler,
  type Response,
  type Router,
} from 'express';
import { rateLimit } from 'express-rate-limit';
import { AppError } from '../../domain/errors';
import type { ListCursor } from '../../domain/entities';
import { createCalendar } from '../../domain/calendar';
import { escalationLadder } from '../../domain/ticket-sla';
import { PRIORITIES, type Priority } from '../../domain/policy';
import { AGENT_ACTIONS, TICKET_STATUSES, type AgentAction } from '../../domain/ticket';
import type { Logger } from '../../lib/logger';
import type { Principal } from '../../desk/principal';
import { CONSOLE_SESSION_MS } from '../../desk/access';
import type { Desk } from '../../desk';
import { workflowIdFor } from '../../desk/tickets';
import { renderMacro } from '../../desk/macros';
import { CSRF_FIELD, csrfKey, csrfToken, csrfValid, sessionCsrfToken, sessionCsrfValid } from '../http/csrf';
import { html } from '../http/html';
import { dashboard } from './dashboard';
import { dashboardBody } from './dashboard-page';
import { dashboardPeriod } from './dashboard-period';
import { registerMacroPages } from './macros-page';
import { registerReviewPages } from './review-page';
import { registerSimulationPages } from './simulation-page';
import { consolePage, sendConsolePage } from './layout';
import { queueBody, type QueueFilters } from './queue-page';
import { consoleCookie } from '../http/cookies';
import { ticketBody, type TicketPageData } from './ticket-page';
import { attachmentList, sendAttachment } from '../http/attachment';

export interface ConsoleDeps {
  desk: Desk;
  adminApiKey: string;
  logger: Logger;
  temporalUiUrl?: string;
  namespace?: string;
}

const TICKET_ID = /^[0-9A-Z]{6,16}$/;
const TEXT_MAX = 20_000;
const PAGE_SIZE = 50;
const DAY_MS = 86_400_000;
const DONE: Record<string, string> = {
  reply: 'Reply sent.',
  note: 'Internal note added.',
  assign: 'Assigned.',
  priority: 'Priority changed.',
  pending: 'Waiting on the customer.',
  escalate: 'Escalated.',
  resolve: 'Resolved.',
  reopen: 'Reopened.',
  close: 'Closed.',
  accept: 'Accepted into scope.',
  reclassify: 'Category changed.',
  release: "Held mail released into the thread as the customer's.",
  discard: 'Held mail discarded.',
};

/** A single plain query or form value (repeated or nested parameters read as absent), trimmed and bounded. */
function str(source: unknown, name: string, max = 200): string | undefined {
  const v = (source as Record<string, unknown> | undefined)?.[name];
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  return t && t.length <= max ? t : undefined;
}

/** The dashboard's organization: an id, `none` (customers without one) or absent (everyone). */
function organizationFilter(query: unknown): string | undefined {
  const v = str(query, 'organization', 64);
  return v && /^[A-Za-z0-9_-]+$/.test(v) ? v : undefined;
}

const encodeCursor = (c: ListCursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decodeCursor(raw: string | undefined): ListCursor | null {
  if (!raw) return null;
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as ListCursor;
    const ok =
      (c.phase === 'dated' || c.phase === 'undated') &&
      (c.value === null || !Number.isNaN(Date.parse(String(c.value)))) &&
      typeof c.id === 'string';
    return ok ? { phase: c.phase, value: c.value, id: c.id } : null;
  } catch {
    return null;
  }
}

/** 'YYYY-MM-DD' (UTC midnight) or an ISO instant with an offset. */
function parseInstant(raw: string | undefined): Date | null {
  if (!raw) return null;
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(raw)) return null;
  const d = new Date(raw.length === 10 ? `${raw}T00:00:00Z` : raw);
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * The agents' console under /console: login, the at-risk queue, a ticket page with every action,
 * and the SLA dashboard. Server-rendered; every POST carries the CSRF token of the web form.
 */
export function createConsoleRoutes(deps: ConsoleDeps): Router {
  const router = express.Router();
  const cKey = csrfKey(deps.adminApiKey);
  const urlencoded = express.urlencoded({ extended: false, limit: '100kb', parameterLimit: 20 });
  const { desk } = deps;
  const who = (res: Response) => res.locals.who as Principal;
  const session = (res: Response) => res.locals.session as { who: Principal; secret: string } | undefined;
  // Signed in: a token bound to the session. Before (the login form): the double-submit token, one per
  // response, since asking twice on a first visit would set two different cookies.
  const csrf = (req: Request, res: Response): string => {
    const s = session(res);
    return s ? sessionCsrfToken(cKey, s.secret) : ((res.locals.csrf ??= csrfToken(req, res, cKey)) as string);
  };
  const csrfOk = (req: Request, res: Response): boolean => {
    const s = session(res);
    return s ? sessionCsrfValid(req, cKey, s.secret) : csrfValid(req, cKey);
  };

  const render = (req: Request, res: Response, status: number, title: string, body: ReturnType<typeof html>) => {
    const p = res.locals.who as Principal | undefined;
    sendConsolePage(
      res,
      status,
      consolePage({ title, who: p ? { name: p.name, role: p.role } : null, csrf: csrf(req, res) }, body),
    );
  };

  // ---- login ----
  const loginPage = (req: Request, res: Response, status: number, error?: string) =>
    render(
      req,
      res,
      status,
      'Sign in',
      html`<h1>Agents' console</h1>
        <form class="login" method="post" action="/console/login">
          ${error ? html`<p class="banner" role="alert" id="login-error">${error}</p>` : ''}
          <input type="hidden" name="${CSRF_FIELD}" value="${csrf(req, res)}" />
          <p>
            <label for="apiKey">Your agent or admin API key</label
            ><input
              type="password"
              id="apiKey"
              name="apiKey"
              autocomplete="current-password"
              required
              autofocus
              size="40"
            />
          </p>
          <button type="submit">Sign in</button>
        </form>`,
    );

  const limitLogins = rateLimit({
    windowMs: 15 * 60_000,
    limit: 30,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (req, res) => loginPage(req, res, 429, 'Too many sign-in attempts; wait a few minutes.'),
  });

  router.get('/login', (req, res) => loginPage(req, res, 200));
  router.post('/login', limitLogins, urlencoded, async (req, res) => {
    if (!csrfValid(req, cKey)) return loginPage(req, res, 403, 'This page had expired; sign in again.');
    const opened = await desk.access.signInToConsole(str(req.body, 'apiKey', 500) ?? '');
    if (!opened) return loginPage(req, res, 401, 'That key does not belong to an agent or admin.');
    consoleCookie.set(req, res, opened.secret, CONSOLE_SESSION_MS);
    deps.logger.info({ agent: opened.who.id }, 'console sign-in');
    res.redirect(303, '/console');
  });

  // Where `/tickets/<id>` (old mail links) sends everyone: an agent signed in reaches the ticket, anyone
  // else the page that mails customers their links. It says nothing about whether the ticket exists.
  router.get('/open/:id', async (req, res) => {
    const id = String(req.params.id);
    const signedIn = (await desk.access.consoleSession(consoleCookie.read(req))) !== null;
    res.redirect(303, signedIn && TICKET_ID.test(id) ? `/console/tickets/${id}` : '/link');
  });

  // ---- everything below needs a session ----
  const requireSession: RequestHandler = async (req, res, next) => {
    const s = await desk.access.consoleSession(consoleCookie.read(req));
    if (!s) return res.redirect(303, '/console/login');
    res.locals.session = s;
    res.locals.who = s.who;
    next();
  };
  router.use(requireSession);

  router.post('/logout', urlencoded, async (req, res) => {
    if (csrfOk(req, res)) {
      await desk.access.signOutOfConsole(consoleCookie.read(req));
      consoleCookie.clear(req, res);
    }
    res.redirect(303, '/console/login');
  });

  router.get('/', async (req, res) => {
    const q = req.query;
    const filters: QueueFilters = {
      status: TICKET_STATUSES.find((s) => s === str(q, 'status')),
      priority: PRIORITIES.find((p) => p === str(q, 'priority')),
      assignee: str(q, 'assignee', 120),
      level: str(q, 'level', 40),
      organization: str(q, 'organization', 80),
      q: str(q, 'q', 200),
    };
    const page = await desk.queue.list(
      who(res),
      {
        status: filters.status,
        priority: filters.priority,
        assignee: filters.assignee,
        escalationLevel: filters.level,
        organization: filters.organization,
        q: filters.q,
      },
      'deadline',
      decodeCursor(str(q, 'cursor', 500)),
      PAGE_SIZE,
    );
    const params = new URLSearchParams(Object.entries(filters).filter((e): e is [string, string] => Boolean(e[1])));
    if (page.next) params.set('cursor', encodeCursor(page.next));
    const [items, agents, levels, organizations] = await Promise.all([
      desk.queue.rows(who(res), page.items),
      desk.agents.list(),
      desk.pinnedTerms.levels(),
      desk.queue.organizations(),
    ]);
    const body = queueBody({
      items,
      agents,
      filters,
      levels,
      organizations,
      nextHref: page.next ? `/console?${params}` : null,
      now: desk.now(),
    });
    render(req, res, 200, 'Queue', body);
  });

  async function showTicket(
    req: Request,
    res: Response,
    id: string,
    status: number,
    extra: Pick<TicketPageData, 'notice' | 'error' | 'draft'> = {},
  ) {
    const { ticket, sla, thread, slaAcceptance } = await desk.tickets.getAsStaff(who(res), id);
    if (!sla)
      return render(
        req,
        res,
        503,
        `#${id}`,
        html`<h1>#${id}</h1>
          <p class="banner">The ticket's SLA state is not available yet; reload in a moment.</p>`,
      );
    const now = desk.now(); // the instant of the snapshot: every countdown and explanation on the page counts from it
    // Its own calendar and policy, not the default in force: an organization's ticket keeps its agreement's.
    const [events, terms] = await Promise.all([
      desk.actions.timelineOf(who(res), ticket),
      desk.tickets.termsOf(ticket, sla),
    ]);
    // Assignments record user ids; the page shows names.
    const assigned = events.flatMap((e) =>
      e.type === 'assigned' || (e.type === 'breach_action' && e.detail?.action === 'assign')
        ? [String(e.detail?.from ?? ''), String(e.detail?.to ?? '')]
        : [],
    );
    const [agents, macros, names, vendors, ratings] = await Promise.all([
      desk.agents.list(),
      desk.macros.list(),
      desk.agents.names([sla.assignee, ...assigned]),
      desk.vendors.list(),
      desk.ratings.forTicket(id),
    ]);
    const macroId = str(req.query, 'macro', 40);
    const macro = macroId ? macros.find((m) => m.id === macroId) : undefined;
    if (macro && !extra.draft)
      extra = {
        ...extra,
        draft: {
          action: 'reply',
          text: renderMacro(macro.body, { ticket, sla, agentName: who(res).name, calendar: terms.calendar.spec }),
        },
      };
    await desk.queue.markSeen(who(res), id, now, thread.at(-1)?.createdAt ?? null);
    const data: TicketPageData = {
      ticket,
      sla,
      thread,
      events,
      cal: terms.calendar,
      terms,
      now,
      csrf: csrf(req, res),
      me: who(res).name,
      slaAcceptance,
      files: attachmentList(
        await desk.attachments.list(id, { withHeld: true }),
        (fileId) => `/console/tickets/${id}/files/${encodeURIComponent(fileId)}`,
      ),
      available: sla.availableActions ?? [],
      ratings,
      categories: terms.policy.categories,
      agents,
      vendors,
      macros,
      names,
      assigneeName: sla.assignee ? (names.get(sla.assignee) ?? sla.assignee) : null,
      workflowUrl: deps.temporalUiUrl
        ? `${deps.temporalUiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(deps.namespace ?? 'default')}/workflows/${workflowIdFor(id)}`
        : null,
      ...extra,
    };
    render(req, res, status, `#${id} ${ticket.subject}`, ticketBody(data));
  }

  const notFound = (req: Request, res: Response) =>
    render(
      req,
      res,
      404,
      'Not found',
      html`<h1>Ticket not found</h1>
        <p><a href="/console">Back to the queue</a></p>`,
    );

  router.get('/tickets/:id', async (req, res) => {
    const id = String(req.params.id);
    if (!TICKET_ID.test(id)) return notFound(req, res);
    const done = str(req.query, 'done', 20);
    await showTicket(req, res, id, 200, { notice: done ? DONE[done] : undefined });
  });

  router.get('/tickets/:id/files/:fileId', async (req, res) => {
    const id = String(req.params.id);
    if (!TICKET_ID.test(id)) return notFound(req, res);
    try {
      const { ticket } = await desk.tickets.getAsStaff(who(res), id);
      const file = await desk.attachments.get(ticket.id, String(req.params.fileId), { withHeld: true });
      sendAttachment(res, file, req.query.inline === '1');
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found') return notFound(req, res);
      throw err;
    }
  });

  router.post('/tickets/:id/actions/:action', urlencoded, async (req, res) => {
    const id = String(req.params.id);
    const action = String(req.params.action);
    if (!TICKET_ID.test(id) || !(action === 'note' || (AGENT_ACTIONS as readonly string[]).includes(action)))
      return notFound(req, res);
    const b = req.body as unknown;
    const text = str(b, 'body', TEXT_MAX);
    const reason = str(b, 'reason', 2_000);
    const draft = { action, text: text ?? reason ?? '' };
    if (!csrfOk(req, res))
      return showTicket(req, res, id, 403, { error: 'This page had expired, so nothing was done. Try again.', draft });
    if (action === 'close' && str(b, 'confirm', 10) !== 'yes')
      return showTicket(req, res, id, 400, {
        error: 'Tick “Yes, close it” to close the ticket; nothing was done.',
        draft,
      });
    try {
      if (action === 'reply' || action === 'note') {
        if (!text)
          return showTicket(req, res, id, 400, {
            error: `Write the ${action === 'note' ? 'note' : 'reply'} first (up to ${TEXT_MAX.toLocaleString('en')} characters).`,
            draft,
          });
        await desk.actions.addMessage(who(res), id, { body: text, internal: action === 'note', channel: 'console' });
      } else {
        const priority = PRIORITIES.find((p) => p === str(b, 'priority')) as Priority | undefined;
        const category = action === 'reclassify' ? str(b, 'category', 40) : undefined;
        await desk.actions.act(who(res), id, action as AgentAction, {
          agent: str(b, 'agent', 120),
          priority,
          reason,
          body: text,
          category,
          channel: 'console',
          ...(action === 'pending'
            ? { waitingOn: str(b, 'waitingOn', 40), vendor: str(b, 'vendor', 120) || undefined }
            : {}),
        });
      }
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found') return notFound(req, res);
      if (err instanceof AppError && (err.code === 'invalid_transition' || err.code === 'invalid_input')) {
        const status = err.code === 'invalid_input' ? 400 : 409;
        return showTicket(req, res, id, status, { error: `The ticket refused “${action}”: ${err.message}.`, draft });
      }
      throw err;
    }
    deps.logger.info({ agent: who(res).id, action }, 'console action');
    // Post/redirect/get: a reload never repeats the action.
    res.redirect(303, `/console/tickets/${id}?done=${action}`);
  });

  router.post('/tickets/:id/held-mail/:messageId/:decision', urlencoded, async (req, res) => {
    const id = String(req.params.id);
    const decision = String(req.params.decision);
    if (!TICKET_ID.test(id) || (decision !== 'release' && decision !== 'discard')) return notFound(req, res);
    if (!csrfOk(req, res))
      return showTicket(req, res, id, 403, { error: 'This page had expired, so nothing was done. Try again.' });
    try {
      await desk.heldMail.decide(who(res), id, String(req.params.messageId), decision);
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found') return notFound(req, res);
      if (err instanceof AppError && (err.code === 'conflict' || err.code === 'too_large'))
        return showTicket(req, res, id, 409, { error: `Nothing was done: ${err.message}.` });
      throw err;
    }
    deps.logger.info({ agent: who(res).id, decision }, 'console held-mail decision');
    res.redirect(303, `/console/tickets/${id}?done=${decision}`);
  });

  registerMacroPages(router, { macros: desk.macros, who, csrf, csrfOk, render, urlencoded });
  registerReviewPages(router, {
    review: desk.review,
    organizations: () => desk.organizations.list(),
    now: () => desk.now(),
    render,
  });
  registerSimulationPages(router, {
    simulations: desk.simulations,
    registry: desk.slaRegistry,
    now: () => desk.now(),
    who,
    csrf,
    csrfOk,
    render,
    urlencoded,
  });

  router.get('/dashboard', async (req, res) => {
    const organization = organizationFilter(req.query);
    // One organization's figures read in its agreement's calendar and ladder; everyone's in the default's calendar.
    // Its dates are days in that calendar's zone.
    const terms = organization
      ? await desk.agreements.ofOrganization(organization)
      : desk.agreements.defaultTerms(false);
    const cal = createCalendar(terms.calendar.spec);
    const { input, from, to } = dashboardPeriod(cal, desk.now(), {
      from: str(req.query, 'from', 40),
      to: str(req.query, 'to', 40),
    });
    const query = { ...input, ...(organization ? { organization } : {}) };
    if (!from || !to || from >= to || to.getTime() - from.getTime() > 366 * DAY_MS) {
      return render(
        req,
        res,
        400,
        'Dashboard',
        html`<h1>SLA dashboard</h1>
          <p class="banner" role="alert">
            Give “from” and “to” as dates (2026-11-01) or ISO instants (2026-11-01T00:00:00Z), “from” first, at most a
            year apart.
          </p>
          <p><a href="/console/dashboard">Last 7 days</a></p>`,
      );
    }
    const ladder = organization ? escalationLadder(terms.policy) : await desk.pinnedTerms.levels();
    const [d, organizations] = await Promise.all([
      dashboard({ reports: desk.reports, figures: desk.figures, cal, ladder }, from, to, organization),
      desk.organizations.list(),
    ]);
    render(req, res, 200, 'Dashboard', dashboardBody(d, cal, query, organizations));
  });

  // The dashboard's CSV: the API's /api/v1/reports/sla.csv for a signed-in agent (the console has no API key).
  router.get('/reports/sla.csv', async (req, res) => {
    const from = parseInstant(str(req.query, 'from', 40) ?? '');
    const to = parseInstant(str(req.query, 'to', 40) ?? '');
    if (!from || !to || from >= to)
      return render(
        req,
        res,
        400,
        'Report',
        html`<p class="banner" role="alert">Give “from” and “to” as ISO instants, “from” first.</p>`,
      );
    const organization = organizationFilter(req.query);
    const csv = await desk.reports.csv({ from, to, ...(organization ? { organizationId: organization } : {}) });
    res
      .type('text/csv; charset=utf-8')
      .attachment(`sla-${from.toISOString().slice(0, 10)}-${to.toISOString().slice(0, 10)}.csv`)
      .send(csv);
  });

  // Unexpected failures get a page, not problem+json: a person is reading.
  const onError: ErrorRequestHandler = (err: unknown, req, res, next) => {
    if (res.headersSent) return next(err);
    deps.logger.error({ err }, 'console page failed');
    render(
      req,
      res,
      500,
      'Something went wrong',
      html`<h1>Something went wrong</h1>
        <p>The page could not be shown. Try again in a moment.</p>
        <p><a href="/console">Back to the queue</a></p>`,
    );
  };
  router.use(onError);
  return router;
}
