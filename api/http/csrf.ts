import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { readCookie } from './cookies';

/**
 * CSRF protection for pages without a session (the web form, the login and sign-in pages), bound to the client: the
 * browser gets a pre-session id (a random, HMAC-signed value) in an HttpOnly, SameSite=Strict cookie, and each form
 * carries a token derived from that id. A token is worth nothing without the id it was derived from, and over HTTPS
 * the id's cookie is `__Host-` prefixed, which a sibling subdomain (or any other origin) cannot set or overwrite: so
 * an id and token pair obtained in one client (an attacker's own visit) is refused from another, and login CSRF
 * from a sibling subdomain fails. Over plain HTTP (development) the cookie cannot carry the prefix. The key is
 * derived from the admin key under a fixed label: no new setting, and rotating the admin key invalidates every
 * outstanding form.
 */

export const CSRF_COOKIE = 'sd_csrf';
/** The name over HTTPS, where browsers accept the prefix (and then refuse it from anywhere but this origin). */
export const CSRF_COOKIE_SECURE = '__Host-sd_csrf';
export const CSRF_FIELD = 'csrf';

const cookieName = (req: Request) => (req.secure ? CSRF_COOKIE_SECURE : CSRF_COOKIE);

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

/** The form token of one client: derived from its pre-session id, never equal to it. */
const tokenFor = (key: Buffer, clientId: string) =>
  createHmac('sha256', key).update(`client:${clientId}`).digest('base64url');

/** The token to put in a form: derived from the browser's pre-session id, which is minted here when it has none. */
export function csrfToken(req: Request, res: Response, key: Buffer): string {
  const current = readCookie(req, cookieName(req));
  if (isSigned(key, current)) return tokenFor(key, current);
  const nonce = randomBytes(18).toString('base64url');
  const clientId = `${nonce}.${sign(key, nonce)}`;
  res.cookie(cookieName(req), clientId, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/' });
  return tokenFor(key, clientId);
}

/** True when the client's pre-session id is ours and the form sent back the token derived from that very id. */
export function csrfValid(req: Request, key: Buffer): boolean {
  const clientId = readCookie(req, cookieName(req));
  const field: unknown = (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
  if (!isSigned(key, clientId) || typeof field !== 'string') return false;
  const a = Buffer.from(tokenFor(key, clientId));
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
