import { parse } from 'cookie';
import type { Request, Response } from 'express';

/** The value of one request cookie (the first, when a browser sends the name twice), or undefined. */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.get('cookie');
  return header ? parse(header)[name] : undefined;
}

/**
 * A session's cookie: its secret, HttpOnly, only under its own path, Secure when the request came over HTTPS.
 * The console's and the portal's differ in name, path and SameSite (see where each is declared).
 */
function sessionCookie(options: { name: string; path: string; sameSite: 'strict' | 'lax' }) {
  const attributes = (req: Request) => ({
    httpOnly: true,
    sameSite: options.sameSite,
    secure: req.secure,
    path: options.path,
  });
  return {
    name: options.name,
    read: (req: Request) => readCookie(req, options.name),
    set(req: Request, res: Response, secret: string, maxAgeMs: number): void {
      res.cookie(options.name, secret, { ...attributes(req), maxAge: maxAgeMs });
    },
    clear(req: Request, res: Response): void {
      res.clearCookie(options.name, attributes(req));
    },
  };
}

/**
 * The console's session (desk/access.ts): SameSite=Strict, since agents reach it by typing or bookmarking it.
 * Signing out deletes the record, so a copied cookie stops working at once.
 */
export const consoleCookie = sessionCookie({ name: 'sd_console', path: '/console', sameSite: 'strict' });

/**
 * The portal's session (desk/portal.ts): SameSite=Lax rather than Strict, because customers reach the portal from
 * links in mails, and a webmail page is another site; with Strict the browser would leave the cookie out of that
 * navigation and a signed-in customer would look signed out. Lax still keeps it out of other sites' POSTs, and
 * every portal form also carries a token bound to the session (api/http/csrf.ts), so Lax costs no CSRF safety.
 */
export const portalCookie = sessionCookie({ name: 'sd_portal', path: '/portal', sameSite: 'lax' });
