import type { BusinessCalendar } from '../domain/calendar';
import type { TicketContent } from '../domain/entities';
import { invalidInput } from '../domain/errors';
import type { Logger } from '../lib/logger';
import { textToHtml } from '../lib/mail-html';
import type { Mailer } from '../lib/mailer';
import type { Store } from '../store';
import type { RatingRecord } from '../store/ratings';
import type { PinnedTermsLookup } from './pinned-terms';
import type { TicketLinks } from './ticket-links';

/**
 * What customers thought: each resolution of a ticket is rated once (1–5 and a comment) through the signed link of
 * the resolution mail or the portal. The answer may change for RATING_CHANGE_DAYS after it was first given; a
 * reopened ticket is asked again once it is resolved again (a new resolution, a new answer). Which resolution stands
 * is read from the ticket's timeline, so neither the link nor the workflow carries it. A low score (LOW_RATING or
 * less) tells the contacts of the ticket's escalation level, once per resolution.
 */

export const RATING_CHANGE_DAYS = 7;
export const LOW_RATING = 2;
export const RATING_COMMENT_MAX = 2_000;
const CHANGE_MS = RATING_CHANGE_DAYS * 24 * 3_600_000;

export type { RatingRecord };

/** Where a ticket stands for its customer's rating. */
export type RatingAsk =
  | { state: 'unknown' }
  /** Resolved at most by a closing without a resolution (out of scope, …): nothing to rate. */
  | { state: 'not-resolved'; ticket: TicketContent; cal: BusinessCalendar }
  /** Reopened since its last resolution: asked again after the next. */
  | { state: 'reopened'; ticket: TicketContent; cal: BusinessCalendar }
  | {
      state: 'open' | 'closed';
      ticket: TicketContent;
      cal: BusinessCalendar;
      resolution: number;
      resolvedAt: Date;
      rating: RatingRecord | null;
      /** Until when the answer given may change (null before any answer). */
      changeableUntil: Date | null;
    };

