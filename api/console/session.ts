import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Principal } from '../auth';

/**
 * The console's session: the signed-in agent in an HMAC-signed, HttpOnly, SameSite=Strict cookie.
 * Nothing is stored server-side. The key is derived from the admin key under a fixed label (as the
 * CSRF key is): rotating the admin key signs everyone out. A session lasts one working day.
 */

export const SESSION_COOKIE = 'sd_console';
const MAX_AGE_MS = 12 * 60 * 60_000;

export function sessionKey(adminApiKey: string): Buffer {
  return createHmac('sha256', adminApiKey).update('sla-desk/console/session/v1').digest();
}

interface SessionPayload {
  id: string;
  role: 'agent' | 'admin';
  name: string;
  email: string;
  /** Expiry, epoch ms. */
  exp: number;
}

const mac = (key: Buffer, data: string) => createHmac('sha256', key).update(data).digest('base64url');

function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function startSession(req: Request, res: Response, key: Buffer, who: Principal, now: Date): void {
  const payload: SessionPayload = { id: who.id, role: who.role as 'agent' | 'admin', name: who.name, email: who.email, exp: now.getTime() + MAX_AGE_MS };
  const data = Buffer.from(JSON.stringify(payload)).toString('base64url');
  res.cookie(SESSION_COOKIE, `${data}.${mac(key, data)}`, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/console', maxAge: MAX_AGE_MS });
}

export function endSession(req: Request, res: Response): void {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/console' });
}

/** The signed-in agent or admin, or null for a missing, forged or expired cookie. */
export function sessionPrincipal(req: Request, key: Buffer, now: Date): Principal | null {
  const raw = readCookie(req, SESSION_COOKIE);
  if (!raw || raw.length > 2_000) return null;
  const [data, given, extra] = raw.split('.');
  if (!data || !given || extra !== undefined) return null;
  const expected = Buffer.from(mac(key, data));
  const actual = Buffer.from(given);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return null;
  try {
    const p = JSON.parse(Buffer.from(data, 'base64url').toString('utf8')) as SessionPayload;
    if (typeof p.exp !== 'number' || p.exp <= now.getTime() || (p.role !== 'agent' && p.role !== 'admin')) return null;
    return { id: p.id, role: p.role, name: p.name, email: p.email, trainingIncluded: false };
  } catch {
    return null;
  }
}
