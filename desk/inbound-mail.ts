import { createHash } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { AppError } from '../domain/app-errors';
import { hashApiKey, isStaff, newApiKey, principalOf } from './principal';
import type { TicketActions } from './ticket-actions';
import { newTicketId, type TicketService } from './tickets';
import type { Logger } from '../lib/logger';
import type { Store } from '../store';
import type { InboundOutcome } from '../store/inbound-mail';
import type { User } from '../store/users';
import type { AttachmentService } from './attachments';
import { pickAttachments, readMail, stripQuoted, ticketCandidates, type Envelope, type MailFacts } from './mail-rules';

/**
 * Inbound mail, whichever way it arrives (SMTP listener or the raw-MIME HTTP endpoint).
 *
 * - Auto-replies and bounces are recorded as ignored: no ticket, no mail back (no loops).
 * - A reply names its ticket by our thread Message-IDs (In-Reply-To/References), a `[#ID]` subject
 *   tag or a `+ID` address. It is added to that thread when it comes from the ticket's customer (a
 *   customer message, which signals the workflow) or from an agent/admin (an agent reply, mailed to
 *   the customer). A customer writing to a closed ticket gets a new ticket referring to the old one.
 * - Unknown senders (the documented rule): anyone may open a ticket by mail. An address we do not
 *   know becomes a customer (standard agreement: no training; no API key is handed out) and the
 *   message opens a ticket: channel email, category question, priority normal, subject = the mail's
 *   subject or "(no subject)", description = the text part or the HTML reduced to text. A reply
 *   naming someone else's ticket is not added to it: it opens the sender's own ticket instead, so
 *   nobody writes into another customer's thread by copying a ticket number. Mail from an agent
 *   that names no ticket is ignored (agents work tickets through the API).
 * - The same Message-ID (or, without one, the same bytes) is processed once.
 * - Malformed MIME: whatever parses (sender, subject, text, files) is used; with no sender or
 *   nothing to say the message is rejected (SMTP 550 / HTTP 400) and its raw bytes kept (bounded).
 */

export class InboundMailRejected extends Error {
  override name = 'InboundMailRejected';
}

export interface InboundResult {
  outcome: InboundOutcome;
  ticketId?: string;
  reason?: string;
}

