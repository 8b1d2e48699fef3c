import { createHash } from 'node:crypto';
import { AppError } from '../domain/errors';
import type { Logger } from '../lib/logger';
import { canonicalEmail } from '../lib/email-address';
import { isNotificationMessageId } from '../lib/reply-token';
import type { Store } from '../store';
import type { InboundOutcome } from '../store/inbound-mail';
import type { MailDetails, User } from '../domain/entities';
import type { AttachmentService, CheckedFile } from './attachments';
import type { HeldMailNotice, HeldNoticeOutcome } from './held-mail-notice';
import { dmarcResult, proveSender } from './mail-auth';
import { MailOverBudget, type MailParser } from './mail-parser-pool';
import { isNullSender } from './mail-robots';
import {
  MAX_TEXT,
  pickAttachments,
  ticketCandidates,
  type Envelope,
  type MailFacts,
  type RefusedFile,
} from './mail-rules';
import { cutText } from './mail-text';
import { ensureCustomer, proveAddress } from './customers';
import { isStaff, principalOf } from './principal';
import type { TicketActions } from './ticket-actions';
import type { TicketService } from './tickets';

/**
 * Inbound mail, whichever way it arrives (SMTP listener or the raw-MIME HTTP endpoint). In order:
 *
 * 1. Parsing runs in a worker thread with a size and a time budget (desk/mail-parser-pool.ts); a
 *    message over budget is kept raw and refused (SMTP 552/554, HTTP 413/422). When the parser's queue
 *    is full (MailParserBusy) or the parser fails, nothing is kept and the sender is told to retry.
 * 2. Duplicate: the same Message-ID from the same sender (or, without an ID, the same bytes) is
 *    processed once. Another sender reusing an ID is a different message.
 * 3. Robot (desk/mail-robots.ts): auto-replies, bounces, reports and list mail are recorded as ignored,
 *    linked to the ticket they name, and change nothing. A null sender is never refused.
 * 4. Reply: the mail names a ticket (our thread Message-IDs, a `[#ID]` subject tag, a `+ID` address)
 *    and comes from its customer or from an agent. It is added to the thread only when the sender
 *    proves it (desk/mail-auth.ts: a reply token or a mail we sent to that person alone, and DMARC
 *    where the MTA checked it); otherwise it is held as an internal note for agents, never mailed to
 *    the customer nor counted, its files kept apart for agents until one releases or discards it
 *    (desk/held-mail.ts). A customer writing to a closed ticket gets a follow-up ticket.
 * 5. New ticket: anyone may open one by mail (an unknown address becomes a customer on the standard
 *    agreement). Naming someone else's ticket opens the sender's own ticket instead. Mail from an
 *    agent that names no ticket is ignored (agents work tickets through the API and the console).
 */

export class InboundMailRejected extends Error {
  override name = 'InboundMailRejected';
  constructor(
    message: string,
    /** unusable: nothing to act on; size/time: over the parsing budget. */
    readonly kind: 'unusable' | 'size' | 'time' = 'unusable',
  ) {
    super(message);
  }
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
  parser: MailParser;
  /** Tells a ticket's customer that a mail naming it from their address was held. */
  heldNotice: HeldMailNotice;
  /** The secret reply tokens are minted with (lib/reply-token.ts). */
  replySecret: string;
  /** authserv-ids of our own MTAs, whose Authentication-Results are believed. */
  trustedAuthservIds: string[];
  now: () => Date;
  logger: Logger;
}

