/**
 * Mail that machines send: auto-replies, bounces, delivery and abuse reports, list traffic. Such mail
 * must never open a ticket, get an answer, or move a ticket's clock, or two robots mail each other
 * forever and a vacation notice reopens resolved tickets. The signals, most explicit first:
 *
 * - RFC 3834 `Auto-Submitted` (anything but `no`);
 * - what providers send instead: `X-Autoreply`, `X-Autorespond`, `X-AutoReply-From`, `X-Mail-Autoreply`
 *   (various MTAs and vacation programs), `X-Apple-Action` (iCloud's vacation, without Auto-Submitted),
 *   `X-Auto-Response-Suppress` naming OOF/AutoReply/All (Exchange sets it on its own automatic mail),
 *   `X-Failed-Recipients` (Exim bounces), `Precedence: bulk|junk|list|auto_reply`;
 * - mailing lists: `List-Id`, `List-Unsubscribe` and the other RFC 2369 `List-*` headers;
 * - reports: `multipart/report` (DSN delivery-status, MDN, ARF feedback-report) or a top-level
 *   `message/delivery-status` / `message/feedback-report`;
 * - senders: the null sender `<>` (envelope, Return-Path, or the From header: `From: MAILER-DAEMON <>`),
 *   a From that is only an MTA's name (`From: MAILER-DAEMON`), role addresses that only machines use,
 *   with or without a domain: mailer-daemon, postmaster, post_master, no-reply/noreply/do-not-reply,
 *   bounces, list managers (`*-request@`, `owner-*@`, `*-owner@`, majordomo, listserv, mailman; fml's
 *   `X-MLServer`), and feedback-loop senders whose reports carry no report header (Hotmail's JMRP).
 *   Checked against every MTA family in sisimai's bounce corpus (test/fixtures/mail/bounces/).
 */

export type HeaderLookup = (name: string) => string | undefined;

// A bare local part counts as well: sendmail's `From: Mail Delivery Subsystem <MAILER-DAEMON>` has no domain.
const ROLE_SENDER =
  /^(mailer-daemon|postmaster|post_master|no[-_.]?reply|do[-_.]?not[-_.]?reply|bounces?|majordomo|listserv|mailman|[^@]*-request|owner-[^@]*|[^@]*-owner|[^@]*-bounces?)(\+[^@]*)?(@|$)/i;

/** A From with no address at all, only a name that MTAs sign their reports with. */
const ROBOT_NAME_ONLY =
  /^"?\s*(mailer-daemon|postmaster|post_master|mail delivery (sub)?system|mail administrator)\s*"?$/i;

/** Senders of feedback-loop reports that carry no report header: Microsoft's JMRP complaints. */
const REPORT_SENDERS = new Set(['staff@hotmail.com']);

const LIST_HEADERS = [
  'list-id',
  'list-unsubscribe',
  'list-post',
  'list-help',
  'list-subscribe',
  'list-owner',
  'list-archive',
];

/**
 * True for `<>`, an empty string, or a value that is only whitespace: the null reverse-path. Read without a
 * regex of adjacent `\s*` runs, whose backtracking costs time with the cube of a long run of spaces.
 */
export function isNullSender(v: string | undefined): boolean {
  if (v === undefined) return false;
  const t = v.trim();
  if (t === '' || t === '<' || t === '>') return true;
  return t.startsWith('<') && t.endsWith('>') && t.slice(1, -1).trim() === '';
}

/** `senders`: the From and Sender addresses. */
export function robotReason(
  header: HeaderLookup,
  senders: (string | undefined)[],
  envelopeFrom: string | undefined,
): string | null {
  const autoSubmitted = header('auto-submitted')?.split(';')[0]?.trim().toLowerCase();
  if (autoSubmitted && autoSubmitted !== 'no') return `Auto-Submitted: ${autoSubmitted}`;
  for (const name of ['x-autoreply', 'x-autorespond', 'x-autoreply-from', 'x-mail-autoreply']) {
    if (header(name) !== undefined) return name.replace(/\b[a-z]/g, (c) => c.toUpperCase());
  }
  const apple = header('x-apple-action');
  if (apple !== undefined) return `X-Apple-Action: ${apple.trim().toLowerCase() || '(empty)'}`;
  const suppress = header('x-auto-response-suppress');
  if (suppress && /\b(all|oof|autoreply)\b/i.test(suppress)) return `X-Auto-Response-Suppress: ${suppress.trim()}`;
  if (header('x-failed-recipients') !== undefined) return 'X-Failed-Recipients (bounce)';
  const precedence = header('precedence')?.trim().toLowerCase();
  if (precedence && ['bulk', 'junk', 'list', 'auto_reply'].includes(precedence)) return `Precedence: ${precedence}`;
  const list = LIST_HEADERS.find((h) => header(h) !== undefined);
  if (list) return `mailing list (${list})`;
  const type = header('content-type')?.toLowerCase() ?? '';
  if (/^multipart\/report\b/.test(type))
    return `report (${/report-type\s*=\s*"?([\w-]+)/.exec(type)?.[1] ?? 'unknown'})`;
  if (/^message\/(delivery-status|feedback-report|disposition-notification)\b/.test(type))
    return `report (${type.split(/[;\s]/)[0]})`;
  if (isNullSender(envelopeFrom) || isNullSender(header('return-path'))) return 'null sender <>';
  // `From: <>` or `From: MAILER-DAEMON <>` (DragonFly, McAfee): the null sender in the header.
  const from = header('from')?.trim();
  if (from && /<\s*>$/.test(from)) return 'null sender <> (From)';
  if (from && !from.includes('@') && ROBOT_NAME_ONLY.test(from.replace(/[<>]/g, '')))
    return `sent by ${from.replace(/[<>"]/g, '').trim().toLowerCase()}`;
  // fml, the Japanese list manager, marks its own mail (loop alerts, errors) with X-MLServer alone.
  if (header('x-mlserver') !== undefined) return 'mailing list (x-mlserver)';
  for (const who of senders) {
    if (who && ROLE_SENDER.test(who)) return `sent by ${who.split('@')[0]!.toLowerCase()}`;
    if (who && REPORT_SENDERS.has(who.toLowerCase())) return `report (complaint from ${who.toLowerCase()})`;
  }
  // The envelope sender only counts when it is the MTA's own: mail sent through a mailing service has a
  // `bounces+…@` envelope (VERP) even when a person wrote it.
  if (envelopeFrom && /^(mailer-daemon|postmaster)@/i.test(envelopeFrom))
    return `sent by ${envelopeFrom.split('@')[0]!.toLowerCase()}`;
  return null;
}
