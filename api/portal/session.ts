import type { Request, Response } from 'express';

/**
 * The portal's session cookie: the secret of a customer session the desk keeps hashed (desk/portal.ts).
 * HttpOnly, only under /portal, and SameSite=Lax rather than Strict: customers reach the portal from links in
 * mails, and a webmail page is another site; with Strict the browser would leave the cookie out of that
 * navigation and a signed-in customer would look signed out. Lax still keeps it out of other sites' POSTs, and
 * every portal form also carries a token bound to the session (api/http/csrf.ts), so Lax costs no CSRF safety.
 */

export const PORTAL_COOKIE = 'sd_portal';

export function readPortalCookie(req: Request): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === PORTAL_COOKIE) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function setPortalCookie(req: Request, res: Response, secret: string, expiresAt: Date, now: Date): void {
  res.cookie(PORTAL_COOKIE, secret, {
    httpOnly: true,
    sameSite: 'lax',
    secure: req.secure,
    path: '/portal',
    maxAge: expiresAt.getTime() - now.getTime(),
  });
}

export function clearPortalCookie(req: Request, res: Response): void {
  res.clearCookie(PORTAL_COOKIE, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/portal' });
}
