import type { Logger } from '../lib/logger';
import type { Mailer } from '../lib/mailer';
import type { Store } from '../store';

export interface AgentMailDeps {
  store: Store;
  mailer?: Mailer;
  mailDomain: string;
  /** Where the console is reached, for the link in each mail. */
  publicUrl: string;
  now: () => Date;
  logger: Logger;
}

export interface AgentMail {
  /** Idempotency key: the same key never mails twice (the notification claims of store/notifications.ts). */
  key: string;
  ticketId: string;
  kind: 'assigned' | 'customer_reply';
  to: string;
  subject: string;
  text: string;
}

/**
 * Mails to agents about their tickets, sent by the desk right after the change that causes them. They
 * share the workflow's notification claims, so a key mails at most once; a claim held by another live
 * attempt is left to it. Without a mailer (a process configured without SMTP) nothing is sent.
 */
export function createAgentMailer(deps: AgentMailDeps) {
  return async function send(m: AgentMail): Promise<'sent' | 'already-sent' | 'skipped'> {
    if (!deps.mailer) return 'skipped';
    const messageId = `<${m.key.replace(/[^A-Za-z0-9._-]/g, '.')}@${deps.mailDomain}>`;
    const claim = await deps.store.notifications.claim({ key: m.key, ticketId: m.ticketId, kind: m.kind, to: [m.to], subject: m.subject, messageId }, deps.now());
    if (claim !== 'claimed') return claim === 'sent' ? 'already-sent' : 'skipped';
    const url = `${deps.publicUrl.replace(/\/$/, '')}/console/tickets/${m.ticketId}`;
    const text = `${m.text}\n\nOpen the ticket: ${url}\n`;
    const threadRoot = `<ticket-${m.ticketId}@${deps.mailDomain}>`;
    await deps.mailer.send({
      to: [m.to],
      subject: m.subject,
      text,
      html: `<p>${escape(m.text)}</p><p><a href="${escape(url)}">Open the ticket</a></p>`,
      messageId,
      inReplyTo: threadRoot,
      references: [threadRoot],
      headers: { 'X-Ticket-Id': m.ticketId, 'X-Notification-Kind': m.kind },
    });
    await deps.store.notifications.markSent(m.key, deps.now());
    deps.logger.info({ ticketId: m.ticketId, kind: m.kind, key: m.key }, 'agent mail sent');
    return 'sent';
  };
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export type SendAgentMail = ReturnType<typeof createAgentMailer>;
