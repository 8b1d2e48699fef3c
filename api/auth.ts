import type { Request, RequestHandler } from 'express';
import type { Role } from '../domain/entities';
import type { Principal } from '../desk/principal';
import { forbidden, unauthorized } from './problem';

export type { Principal };

/** Every /api/v1 request names its caller by a bearer API key (desk/access.ts knows whose). */
export function authenticate(authenticateKey: (key: string) => Promise<Principal | null>): RequestHandler {
  return async (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) return next(unauthorized());
    const who = await authenticateKey(match[1]!);
    if (!who) return next(unauthorized('the API key is not valid'));
    req.principal = who;
    next();
  };
}

export function principal(req: Request): Principal {
  if (!req.principal) throw unauthorized();
  return req.principal;
}

export function requireRole(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    const p = principal(req);
    if (!roles.includes(p.role)) return next(forbidden(`this needs the ${roles.join(' or ')} role`));
    next();
  };
}

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}