export interface InboundMailDeps {
  tickets: TicketService;
  actions: TicketActions;
  attachments: AttachmentService;
  store: Store;
  now: () => Date;
  logger: Logger;
}

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const withoutTags = (subject?: string) => subject?.replace(/\s*\[#[0-9A-Za-z]{6,16}\]/g, '').trim() || undefined;

function unusable(f: MailFacts | null): string | null {
  if (!f) return 'the message could not be parsed as MIME';
  if (!f.hasHeaders) return 'no mail headers found: this is not a MIME message';
  if (!f.from) return 'no sender address (neither From nor MAIL FROM)';
  if (!f.subject && !f.text && !f.attachments.length) return 'the message has no subject, text or attachment';
  return null;
}

export function createInboundMail(deps: InboundMailDeps) {
  const { store, logger } = deps;

  async function findTicket(f: MailFacts) {
    const logged = await store.inboundMail.ticketForMessageIds(f.cited);
    for (const id of ticketCandidates(f, logged)) {
      const ticket = await store.tickets.get(id);
      if (ticket) return ticket;
    }
    return null;
  }

  /** The idempotency key derives from the message, so a redelivery after a crash finds the same ticket. */
  async function openTicket(f: MailFacts, key: string, customer: User, note?: string): Promise<string> {
    const text = f.text || (f.attachments.length ? '(see attachments)' : '(no text)');
    const { ticket } = await deps.tickets.create(
      principalOf(customer),
      {
        subject: (withoutTags(f.subject) ?? '(no subject)').slice(0, 200),
        description: (note ? `${note}\n\n${text}` : text).slice(0, 20_000),
        category: 'question',
        priority: 'normal',
        channel: 'email',
      },
      `inbound:${sha256(key).slice(0, 40)}`,
    );
    return ticket.id;
  }

  async function route(f: MailFacts & { from: NonNullable<MailFacts['from']> }, key: string): Promise<InboundResult & { messageId?: string }> {
    if (f.automatic) return { outcome: 'ignored', reason: f.automatic };
    const sender = await store.users.byEmail(f.from.address);
    const ticket = await findTicket(f);
    if (ticket && sender && (sender.id === ticket.customerId || isStaff(sender))) {
      try {
        const body = stripQuoted(f.text) || '(see attachments)';
        // The message id comes from the mail's key, so a retried delivery threads it once.
        const { message } = await deps.actions.addMessage(principalOf(sender), ticket.id, { body, channel: 'email', id: `E${sha256(key).slice(0, 24)}` });
        return { outcome: 'threaded', ticketId: ticket.id, messageId: message.id };
      } catch (err) {
        if (!(err instanceof AppError && err.code === 'invalid_transition')) throw err;
        if (isStaff(sender)) return { outcome: 'ignored', ticketId: ticket.id, reason: `agent reply refused: ${err.message}` };
        const id = await openTicket(f, key, sender, `Follow-up to ticket #${ticket.id}, which is closed.`);
        return { outcome: 'created', ticketId: id };
      }
    }
    if (isStaff(sender)) return { outcome: 'ignored', reason: 'mail from an agent that names no ticket' };
    const customer = sender ?? (await store.users.ensureCustomer(f.from.address, f.from.name, `C${newTicketId()}`, hashApiKey(newApiKey()), deps.now()));
    if (customer.role !== 'customer') return { outcome: 'ignored', reason: `${f.from.address} is not a customer` };
    return { outcome: 'created', ticketId: await openTicket(f, key, customer) };
  }

  /** Ids derive from the message key, so reprocessing the same mail overwrites nothing and adds nothing. */
  async function keepFiles(f: MailFacts, key: string, ticketId: string, messageId?: string) {
    const { kept, skipped } = pickAttachments(f.attachments);
    const prefix = sha256(key).slice(0, 20);
    const files = kept.map((file, i) => ({ ...file, id: `${prefix}-${i}` }));
    const { overQuota } = await deps.attachments.keep(ticketId, files, { messageId, partial: true });
    return [...skipped, ...overQuota];
  }

  return {
    async receive(raw: Buffer | string, envelope: Envelope = {}): Promise<InboundResult> {
      const bytes = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
      const facts = await simpleParser(bytes).then((p) => readMail(p, envelope), () => null);
      const key = facts?.messageId && facts.messageId.length <= 250 ? `mid:${facts.messageId}` : `sha256:${sha256(bytes)}`;
      const standing = await store.inboundMail.claim(key, { from: facts?.from?.address, subject: facts?.subject }, deps.now());
      if (standing) {
        if (standing.status === 'rejected') throw new InboundMailRejected(standing.reason ?? 'the message was rejected');
        return { outcome: 'duplicate', ticketId: standing.ticketId };
      }
      const why = facts?.automatic ? null : unusable(facts);
      if (why || !facts?.from) {
        const reason = why ?? 'no sender address';
        await store.inboundMail.reject(key, reason, bytes, deps.now());
        logger.warn({ key, reason, size: bytes.length }, 'inbound mail rejected');
        throw new InboundMailRejected(reason);
      }
      try {
        const result = await route({ ...facts, from: facts.from }, key);
        const skipped = result.ticketId && result.outcome !== 'ignored' ? await keepFiles(facts, key, result.ticketId, result.messageId) : [];
        await store.inboundMail.finish(key, { outcome: result.outcome, ticketId: result.ticketId, reason: result.reason, skippedAttachments: skipped.length ? skipped : undefined }, deps.now());
        logger.info({ key, from: facts.from.address, ...result, skipped: skipped.length }, 'inbound mail processed');
        return { outcome: result.outcome, ticketId: result.ticketId, ...(result.reason ? { reason: result.reason } : {}) };
      } catch (err) {
        // Left for the sender's retry: SMTP answers 451, HTTP 5xx.
        await store.inboundMail.fail(key, String(err), deps.now()).catch(() => undefined);
        throw err;
      }
    },
  };
}

export type InboundMail = ReturnType<typeof createInboundMail>;
