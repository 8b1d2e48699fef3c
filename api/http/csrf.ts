import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';

/**
 * Double-submit CSRF protection: the same token in a SameSite=Strict cookie and a hidden field.
 * The token is HMAC-signed, so a cookie planted by another site (or a sibling subdomain) is not
 * accepted either. The key is derived from the admin key under a fixed label: no new setting, and
 * rotating the admin key invalidates every outstanding form.
 */

export const CSRF_COOKIE = 'sd_csrf';
export const CSRF_FIELD = 'csrf';

export function csrfKey(adminApiKey: string): Buffer {
  return createHmac('sha256', adminApiKey).update('sla-desk/web/csrf/v1').digest();
}

const sign = (key: Buffer, nonce: string) => createHmac('sha256', key).update(nonce).digest('base64url');

function isSigned(key: Buffer, token: string | undefined): token is string {
  if (!token || token.length > 200) return false;
  const [nonce, mac, extra] = token.split('.');
  if (!nonce || !mac || extra !== undefined) return false;
  const expected = Buffer.from(sign(key, nonce));
  const given = Buffer.from(mac);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The token to put in a form: the browser's current one if still valid (other open tabs keep working), else a new one. */
export function csrfToken(req: Request, res: Response, key: Buffer): string {
  const current = readCookie(req, CSRF_COOKIE);
  if (isSigned(key, current)) return current;
  const nonce = randomBytes(18).toString('base64url');
  const token = `${nonce}.${sign(key, nonce)}`;
  res.cookie(CSRF_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/' });
  return token;
}

/** True when the cookie is ours and the form sent back the very same token. */
export function csrfValid(req: Request, key: Buffer): boolean {
  const cookie = readCookie(req, CSRF_COOKIE);
  const field: unknown = (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
  if (!isSigned(key, cookie) || typeof field !== 'string') return false;
  const a = Buffer.from(cookie);
  const b = Buffer.from(field);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * A form token bound to a signed-in session (the console's): derived from the session's secret, so a token
 * obtained in another session, or before signing in, is refused, and it dies with the session. Nothing to
 * store and no cookie of its own; pages without a session (the web form, the login page) use the
 * double-submit token above.
 */
export function sessionCsrfToken(key: Buffer, sessionSecret: string): string {
  return createHmac('sha256', key).update(`session:${sessionSecret}`).digest('base64url');
}

export function sessionCsrfValid(req: Request, key: Buffer, sessionSecret: string): boolean {
  const field: unknown = (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
  if (typeof field !== 'string') return false;
  const a = Buffer.from(sessionCsrfToken(key, sessionSecret));
  const b = Buffer.from(field);
  return a.length === b.length && timingSafeEqual(a, b);
}
