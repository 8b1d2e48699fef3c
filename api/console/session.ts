import { createHash, randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import type { ConsoleSessionRepository } from '../../store/console-sessions';
import type { Principal } from '../auth';

/**
 * The console's session: a random secret in an HttpOnly, SameSite=Strict cookie, and a record of the
 * signed-in agent in the store under the secret's hash. Signing out deletes the record, so a copied
 * cookie stops working at once; rotating or revoking the agent's API key ends their sessions too. A
 * session lasts one working day; the record's `expiresAt` is checked on every read.
 */

export const SESSION_COOKIE = 'sd_console';
const MAX_AGE_MS = 12 * 60 * 60_000;

/** The signed-in person and the session's secret (the console binds its CSRF tokens to it). */
export interface ConsoleSessionState {
  who: Principal;
  secret: string;
}

const hashOf = (secret: string) => createHash('sha256').update(secret).digest('hex');

function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export async function startSession(
  req: Request,
  res: Response,
  sessions: ConsoleSessionRepository,
  who: Principal,
  now: Date,
): Promise<void> {
  const secret = randomBytes(32).toString('base64url');
  await sessions.create(hashOf(secret), {
    userId: who.id,
    role: who.role as 'agent' | 'admin',
    name: who.name,
    email: who.email,
    createdAt: now,
    expiresAt: new Date(now.getTime() + MAX_AGE_MS),
  });
  res.cookie(SESSION_COOKIE, secret, {
    httpOnly: true,
    sameSite: 'strict',
    secure: req.secure,
    path: '/console',
    maxAge: MAX_AGE_MS,
  });
}

/** Revokes the session server-side and clears the cookie. */
export async function endSession(req: Request, res: Response, sessions: ConsoleSessionRepository): Promise<void> {
  const secret = readCookie(req, SESSION_COOKIE);
  if (secret) await sessions.revoke(hashOf(secret));
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/console' });
}

/** The live session named by the cookie, or null for a missing, unknown, revoked or expired one. */
export async function currentSession(
  req: Request,
  sessions: ConsoleSessionRepository,
  now: Date,
): Promise<ConsoleSessionState | null> {
  const secret = readCookie(req, SESSION_COOKIE);
  if (!secret || !/^[A-Za-z0-9_-]{43}$/.test(secret)) return null;
  const s = await sessions.find(hashOf(secret), now);
  if (!s || (s.role !== 'agent' && s.role !== 'admin')) return null;
  return { who: { id: s.userId, role: s.role, name: s.name, email: s.email, trainingIncluded: false }, secret };
}
