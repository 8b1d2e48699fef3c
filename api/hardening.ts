import { createHash } from 'node:crypto';
import express, { Router, type RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import { HttpProblem, badRequest, sendProblem } from './problem';

/**
 * Security headers, rate limits and the operator guard, mounted before every route.
 * CORS is off by design: nothing here (or anywhere) sets Access-Control-* headers, so browsers on
 * other origins cannot read our responses; API clients are servers and scripts, not other sites.
 */

export interface RateLimitOptions {
  /** Requests allowed per key (or IP) per window. */
  limit?: number;
  windowMs?: number;
}

/** Generous for people and scripts, a wall for floods: 600 requests a minute per API key. */
const DEFAULT_RATE_LIMIT = { limit: 600, windowMs: 60_000 };
/** How many keys' worth of requests one IP may send in a window. */
const IP_CEILING_FACTOR = 5;

/** The same limit as the API router's own parser in app.ts; parsing here first lets the guard see the body. */
export const JSON_BODY_LIMIT = '256kb';

/** No input of ours nests deeper than a few levels; a deeper one is an attack on the walker or the parser. */
const MAX_DEPTH = 32;

/** `$gt`, `$where`… are MongoDB operators; a dotted key reaches into nested fields; the rest pollute prototypes. */
function badKey(key: string): string | null {
  if (key.startsWith('$')) return 'keys starting with "$" are not accepted';
  if (key.includes('.')) return 'keys containing "." are not accepted';
  if (key === '__proto__' || key === 'constructor' || key === 'prototype') return `the key "${key}" is not accepted`;
  return null;
}

/**
 * The first forbidden key anywhere in a parsed JSON value, as a field path. Iterative, so a body
 * nested thousands deep cannot overflow the stack.
 */
export function findForbiddenKey(value: unknown): { field: string; message: string } | null {
  const stack: { v: unknown; path: string[] }[] = [{ v: value, path: [] }];
  while (stack.length) {
    const { v, path } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (path.length > MAX_DEPTH)
      return { field: path.slice(0, 3).join('.') || '(body)', message: `nested deeper than ${MAX_DEPTH} levels` };
    const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v);
    for (const [k, child] of entries) {
      const problem = Array.isArray(v) ? null : badKey(k);
      if (problem) return { field: [...path, k].join('.'), message: problem };
      stack.push({ v: child, path: [...path, k] });
    }
  }
  return null;
}

/** Query keys arrive flat (`status[$ne]` with the simple parser): check each bracketed segment too. */
function forbiddenQueryKey(query: Record<string, unknown>): { field: string; message: string } | null {
  for (const key of Object.keys(query)) {
    for (const segment of key.split(/[[\]]+/).filter(Boolean)) {
      const problem = badKey(segment);
      if (problem) return { field: key, message: problem };
    }
  }
  return null;
}

/** 400 before any route runs when a body or query key could become a MongoDB operator or path. */
export const rejectOperatorKeys: RequestHandler = (req, res, next) => {
  const inQuery = forbiddenQueryKey(req.query as Record<string, unknown>);
  if (inQuery) return sendProblem(res, badRequest('the query string contains a forbidden key', [inQuery]), req.path);
  const inBody = findForbiddenKey(req.body);
  if (inBody) return sendProblem(res, badRequest('the body contains a forbidden key', [inBody]), req.path);
  next();
};

/** Per API key (hashed, so keys never sit in memory as map keys) or, without one, per client IP. */
function clientKey(req: express.Request): string {
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
  if (bearer) return `key:${createHash('sha256').update(bearer).digest('base64url').slice(0, 22)}`;
  return `ip:${ipKeyGenerator(req.ip ?? 'unknown')}`;
}

export function hardening(opts: RateLimitOptions = {}): Router {
  const { limit, windowMs } = { ...DEFAULT_RATE_LIMIT, ...opts };
  const router = Router();

  router.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          'default-src': ["'self'"],
          'script-src': ["'self'"],
          // Server-rendered pages (/docs, the web form) carry their CSS inline.
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:'],
          'frame-ancestors': ["'none'"],
          // The API is served over plain HTTP locally; TLS (and this upgrade) belongs to the proxy in front.
          'upgrade-insecure-requests': null,
        },
      },
    }),
  );

  if (limit <= 0) return router;
  const refuse = (req: express.Request, res: express.Response, max: number) => {
    // express-rate-limit has already set Retry-After (seconds until the window resets).
    const retryAfter = res.getHeader('Retry-After') ?? String(Math.ceil(windowMs / 1000));
    res.setHeader('Retry-After', String(retryAfter));
    sendProblem(
      res,
      new HttpProblem(
        429,
        'Too Many Requests',
        `rate limit of ${max} requests per ${windowMs / 1000} s exceeded; retry after ${retryAfter} s`,
      ),
      req.path,
    );
  };
  // A ceiling per client IP, whatever keys it sends: made-up keys must not each get a fresh allowance.
  router.use(
    '/api/',
    rateLimit({
      windowMs,
      limit: limit * IP_CEILING_FACTOR,
      standardHeaders: false,
      legacyHeaders: false,
      keyGenerator: (req) => `ip:${ipKeyGenerator(req.ip ?? 'unknown')}`,
      handler: (req, res) => refuse(req, res, limit * IP_CEILING_FACTOR),
    }),
  );
  router.use(
    '/api/',
    rateLimit({
      windowMs,
      limit,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      keyGenerator: clientKey,
      handler: (req, res) => refuse(req, res, limit),
    }),
  );

  router.use(
    '/api/',
    express.json({ limit: JSON_BODY_LIMIT, strict: true, type: ['application/json', 'application/*+json'] }),
  );
  router.use(rejectOperatorKeys);
  return router;
}