export function createRatings(deps: {
  store: Store;
  links: TicketLinks;
  pinnedTerms: PinnedTermsLookup;
  now: () => Date;
  /** The desk's contacts per escalation level (ESCALATION_CONTACTS); an organization's agreement may name its own. */
  levelContacts?: Record<string, string[]>;
  mailer?: Mailer;
  mailDomain?: string;
  logger: Logger;
}) {
  const { store } = deps;

  async function ask(ticketId: string): Promise<RatingAsk> {
    const ticket = await store.tickets.get(ticketId);
    if (!ticket) return { state: 'unknown' };
    const [events, terms] = await Promise.all([store.slaEvents.forTicket(ticketId), deps.pinnedTerms.ofTicket(ticket)]);
    const cal = terms.calendar;
    const resolutions = events.filter((e) => e.type === 'resolved' && e.metric === 'resolution');
    const last = resolutions.at(-1);
    if (!last) return { state: 'not-resolved', ticket, cal };
    if (events.some((e) => e.type === 'reopened' && e.at > last.at)) return { state: 'reopened', ticket, cal };
    const rating = await store.ratings.get(ticketId, resolutions.length);
    const changeableUntil = rating ? new Date(rating.firstRatedAt.getTime() + CHANGE_MS) : null;
    const closed = changeableUntil !== null && deps.now() >= changeableUntil;
    return {
      state: closed ? 'closed' : 'open',
      ticket,
      cal,
      resolution: resolutions.length,
      resolvedAt: last.at,
      rating,
      changeableUntil,
    };
  }

  /** Mails the level's contacts about a low rating, once per ticket and resolution (the notification log's claim). */
  async function tellLevel(ticket: TicketContent, r: RatingRecord): Promise<void> {
    if (!deps.mailer) return;
    const state = await store.ticketStates.get(ticket.id);
    const level = state?.escalationLevel ?? 'L1';
    const org = ticket.organizationId ? await store.organizations.get(ticket.organizationId) : null;
    const to = org?.agreement.contacts?.[level] ?? deps.levelContacts?.[level] ?? [];
    if (!to.length) return deps.logger.warn({ ticketId: ticket.id, level }, 'low rating: no contacts for the level');
    const key = `${ticket.id}:low_rating:${r.resolution}`;
    const domain = deps.mailDomain ?? 'support.local';
    const subject = `Low rating (${r.score} of 5) on [#${ticket.id}] ${ticket.subject}`;
    const messageId = `<low-rating-${ticket.id}-${r.resolution}@${domain}>`;
    const claim = await store.notifications.claim(
      { key, ticketId: ticket.id, kind: 'low_rating', to, subject, messageId },
      deps.now(),
    );
    if (claim !== 'claimed') return;
    const paragraphs = [
      `The customer rated the resolution of ticket #${ticket.id} "${ticket.subject}" ${r.score} of 5${r.agent ? ` (assigned to ${r.agent})` : ''}.`,
      r.comment ? `Their comment:\n${r.comment}` : 'They left no comment.',
      `You receive this as the contacts of level ${level}. The ticket: ${deps.links.staffUrl(ticket.id)}`,
    ];
    const text = `${paragraphs.join('\n\n')}\n`;
    await deps.mailer.send({
      to,
      subject,
      text,
      html: `<!doctype html><html><body>${textToHtml(paragraphs)}</body></html>`,
      messageId,
      headers: { 'X-Ticket-Id': ticket.id, 'X-Notification-Kind': 'low_rating', 'Auto-Submitted': 'auto-generated' },
    });
    await store.notifications.markSent([key], deps.now());
  }

  return {
    /** The ticket a rating link names, and where its rating stands; `unknown` for a link that is not ours. */
    async open(token: string): Promise<RatingAsk> {
      const ticketId = deps.links.ratingTicketOf(token);
      return ticketId ? ask(ticketId) : { state: 'unknown' };
    },

    /** Where a ticket's rating stands (the portal's ticket page). */
    ask,

    /**
     * Records (or changes) the answer to the standing resolution. Refused (the ask's state, unchanged) when there is
     * none, the ticket was reopened, or the answer can no longer change; `invalid_input` names a bad field.
     */
    async rate(token: string, input: { score: unknown; comment: unknown }): Promise<RatingAsk> {
      const score = Number(input.score);
      if (typeof input.score !== 'string' || !Number.isInteger(score) || score < 1 || score > 5)
        throw invalidInput('choose a rating from 1 to 5', 'score');
      const comment = typeof input.comment === 'string' ? input.comment.trim() : '';
      if (comment.length > RATING_COMMENT_MAX)
        throw invalidInput(`keep the comment under ${RATING_COMMENT_MAX} characters`, 'comment');
      const now = deps.now();
      const before = await this.open(token);
      if (before.state !== 'open') return before;
      const state = await store.ticketStates.get(before.ticket.id);
      const record: RatingRecord = {
        ticketId: before.ticket.id,
        resolution: before.resolution,
        resolvedAt: before.resolvedAt,
        score,
        comment,
        firstRatedAt: now,
        ratedAt: now,
        customerId: before.ticket.customerId,
        ...(before.ticket.organizationId ? { organizationId: before.ticket.organizationId } : {}),
        priority: state?.priority ?? before.ticket.priority,
        ...(state?.assignee ? { agent: state.assignee } : {}),
      };
      await store.ratings.put(record);
      if (score <= LOW_RATING)
        await tellLevel(before.ticket, record).catch((err: unknown) =>
          deps.logger.error({ err, ticketId: record.ticketId }, 'low rating notice not sent'),
        );
      return ask(before.ticket.id);
    },

    /** Every rating of a ticket, one per resolution (the console's ticket page). */
    forTicket: (ticketId: string) => store.ratings.forTicket(ticketId),

    /** The signed link to rate a ticket (the portal). */
    pathFor: (ticketId: string) => deps.links.ratingPath(ticketId),
  };
}
