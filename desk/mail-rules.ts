import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { htmlToText } from './html-text';
import { checkFiles, type CheckedFile, type RefusedFile } from './attachments';
import { isNullSender, robotReason } from './mail-robots';
import {
  cutText,
  declaredCharsets,
  decodeSubject,
  decodeUtf7,
  extractReply,
  rawHeader,
  withoutUuencoded,
} from './mail-text';

/**
 * The decisions about one inbound message that need no I/O: who sent it, whether a machine did,
 * which ticket it names, what text and files to keep. Everything here is plain data, because it runs
 * in a worker thread (desk/mail-parser-pool.ts); desk/inbound-mail.ts acts on it.
 */

export interface Envelope {
  /** SMTP MAIL FROM; '' (or `<>`) is the null sender that bounces use. */
  from?: string;
  to?: string[];
}

export interface MailFile {
  filename: string;
  contentType: string;
  data: Uint8Array;
}

export type { RefusedFile };

export interface MailFacts {
  messageId?: string;
  from?: { address: string; name?: string };
  subject?: string;
  /** The whole text, decoded (quoted history included): what agents open as "the original". */
  text: string;
  /** The new part of a reply: quoted history and signature removed. */
  reply: string;
  recipients: string[];
  /** Message-IDs from In-Reply-To and References, newest reference last. */
  cited: string[];
  /** Why the message is an auto-reply, bounce or list mail, or null for a person's mail. */
  automatic: string | null;
  attachments: MailFile[];
  /** Parts that are not files we can keep (uuencoded blocks), with the reason. */
  refused: RefusedFile[];
  /** Every Authentication-Results header, as the MTAs on the way added them. */
  authResults: string[];
  /** false when the parser found no header at all: the bytes are not a MIME message. */
  hasHeaders: boolean;
}

export const MAX_TEXT = 20_000;
const MAX_ORIGINAL = 200_000;
const TICKET_ID = '[0-9A-Za-z]{6,16}';
/** HTML becomes text once, in textOf (the parser's own conversion would do it again, slower); no HTML is made from text. */
const PARSER_OPTIONS = { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true };

const addresses = (a: AddressObject | AddressObject[] | undefined): { address: string; name?: string }[] =>
  (Array.isArray(a) ? a : a ? [a] : [])
    .flatMap((o) => o.value)
    // As written: lower-casing here would fold a Kelvin sign into k before lib/email-address.ts judges the address.
    .flatMap((v) => (v.address ? [{ address: v.address, name: v.name || undefined }] : []));

const messageIds = (v: string | string[] | undefined): string[] =>
  (Array.isArray(v) ? v : v ? [v] : []).flatMap((s) => s.match(/<[^<>\s]+>/g) ?? []);

function headerLookup(parsed: ParsedMail) {
  const values = (name: string) =>
    parsed.headerLines
      .filter((l) => l.key === name)
      .map((l) =>
        l.line
          .slice(l.line.indexOf(':') + 1)
          .replace(/\r?\n[ \t]+/g, ' ')
          .trim(),
      );
  return { values, first: (name: string) => values(name)[0] };
}

function textOf(parsed: ParsedMail, charsets: string[]): string {
  const plain = parsed.text?.trim();
  const text = plain || (typeof parsed.html === 'string' ? htmlToText(parsed.html) : '');
  return charsets.some((c) => /utf-?7$/.test(c)) ? decodeUtf7(text) : text;
}

/** A forwarded message (message/rfc822) shows its sender, subject and text after the forwarder's words. */
async function forwardedText(file: MailFile): Promise<string> {
  const inner = await simpleParser(Buffer.from(file.data), PARSER_OPTIONS).catch(() => null);
  if (!inner) return '';
  const from = addresses(inner.from)[0];
  const body = textOf(inner, declaredCharsets(Buffer.from(file.data)));
  return [
    `---------- Forwarded message (${file.filename}) ----------`,
    `From: ${from ? `${from.name ?? ''} <${from.address}>`.trim() : '(unknown)'}`,
    `Subject: ${inner.subject ?? '(no subject)'}`,
    '',
    body,
  ].join('\n');
}

