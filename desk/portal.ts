import { randomBytes } from 'node:crypto';
import { invalidInput, notFoundError } from '../domain/errors';
import { createCalendar, describeSupportHours, type BusinessCalendar } from '../domain/calendar';
import type { Logger } from '../lib/logger';
import { escapeHtml } from '../lib/escape-html';
import type { Mailer } from '../lib/mailer';
import type { Store } from '../store';
import type { ThreadMessage, Attachment, TicketStateProjection, TicketContent, User } from '../domain/entities';
import type { SlaAcceptance } from '../store/portal';
import type { AgreementTerms, Agreements } from './agreements';
import { customerClocks } from './customer-view';
import type { PinnedTermsLookup } from './pinned-terms';
import { customerThread } from './customer-view';
import { proveAddress } from './customers';
import type { SlaAcceptances } from './sla-acceptance';
import { isSecret, newSecret, secretHash } from './secrets';
import type { Sessions } from './sessions';
import { agreementDocument, slaTextForReading, type SlaTextPart } from './sla-text';
import type { TicketLinks } from './ticket-links';

/**
 * The customer portal: passwordless sign-in by a mailed link, the customer's tickets (and an organization
 * admin's organization's), announcements, and the SLA they are under with its explicit acceptance.
 *
 * A sign-in link is a random token mailed to the address; only its hash is stored, it expires, and it is used
 * once (claimed by one conditional update). Using it opens a customer session: a random secret, stored hashed,
 * revoked server-side on sign-out (desk/sessions.ts). Customer sessions are the portal's realm, apart from the
 * console's, with another cookie, so no role check stands between a customer and the console.
 */

export interface PortalSettings {
  /** How long a mailed sign-in link stays usable (PORTAL_LINK_TTL_MINUTES). */
  linkTtlMs: number;
  /** How long a signed-in customer stays signed in. */
  sessionTtlMs: number;
  /** One sign-in mail per address per this window, however often it is asked for. */
  perAddressMs: number;
}

const DEFAULTS: PortalSettings = { linkTtlMs: 15 * 60_000, sessionTtlMs: 24 * 60 * 60_000, perAddressMs: 60_000 };

/** The newest tickets the list shows; an organization with more is told so. */
export const PORTAL_LIST_LIMIT = 100;
const ANNOUNCEMENTS_SHOWN = 20;

/** The signed-in customer, with what the portal decides by. */
export interface PortalCustomer {
  id: string;
  email: string;
  name: string;
  trainingIncluded: boolean;
  organizationId?: string;
  organizationRole?: 'member' | 'admin';
}

const customerOf = (u: User): PortalCustomer => ({
  id: u.id,
  email: u.email,
  name: u.name,
  trainingIncluded: u.agreement.trainingIncluded,
  ...(u.organizationId ? { organizationId: u.organizationId } : {}),
  ...(u.organizationRole ? { organizationRole: u.organizationRole } : {}),
});

/** An organization's admin sees its tickets; everyone sees their own. */
const seesOrganization = (c: PortalCustomer) => c.organizationRole === 'admin' && Boolean(c.organizationId);

export type ClockState = 'met' | 'paused' | 'overdue' | 'at risk' | 'on track';

export interface PortalClock {
  metric: string;
  dueAt: Date | null;
  state: ClockState;
}

export interface PortalTicketRow {
  id: string;
  subject: string;
  status: string;
  priority: string;
  receivedAt: Date;
  nextDeadline: Date | null;
  /** While the ticket waits for a scope review: when it ends (the ticket closes then unless accepted). */
  reviewUntil: Date | null;
  clocks: PortalClock[];
  /** Someone else of the organization opened it (an admin's view); null for the customer's own. */
  requester: string | null;
  /** The ticket's own calendar (its pinned terms), which its times are written in. */
  calendar: BusinessCalendar;
}

interface StoredClock {
  metric: string;
  dueAt: string | null;
  warningAt: string | null;
  paused: boolean;
  stopped: boolean;
  breached: boolean;
}

