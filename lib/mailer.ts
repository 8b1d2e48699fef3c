import nodemailer from 'nodemailer';

export interface OutgoingMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId: string;
  inReplyTo?: string;
  references?: string[];
  /** Sent as given: whether a mail is automatic (Auto-Submitted) is the caller's to say (activities/ticket-activities.ts). */
  headers?: Record<string, string>;
  /** Routes the recipient's reply back to this ticket and proves who replies (`support+<ticket>.<token>@…`, lib/reply-token.ts). */
  replyToTag?: string;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/** `Support <support@x.io>` + `AB12` → `Support <support+AB12@x.io>`: the plus address inbound mail matches. */
export function taggedAddress(from: string, tag: string): string {
  return from.replace(/([^<\s@]+)@([^>\s]+)/, `$1+${tag}@$2`);
}

/**
 * Pooled unless SMTP_URL says `pool=false`: a few connections reused for every mail, instead of a connect,
 * greeting and EHLO per mail, which a burst of escalations pays a thousand times (BENCHMARKS.md).
 */
export function createMailer(opts: { url: string; from: string }): Mailer {
  const url = new URL(opts.url);
  if (!url.searchParams.has('pool')) url.searchParams.set('pool', 'true');
  const transport = nodemailer.createTransport(url.toString());
  return {
    async send(mail) {
      await transport.sendMail({
        from: opts.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
        inReplyTo: mail.inReplyTo,
        replyTo: mail.replyToTag ? taggedAddress(opts.from, mail.replyToTag) : undefined,
        references: mail.references,
        headers: mail.headers,
      });
    },
    close: () => transport.close(),
  };
}