/** What agents read on the held note about the customer's notice. */
const NOTICE_LINE: Record<HeldNoticeOutcome, string> = {
  sent: 'The customer was told by mail, at the address on file, that this message was kept for review.',
  'rate-limited': 'The customer was not told: this ticket already sent its daily share of such notices.',
  'no-mailer': 'The customer was not told: no outgoing mail is configured.',
};

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const withoutTags = (subject?: string) => subject?.replace(/\s*\[#[0-9A-Za-z]{6,16}\]/g, '').trim() || undefined;
type Sent = MailFacts & { from: NonNullable<MailFacts['from']> };

function unusable(f: MailFacts | null): string | null {
  if (!f) return 'the message could not be parsed as MIME';
  if (!f.hasHeaders) return 'no mail headers found: this is not a MIME message';
  if (!f.from) return 'no sender address (neither From nor MAIL FROM)';
  if (!f.subject && !f.text && !f.attachments.length) return 'the message has no subject, text or attachment';
  return null;
}

/** Same Message-ID and same sender: a redelivery. Without an ID, the same bytes. */
function dedupKey(f: MailFacts | null, bytes: Buffer): string {
  if (f?.messageId && f.messageId.length <= 250) return `mid:${f.messageId}:${f.from?.address.toLowerCase() ?? '<>'}`;
  return `sha256:${sha256(bytes)}`;
}

export function createInboundMail(deps: InboundMailDeps) {
  const { store, logger } = deps;

  async function findTicket(f: MailFacts) {
    const cited = await store.inboundMail.citedNotifications(f.cited);
    for (const id of ticketCandidates(f, cited[0]?.ticketId)) {
      const ticket = await store.tickets.get(id);
      if (!ticket) continue;
      // Only a Message-ID nobody could have guessed proves who received it (lib/reply-token.ts).
      const proving = cited.filter(
        (c) => c.ticketId === ticket.id && isNotificationMessageId(deps.replySecret, c.key, c.messageId),
      );
      return { ticket, citedTo: proving.map((c) => c.to) };
    }
    return null;
  }

  /** The idempotency key derives from the message, so a redelivery after a crash finds the same ticket. */
  async function openTicket(
    f: MailFacts,
    key: string,
    customer: User,
    refusedFiles: RefusedFile[],
    note?: string,
  ): Promise<string> {
    const text = f.text || (f.attachments.length ? '(see attachments)' : '(no text)');
    const { ticket } = await deps.tickets.create(
      principalOf(customer),
      {
        subject: cutText(withoutTags(f.subject) ?? '(no subject)', 200),
        description: cutText(note ? `${note}\n\n${text}` : text, MAX_TEXT),
        category: 'question',
        priority: 'normal',
        channel: 'email',
        refusedFiles,
      },
      `inbound:${sha256(key).slice(0, 40)}`,
    );
    return ticket.id;
  }

  async function route(
    facts: MailFacts,
    key: string,
    details: MailDetails,
  ): Promise<InboundResult & { messageId?: string }> {
    const found = await findTicket(facts);
    if (facts.automatic || !facts.from)
      return { outcome: 'ignored', ticketId: found?.ticket.id, reason: `robot: ${facts.automatic ?? 'no sender'}` };
    const messageId = `E${sha256(key).slice(0, 24)}`;
    // Compared in its one canonical form (lib/email-address.ts). A look-alike or invisible-character address is
    // nobody's: held for agents on the ticket it names, else refused with the reason.
    const canonical = canonicalEmail(facts.from.address);
    if (!canonical.ok) {
      const why = `the sender's address ${facts.from.address} is refused: it ${canonical.reason}`;
      if (!found) throw new InboundMailRejected(why);
      await holdRefusedSender(found.ticket.id, { ...facts, from: facts.from }, why, messageId, details);
      return { outcome: 'held', ticketId: found.ticket.id, reason: why, messageId };
    }
    const f: Sent = { ...facts, from: { ...facts.from, address: canonical.address } };
    const sender = await store.users.byEmail(f.from.address);
    if (found && sender && (sender.id === found.ticket.customerId || isStaff(sender))) {
      const { ticket, citedTo } = found;
      const proof = proveSender({
        secret: deps.replySecret,
        ticketId: ticket.id,
        sender: f.from.address,
        recipients: f.recipients,
        citedMailRecipients: citedTo,
        dmarc: dmarcResult(f.authResults, deps.trustedAuthservIds),
      });
      if (!proof.verified) {
        // Only the customer is told, at their own address: a forged agent's mail has nobody to tell.
        const notice =
          sender.id === ticket.customerId ? await deps.heldNotice.notify(ticket, sender.email, messageId) : null;
        // Written to the store directly: an internal note that never signals the workflow nor reaches the customer.
        await store.messages.add({
          id: messageId,
          ticketId: ticket.id,
          authorId: sender.id,
          authorRole: sender.role,
          authorName: sender.name,
          kind: 'internal_note',
          body: `Unverified mail from ${f.from.address}, held for review (not sent to the customer, not counted): ${proof.reason}.${notice ? ` ${NOTICE_LINE[notice]}` : ''}\n\n${f.reply || '(no text)'}`,
          internal: true,
          channel: 'email',
          createdAt: deps.now(),
          mail: {
            ...details,
            proof: `unverified: ${proof.reason}`,
            // What an agent may release as the customer's message (desk/held-mail.ts); files stay apart until then.
            held: {
              status: 'pending',
              ...(sender.id === ticket.customerId ? { customerId: sender.id } : {}),
              reply: f.reply,
            },
          },
        });
        return { outcome: 'held', ticketId: ticket.id, reason: proof.reason, messageId };
      }
      // A verified reply proves the customer's address (desk/customers.ts): they may join their domain's organization.
      if (sender.id === ticket.customerId) await proveAddress(store, sender, deps.now());
      try {
        const body = f.reply || '(see attachments)';
        // The message id comes from the mail's key, so a retried delivery threads it once.
        const { message } = await deps.actions.addMessage(principalOf(sender), ticket.id, {
          body,
          channel: 'email',
          id: messageId,
          mail: { ...details, proof: proof.reason },
        });
        return { outcome: 'threaded', ticketId: ticket.id, messageId: message.id };
      } catch (err) {
        if (!(err instanceof AppError && err.code === 'invalid_transition')) throw err;
        if (isStaff(sender))
          return { outcome: 'ignored', ticketId: ticket.id, reason: `agent reply refused: ${err.message}` };
        const id = await openTicket(
          f,
          key,
          sender,
          details.refusedFiles ?? [],
          `Follow-up to ticket #${ticket.id}, which is closed.`,
        );
        return { outcome: 'created', ticketId: id };
      }
    }
    if (isStaff(sender)) return { outcome: 'ignored', reason: 'mail from an agent that names no ticket' };
    const customer = sender ?? (await ensureCustomer(store, f.from.address, f.from.name, deps.now()));
    if (customer.role !== 'customer') return { outcome: 'ignored', reason: `${f.from.address} is not a customer` };
    return { outcome: 'created', ticketId: await openTicket(f, key, customer, details.refusedFiles ?? []) };
  }

  /** Flagged to agents as a held note that can only be discarded: no customer's address sent it. */
  async function holdRefusedSender(ticketId: string, f: Sent, why: string, messageId: string, details: MailDetails) {
    await store.messages.add({
      id: messageId,
      ticketId,
      authorId: 'unknown-sender',
      authorRole: 'customer',
      authorName: f.from.name ?? 'unknown sender',
      kind: 'internal_note',
      body: `Mail held for review (not sent to the customer, not counted): ${why}.\n\n${f.reply || '(no text)'}`,
      internal: true,
      channel: 'email',
      createdAt: deps.now(),
      mail: { ...details, proof: `refused: ${why}`, held: { status: 'pending', reply: f.reply } },
    });
  }

  /** Ids derive from the message key, so reprocessing the same mail overwrites nothing and adds nothing. */
  /** A held mail's files are kept apart with it (agents only, outside the customer's quota) until an agent decides. */
  async function keepFiles(kept: CheckedFile[], key: string, ticketId: string, messageId?: string, held = false) {
    const prefix = sha256(key).slice(0, 20);
    const files = kept.map((file, i) => ({ ...file, id: `${prefix}-${i}` }));
    const { overQuota } = await deps.attachments.keep(ticketId, files, { messageId, partial: true, held });
    return overQuota;
  }

  /** Over budget: the raw bytes are kept (bounded) under their digest, and the sender told why. */
  async function refuse(bytes: Buffer, err: MailOverBudget): Promise<never> {
    const key = `sha256:${sha256(bytes)}`;
    await store.inboundMail.claim(key, {}, deps.now());
    await store.inboundMail.reject(key, err.message, bytes, deps.now());
    logger.warn({ key, reason: err.message, size: bytes.length }, 'inbound mail over budget');
    throw new InboundMailRejected(err.message, err.budget);
  }

  return {
    async receive(raw: Buffer | string, envelope: Envelope = {}): Promise<InboundResult> {
      const bytes = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
      const facts = await deps.parser.parse(bytes, envelope).catch((err: unknown) => {
        if (err instanceof MailOverBudget) return refuse(bytes, err);
        // Busy (MailParserBusy) or a parser failure (MailParseFailed): nothing is recorded, and the
        // sender's retry is parsed afresh; the channels answer 451 / 503.
        logger.warn({ err, size: bytes.length }, 'inbound mail not parsed now; the sender will retry');
        throw err;
      });
      const key = dedupKey(facts, bytes);
      const standing = await store.inboundMail.claim(
        key,
        { from: facts?.from?.address, subject: facts?.subject },
        deps.now(),
      );
      if (standing) {
        if (standing.status === 'rejected')
          throw new InboundMailRejected(standing.reason ?? 'the message was rejected');
        return { outcome: 'duplicate', ticketId: standing.ticketId };
      }
      // A bounce is never bounced: a null sender is recorded, whatever else is wrong with the message.
      if (!facts?.automatic && isNullSender(envelope.from)) {
        await store.inboundMail.finish(key, { outcome: 'ignored', reason: 'robot: null sender <>' }, deps.now());
        return { outcome: 'ignored', reason: 'robot: null sender <>' };
      }
      const why = facts?.automatic ? null : unusable(facts);
      if (why || !facts) {
        const reason = why ?? 'the message could not be parsed as MIME';
        await store.inboundMail.reject(key, reason, bytes, deps.now());
        logger.warn({ key, reason, size: bytes.length }, 'inbound mail rejected');
        throw new InboundMailRejected(reason);
      }
      try {
        const { kept, skipped } = pickAttachments(facts.attachments);
        const refusedFiles = [...facts.refused, ...skipped];
        const details: MailDetails = { original: facts.text, ...(refusedFiles.length ? { refusedFiles } : {}) };
        const result = await route(facts, key, details);
        const stored =
          result.ticketId &&
          (result.outcome === 'created' || result.outcome === 'threaded' || result.outcome === 'held');
        const overQuota = stored
          ? await keepFiles(kept, key, result.ticketId!, result.messageId, result.outcome === 'held')
          : [];
        const skippedAttachments = [...refusedFiles, ...overQuota];
        await store.inboundMail.finish(
          key,
          {
            outcome: result.outcome,
            ticketId: result.ticketId,
            reason: result.reason,
            skippedAttachments: skippedAttachments.length ? skippedAttachments : undefined,
          },
          deps.now(),
        );
        logger.info(
          {
            key,
            from: facts.from?.address,
            outcome: result.outcome,
            ticketId: result.ticketId,
            refused: refusedFiles.length,
          },
          'inbound mail processed',
        );
        return {
          outcome: result.outcome,
          ticketId: result.ticketId,
          ...(result.reason ? { reason: result.reason } : {}),
        };
      } catch (err) {
        if (err instanceof InboundMailRejected) {
          await store.inboundMail.reject(key, err.message, bytes, deps.now());
          throw err;
        }
        // Left for the sender's retry: SMTP answers 451, HTTP 5xx.
        await store.inboundMail.fail(key, String(err), deps.now()).catch(() => undefined);
        throw err;
      }
    },
  };
}

export type InboundMail = ReturnType<typeof createInboundMail>;