/** A clock's state now, from the projection (which is written at each change, not each minute). */
export function clockState(c: StoredClock, now: Date): ClockState {
  if (c.stopped) return 'met';
  if (c.paused) return 'paused';
  if (c.breached || (c.dueAt && new Date(c.dueAt) <= now)) return 'overdue';
  if (c.warningAt && new Date(c.warningAt) <= now) return 'at risk';
  return 'on track';
}

function clocksOf(p: Pick<TicketStateProjection, 'clocks'>, now: Date): PortalClock[] {
  const clocks = Array.isArray(p.clocks) ? customerClocks(p.clocks as StoredClock[]) : [];
  return clocks.map((c) => ({
    metric: c.metric,
    dueAt: c.dueAt ? new Date(c.dueAt) : null,
    state: clockState(c, now),
  }));
}

export interface PortalDeps {
  store: Store;
  agreements: Agreements;
  /** A ticket's own calendar (its pinned terms), for its page. */
  pinnedTerms: PinnedTermsLookup;
  acceptances: SlaAcceptances;
  /** Customers' sessions: the same as the console's, in the portal's realm. */
  sessions: Sessions;
  links: TicketLinks;
  mailer?: Mailer;
  mailDomain?: string;
  /** Shown where the SLA names its e-mail channel. */
  supportAddress: string;
  logger: Logger;
  now: () => Date;
  settings?: Partial<PortalSettings>;
}

