import type { AddressObject, Attachment as MailAttachment, ParsedMail } from 'mailparser';
import { checkFiles, type CheckedFile, type RefusedFile } from './attachments';

/**
 * The decisions about one inbound message that need no I/O: who sent it, whether a machine did,
 * which ticket it names, what text and files to keep. desk/inbound-mail.ts acts on them.
 */

export interface Envelope {
  /** SMTP MAIL FROM; '' is the null sender `<>` that bounces use. */
  from?: string;
  to?: string[];
}

export interface MailFacts {
  messageId?: string;
  from?: { address: string; name?: string };
  subject?: string;
  text: string;
  recipients: string[];
  /** Message-IDs from In-Reply-To and References, newest reference last. */
  cited: string[];
  /** Why the message is an auto-reply or a bounce, or null for a person's mail. */
  automatic: string | null;
  attachments: MailAttachment[];
  /** false when the parser found no header at all: the bytes are not a MIME message. */
  hasHeaders: boolean;
}

const TICKET_ID = '[0-9A-Za-z]{6,16}';

const addresses = (a: AddressObject | AddressObject[] | undefined): { address: string; name?: string }[] =>
  (Array.isArray(a) ? a : a ? [a] : []).flatMap((o) => o.value).flatMap((v) => (v.address ? [{ address: v.address.toLowerCase(), name: v.name || undefined }] : []));

const messageIds = (v: string | string[] | undefined): string[] => (Array.isArray(v) ? v : v ? [v] : []).flatMap((s) => s.match(/<[^<>\s]+>/g) ?? []);

function header(parsed: ParsedMail, name: string): string | undefined {
  const line = parsed.headerLines.find((l) => l.key === name)?.line;
  return line === undefined ? undefined : line.slice(line.indexOf(':') + 1).trim();
}

/** Auto-replies and bounces must never open tickets or get an answer, or two robots mail each other forever. */
export function automaticReason(parsed: ParsedMail, sender: string | undefined, envelope: Envelope): string | null {
  const autoSubmitted = header(parsed, 'auto-submitted')?.split(';')[0]?.trim().toLowerCase();
  if (autoSubmitted && autoSubmitted !== 'no') return `Auto-Submitted: ${autoSubmitted}`;
  const precedence = header(parsed, 'precedence')?.toLowerCase();
  if (precedence && ['bulk', 'junk', 'list'].includes(precedence)) return `Precedence: ${precedence}`;
  if (header(parsed, 'x-autoreply') !== undefined) return 'X-Autoreply';
  if (header(parsed, 'x-autorespond') !== undefined) return 'X-Autorespond';
  for (const who of [sender, envelope.from]) {
    if (who && /^(mailer-daemon|postmaster)@/i.test(who)) return `sent by ${who.split('@')[0]!.toLowerCase()}`;
  }
  if (envelope.from === '' || /^<\s*>$/.test(header(parsed, 'return-path') ?? '')) return 'null sender (Return-Path <>)';
  if (/^multipart\/report\b/i.test(header(parsed, 'content-type') ?? '')) return 'delivery status report';
  return null;
}

export function readMail(parsed: ParsedMail, envelope: Envelope): MailFacts {
  const from = addresses(parsed.from)[0] ?? (envelope.from ? { address: envelope.from.toLowerCase() } : undefined);
  const html = typeof parsed.html === 'string' ? parsed.html : '';
  return {
    messageId: messageIds(parsed.messageId)[0],
    from,
    subject: parsed.subject?.trim() || undefined,
    text: (parsed.text?.trim() || htmlToText(html)).slice(0, 20_000),
    recipients: [...(envelope.to ?? []).map((a) => a.toLowerCase()), ...addresses(parsed.to).map((a) => a.address), ...addresses(parsed.cc).map((a) => a.address)],
    cited: [...messageIds(parsed.inReplyTo), ...messageIds(parsed.references)],
    automatic: automaticReason(parsed, from?.address, envelope),
    attachments: parsed.attachments ?? [],
    // A header is `Name: value` (RFC 5322 field names: printable ASCII without ':' or space).
    hasHeaders: parsed.headerLines.some((l) => /^[\x21-\x39\x3b-\x7e]+:/.test(l.line)),
  };
}

/**
 * Ticket ids the message names, most reliable first: our thread Message-ID `<ticket-ID@…>` in
 * In-Reply-To/References, the ticket of a notification it cites (`loggedTicket`, from the notification
 * log), a `[#ID]` subject tag, a `+ID` recipient address.
 */
export function ticketCandidates(f: MailFacts, loggedTicket?: string | null): string[] {
  const threaded = f.cited.flatMap((id) => new RegExp(`^<ticket-(${TICKET_ID})@`, 'i').exec(id)?.[1] ?? []).reverse();
  const tagged = [...(f.subject ?? '').matchAll(new RegExp(`\\[#(${TICKET_ID})\\]`, 'g'))].map((m) => m[1]!);
  const plus = f.recipients.flatMap((a) => new RegExp(`\\+(${TICKET_ID})@`).exec(a)?.[1] ?? []);
  return [...new Set([...threaded, ...(loggedTicket ? [loggedTicket] : []), ...tagged, ...plus].map((id) => id.toUpperCase()))];
}

/** Bounded on purpose: a mail can carry anything, the ticket keeps what the one attachment policy (desk/attachments.ts) accepts. */
export function pickAttachments(list: MailAttachment[]): { kept: CheckedFile[]; skipped: RefusedFile[] } {
  const { kept, refused } = checkFiles(
    list.map((a, i) => ({ filename: a.filename || `attachment-${i + 1}`, data: Buffer.isBuffer(a.content) ? a.content : Buffer.from(a.content ?? '') })),
  );
  return { kept, skipped: refused };
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'", nbsp: ' ' };

/** Enough HTML-to-text for a ticket description; the HTML itself is not kept (no markup reaches agents' screens). */
export function htmlToText(html: string): string {
  return html
    .replace(/<(style|script|head)[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>|<\/(p|div|li|tr|h[1-6])>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(amp|lt|gt|quot|#39|apos|nbsp);/g, (_m, e: string) => ENTITIES[e]!)
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** The new part of a reply: drops the quoted history mail clients append, unless nothing else is left. */
export function stripQuoted(text: string): string {
  const lines = text.split(/\r?\n/);
  const cut = lines.findIndex((l) => /^On .+wrote:\s*$/.test(l) || /^-{2,}\s*Original Message\s*-{2,}/i.test(l));
  const fresh = (cut === -1 ? lines : lines.slice(0, cut)).filter((l) => !l.startsWith('>')).join('\n').trim();
  return fresh || text.trim();
}
