import { timingSafeEqual } from 'node:crypto';
import type { Role, User } from '../domain/entities';
import type { Request, RequestHandler } from 'express';
import { hashApiKey, principalOf, type Principal } from '../desk/principal';
import { forbidden, unauthorized } from './problem';

export type { Principal };

const ADMIN: Omit<Principal, 'email'> = { id: 'admin', role: 'admin', name: 'Administrator', trainingIncluded: false };

export function authenticate(deps: {
  adminApiKey: string;
  findByKeyHash: (hash: string) => Promise<User | null>;
}): RequestHandler {
  const adminHash = Buffer.from(hashApiKey(deps.adminApiKey));
  return async (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) return next(unauthorized());
    const hash = hashApiKey(match[1]!);
    if (timingSafeEqual(Buffer.from(hash), adminHash)) {
      req.principal = { ...ADMIN, email: 'admin@support.local' };
      return next();
    }
    const user = await deps.findByKeyHash(hash);
    if (!user) return next(unauthorized('the API key is not valid'));
    req.principal = principalOf(user);
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