export function createPortal(deps: PortalDeps) {
  const { store, links, now } = deps;
  const settings = { ...DEFAULTS, ...deps.settings };
  const lastMailed = new Map<string, number>();

  function mayMail(email: string, at: number): boolean {
    if (lastMailed.size > 10_000) lastMailed.clear();
    const last = lastMailed.get(email);
    if (last !== undefined && at - last < settings.perAddressMs) return false;
    lastMailed.set(email, at);
    return true;
  }

  async function mailSignInLink(email: string): Promise<void> {
    const user = await store.users.byEmail(email);
    if (!user || user.role !== 'customer' || !deps.mailer || !mayMail(user.email, now().getTime())) return;
    const token = newSecret();
    const createdAt = now();
    await store.signInLinks.create(
      secretHash(token),
      user.id,
      createdAt,
      new Date(createdAt.getTime() + settings.linkTtlMs),
    );
    const minutes = Math.round(settings.linkTtlMs / 60_000);
    const url = links.portalSignInUrl(token);
    const text = [
      'Open this link to sign in to your support portal, where you see your tickets, our announcements and the service level agreement you are under:',
      url,
      `The link works once, within ${minutes} minute${minutes === 1 ? '' : 's'}. If you did not ask for it, ignore this mail: nobody can sign in without it.`,
    ].join('\n\n');
    await deps.mailer.send({
      to: [user.email],
      subject: 'Sign in to your support portal',
      text: `${text}\n`,
      html: `<!doctype html><html><body><p>${escapeHtml(text.split('\n\n')[0]!)}</p><p><a href="${escapeHtml(url)}">Sign in to the support portal</a></p><p>${escapeHtml(text.split('\n\n')[2]!)}</p></body></html>`,
      messageId: `<portal-${randomBytes(8).toString('hex')}@${deps.mailDomain ?? 'support.local'}>`,
      headers: { 'X-Notification-Kind': 'portal_sign_in' },
    });
    deps.logger.info({ customer: user.id }, 'portal sign-in link mailed');
  }

  async function customerById(id: string): Promise<PortalCustomer | null> {
    const user = await store.users.byId(id);
    return user && user.role === 'customer' ? customerOf(user) : null;
  }

  /** The ticket if the customer may read it: their own, or their organization's when they are its admin. */
  async function readable(
    customer: PortalCustomer,
    ticketId: string,
  ): Promise<{ content: TicketContent; state: TicketStateProjection | null }> {
    const [content, state] = await Promise.all([store.tickets.get(ticketId), store.ticketStates.get(ticketId)]);
    if (!content) throw notFoundError('ticket');
    const organizationId = state?.organizationId ?? content.organizationId;
    const mine = content.customerId === customer.id;
    if (!mine && !(seesOrganization(customer) && organizationId === customer.organizationId))
      throw notFoundError('ticket');
    return { content, state };
  }

  return {
    settings,

    /**
     * Mails a sign-in link if the address is a customer's. Returns at once, before any lookup, so that neither
     * the answer nor its timing tells whether the address is known; failures are logged.
     */
    requestSignIn(email: string): void {
      mailSignInLink(email.trim()).catch((err: unknown) =>
        deps.logger.error({ err }, 'portal sign-in link not mailed'),
      );
    },

    /** The address a live, unused link signs in, without using it: the confirmation page. */
    async linkFor(token: string): Promise<{ email: string } | null> {
      if (!isSecret(token)) return null;
      const userId = await store.signInLinks.peek(secretHash(token), now());
      const customer = userId ? await customerById(userId) : null;
      return customer ? { email: customer.email } : null;
    },

    /** Uses the link (once) and opens a session: its secret goes into the cookie. Null for an unknown, used or expired link. */
    async signIn(token: string): Promise<{ secret: string; customer: PortalCustomer; expiresAt: Date } | null> {
      if (!isSecret(token)) return null;
      const at = now();
      const userId = await store.signInLinks.claim(secretHash(token), at);
      const user = userId ? await store.users.byId(userId) : null;
      if (!user || user.role !== 'customer') return null;
      // The link went to the address alone: it is proven, and joins its domain's organization (desk/customers.ts).
      const customer = customerOf(await proveAddress(store, user, at));
      const { secret, expiresAt } = await deps.sessions.open('portal', customer.id, settings.sessionTtlMs, at);
      deps.logger.info({ customer: customer.id }, 'portal sign-in');
      return { secret, customer, expiresAt };
    },

    /** The customer a session secret belongs to, read afresh (their organization may have changed), or null. */
    async customerFor(secret: string | undefined): Promise<PortalCustomer | null> {
      const userId = await deps.sessions.userOf('portal', secret);
      return userId ? customerById(userId) : null;
    },

    async signOut(secret: string | undefined): Promise<void> {
      await deps.sessions.close('portal', secret);
    },

    /** The calendar the customer's times are shown in: their agreement's. */
    async calendarFor(customer: PortalCustomer): Promise<BusinessCalendar> {
      return createCalendar((await deps.agreements.termsFor(customer)).calendar.spec);
    },

    /** The customer's tickets, and an organization admin's organization's, newest first. */
    async tickets(customer: PortalCustomer): Promise<{ rows: PortalTicketRow[]; truncated: boolean }> {
      const states = await store.ticketStates.forCustomer(
        customer.id,
        seesOrganization(customer) ? customer.organizationId : undefined,
        PORTAL_LIST_LIMIT + 1,
      );
      const shown = states.slice(0, PORTAL_LIST_LIMIT);
      // Each row in its own ticket's terms: an agreement changed since does not move tickets opened under the old one.
      const contents = shown.length
        ? await store.tickets.many(shown.map((s) => s.id))
        : new Map<string, TicketContent>();
      const [terms, fallback] = await Promise.all([
        deps.pinnedTerms.ofTickets([...contents.values()]),
        deps.pinnedTerms.ofDefault(),
      ]);
      const at = now();
      const rows = shown.map((s): PortalTicketRow => {
        const other = contents.get(s.id);
        return {
          id: s.id,
          subject: s.subject,
          status: s.status,
          priority: s.priority,
          receivedAt: s.receivedAt,
          nextDeadline: s.nextDeadline ?? null,
          reviewUntil: s.scopeReviewDueAt ?? null,
          clocks: clocksOf(s, at),
          requester:
            s.customerId === customer.id ? null : (other?.customerName ?? other?.customerEmail ?? 'a colleague'),
          calendar: (terms.get(s.id) ?? fallback).calendar,
        };
      });
      return { rows, truncated: states.length > PORTAL_LIST_LIMIT };
    },

    /** One ticket as its customer sees it (the customer projection: no internal notes, no escalation reasons). */
    async ticket(customer: PortalCustomer, ticketId: string) {
      const { content, state } = await readable(customer, ticketId);
      const thread: ThreadMessage[] = customerThread(
        await store.messages.forTicket(ticketId, { includeInternal: false }),
      );
      const files = await store.attachments.forTicket(ticketId);
      const mine = content.customerId === customer.id;
      const { calendar } = await deps.pinnedTerms.ofTicket(content, null);
      return {
        id: content.id,
        subject: content.subject,
        description: content.description,
        errorMessage: content.errorMessage,
        category: content.category,
        status: state?.status ?? 'new',
        /** What the ticket waits on, in its pause reason's words; null when nothing named. */
        waitingOn: state?.waitingOn ?? null,
        priority: state?.priority ?? content.priority,
        receivedAt: content.receivedAt,
        requester: mine ? null : (content.customerName ?? content.customerEmail),
        clocks: state ? clocksOf(state, now()) : [],
        reviewUntil: state?.scopeReviewDueAt ?? null,
        thread,
        files,
        /** The private page where the ticket's own customer replies; an admin reads a colleague's here only. */
        replyPath: mine ? links.customerPath(content.id) : null,
        slaVersion: content.slaVersion,
        /** The ticket's own calendar: its times read in the agreement it was opened (or re-timed) under. */
        calendar,
      };
    },

    /** One file of a ticket the customer may read (the same check as the ticket's page); not found otherwise. */
    async file(customer: PortalCustomer, ticketId: string, fileId: string): Promise<Attachment> {
      await readable(customer, ticketId);
      const a = fileId.length <= 100 ? await store.attachments.get(fileId) : null;
      // A held mail's file is for agents until released (desk/held-mail.ts).
      if (!a || a.ticketId !== ticketId || a.held) throw notFoundError('attachment');
      return a;
    },

    /** The newest announcements, for reading again. */
    async announcements() {
      return store.announcements.recent(ANNOUNCEMENTS_SHOWN);
    },

    /** The SLA the customer is under: the terms, their text, and what the customer has accepted of this version. */
    async terms(customer: PortalCustomer): Promise<{
      terms: AgreementTerms;
      text: SlaTextPart[][];
      supportHours: string;
      trainingIncluded: boolean;
      accepted: SlaAcceptance[];
    }> {
      const terms = await deps.agreements.termsFor(customer);
      const supportHours = describeSupportHours(terms.calendar.spec);
      // The customer's own agreement may include training (intake decides scope by it too).
      const trainingIncluded = terms.scope.training || customer.trainingIncluded;
      return {
        terms,
        text: slaTextForReading(
          agreementDocument(terms, { supportHours, scope: { ...terms.scope, training: trainingIncluded } }),
          deps.supportAddress,
        ),
        supportHours,
        trainingIncluded,
        accepted: await deps.acceptances.forVersion(customer.id, terms.slaVersion),
      };
    },

    /**
     * The explicit accept of the version the customer read: a page shown before the SLA changed names the old
     * version and is refused, so nobody accepts a text they did not see. Idempotent per customer and version.
     */
    async accept(customer: PortalCustomer, slaVersion: string): Promise<{ recorded: boolean }> {
      const { slaVersion: current } = await deps.agreements.termsFor(customer);
      if (slaVersion !== current)
        throw invalidInput(
          `the SLA changed to version ${current} since this page was shown; read it and accept again`,
          'slaVersion',
        );
      const recorded = await deps.acceptances.accept(customer.id, current, now());
      if (recorded) deps.logger.info({ customer: customer.id, slaVersion: current }, 'SLA accepted');
      return { recorded };
    },
  };
}

export type Portal = ReturnType<typeof createPortal>;
