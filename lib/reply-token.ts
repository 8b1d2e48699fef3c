import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Per-recipient reply tokens: every mail the desk sends about a ticket has its own Reply-To,
 * `support+<ticket>.<token>@…`, where the token is an HMAC of the ticket and that recipient's
 * address. A reply to that address proves the sender received our mail; copying a ticket number
 * into a subject proves nothing. Both the API (which checks) and the worker (which mints) read the
 * same secret.
 */

const TOKEN_CHARS = 16;

export function replyToken(secret: string, ticketId: string, recipient: string): string {
  return createHmac('sha256', secret)
    .update(`${ticketId.toUpperCase()}\n${recipient.trim().toLowerCase()}`)
    .digest('hex')
    .slice(0, TOKEN_CHARS);
}

export function isReplyToken(secret: string, ticketId: string, recipient: string, token: string): boolean {
  const want = Buffer.from(replyToken(secret, ticketId, recipient));
  const got = Buffer.from(token.toLowerCase());
  return want.length === got.length && timingSafeEqual(want, got);
}

/** The tag in `support+<tag>@…`: the ticket and the recipient's token. */
export const replyTag = (secret: string, ticketId: string, recipient: string) =>
  `${ticketId}.${replyToken(secret, ticketId, recipient)}`;

/**
 * A notification's Message-ID: its idempotency key (readable, the same on every retry) with an HMAC of it. A
 * reply citing a mail we sent to one person alone proves that person (desk/mail-auth.ts), so the ID must be
 * unguessable: the key alone (`<ticket>.acknowledgement`) can be typed by anyone who knows the ticket number.
 */
export function notificationMessageId(secret: string, key: string, domain: string): string {
  const mac = createHmac('sha256', secret).update(`message-id\n${key}`).digest('hex').slice(0, TOKEN_CHARS);
  return `<${key.replace(/[^A-Za-z0-9._-]/g, '.')}.${mac}@${domain}>`;
}

/** Whether a logged Message-ID is the one minted for its key; an ID sent before IDs carried a MAC is not. */
export function isNotificationMessageId(secret: string, key: string, messageId: string): boolean {
  const domain = /@([^>]+)>$/.exec(messageId)?.[1];
  if (!domain) return false;
  const want = Buffer.from(notificationMessageId(secret, key, domain));
  const got = Buffer.from(messageId);
  return want.length === got.length && timingSafeEqual(want, got);
}

/**
 * REPLY_TOKEN_SECRET when set; otherwise a random secret kept in DATA_DIR (created once, shared by
 * the API and the worker of one installation). Several hosts must set REPLY_TOKEN_SECRET.
 */
export function loadReplySecret(opts: { secret?: string; dataDir: string }): string {
  if (opts.secret) return opts.secret;
  const file = path.join(opts.dataDir, 'reply-token.secret');
  mkdirSync(opts.dataDir, { recursive: true });
  try {
    writeFileSync(file, randomBytes(32).toString('hex'), { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return readFileSync(file, 'utf8').trim();
}