export async function parseMail(bytes: Buffer, envelope: Envelope): Promise<MailFacts | null> {
  // mailparser reads any bytes as a message; what it throws on is a limit of its own (over 1,000 MIME parts, a
  // header over 1 MB), which the pool reports as a parser failure, not as the sender's malformed mail.
  const parsed = await simpleParser(bytes, PARSER_OPTIONS);
  const h = headerLookup(parsed);
  const charsets = declaredCharsets(bytes);
  const from =
    addresses(parsed.from)[0] ??
    (envelope.from && !isNullSender(envelope.from) ? { address: envelope.from } : undefined);
  const attachments: MailFile[] = (parsed.attachments ?? []).map((a, i) => ({
    filename: (
      a.filename || (a.contentType === 'message/rfc822' ? `forwarded-${i + 1}.eml` : `attachment-${i + 1}`)
    ).slice(0, 200),
    contentType: (a.contentType || 'application/octet-stream').toLowerCase(),
    data: Buffer.isBuffer(a.content) ? a.content : Buffer.from(a.content ?? ''),
  }));
  const { text: own, files: uuencoded } = withoutUuencoded(textOf(parsed, charsets));
  const forwarded = await Promise.all(attachments.filter((a) => a.contentType === 'message/rfc822').map(forwardedText));
  const text = cutText([own, ...forwarded.filter(Boolean)].join('\n\n').trim(), MAX_ORIGINAL);
  const subject = decodeSubject(
    parsed.subject,
    rawHeader(bytes, 'subject'),
    charsets.find((c) => !/^(us-ascii|utf-?7)$/.test(c)),
  );
  return {
    messageId: messageIds(parsed.messageId)[0],
    from,
    subject: subject?.replace(/\s+/g, ' ').trim() || undefined,
    text,
    reply: cutText(
      [extractReply(cutText(own, 2 * MAX_TEXT)), ...forwarded.filter(Boolean)].join('\n\n').trim(),
      MAX_TEXT,
    ),
    recipients: [
      ...(envelope.to ?? []).map((a) => a.toLowerCase()),
      ...addresses(parsed.to).map((a) => a.address.toLowerCase()),
      ...addresses(parsed.cc).map((a) => a.address.toLowerCase()),
    ],
    cited: [...messageIds(parsed.inReplyTo), ...messageIds(parsed.references)],
    automatic: robotReason(h.first, [from?.address, h.first('sender')?.replace(/^.*<|>.*$/g, '')], envelope.from),
    attachments,
    refused: uuencoded.map((filename) => ({
      filename,
      reason: 'uuencoded inside the text; send it as a regular attachment',
    })),
    authResults: h.values('authentication-results'),
    // A header is `Name: value` (RFC 5322 field names: printable ASCII without ':' or space).
    hasHeaders: parsed.headerLines.some((l) => /^[\x21-\x39\x3b-\x7e]+:/.test(l.line)),
  };
}

/**
 * Ticket ids the message names, most reliable first: our thread Message-ID `<ticket-ID@…>` in
 * In-Reply-To/References, the ticket of a notification it cites (`loggedTicket`, from the notification
 * log), a `[#ID]` subject tag, a `+ID` or `+ID.token` recipient address.
 */
export function ticketCandidates(f: MailFacts, loggedTicket?: string | null): string[] {
  const threaded = f.cited.flatMap((id) => new RegExp(`^<ticket-(${TICKET_ID})@`, 'i').exec(id)?.[1] ?? []).reverse();
  const tagged = [...(f.subject ?? '').matchAll(new RegExp(`\\[#(${TICKET_ID})\\]`, 'g'))].map((m) => m[1]!);
  const plus = f.recipients.flatMap((a) => new RegExp(`\\+(${TICKET_ID})(?:\\.[0-9a-f]+)?@`).exec(a)?.[1] ?? []);
  return [
    ...new Set(
      [...threaded, ...(loggedTicket ? [loggedTicket] : []), ...tagged, ...plus].map((id) => id.toUpperCase()),
    ),
  ];
}

/**
 * Which files a ticket keeps: the one attachment policy (desk/attachments.ts) judges each by its
 * content; Outlook's TNEF gets a reason the sender can act on. Every refusal is recorded on the
 * message and told to the customer.
 */
export function pickAttachments(list: MailFile[]): { kept: CheckedFile[]; skipped: RefusedFile[] } {
  const tnef = (f: MailFile) => f.contentType === 'application/ms-tnef' || /^winmail\.dat$/i.test(f.filename);
  const { kept, refused } = checkFiles(
    list.filter((f) => !tnef(f)).map((f) => ({ filename: f.filename, data: Buffer.from(f.data) })),
  );
  const winmail = list.filter(tnef).map((f) => ({
    filename: f.filename,
    reason: "Outlook's winmail.dat (TNEF) cannot be opened here: please send the files as plain attachments",
  }));
  // A forwarded message is text by content; it keeps its own type so that it downloads as a mail.
  const forwarded = new Set(list.filter((f) => f.contentType === 'message/rfc822').map((f) => f.filename));
  const typed = kept.map((f) =>
    forwarded.has(f.filename) && f.contentType === 'text/plain' ? { ...f, contentType: 'message/rfc822' } : f,
  );
  return { kept: typed, skipped: [...winmail, ...refused] };
}
