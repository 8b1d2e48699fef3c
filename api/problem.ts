import { STATUS_CODES } from 'node:http';
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { AppError, DomainError } from '../domain/errors';
import { isDataUnavailable } from '../desk/errors';

/** RFC 9457 problem details; the only error shape a client ever sees. */
export interface FieldError {
  field: string;
  message: string;
}

export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly extra: { errors?: FieldError[]; headers?: Record<string, string>; type?: string } = {},
  ) {
    super(detail ?? title);
    this.name = 'HttpProblem';
  }
}

export const badRequest = (detail: string, errors?: FieldError[]) =>
  new HttpProblem(400, 'Bad Request', detail, { errors, type: 'validation-error' });
export const unauthorized = (detail = 'a valid API key is required: Authorization: Bearer <key>') =>
  new HttpProblem(401, 'Unauthorized', detail, { headers: { 'WWW-Authenticate': 'Bearer realm="sla-desk"' } });
export const forbidden = (detail: string) => new HttpProblem(403, 'Forbidden', detail);
export const conflict = (detail: string, errors?: FieldError[]) =>
  new HttpProblem(409, 'Conflict', detail, { type: 'conflict', errors });
export const unavailable = (detail: string, retryAfterSeconds = 5) =>
  new HttpProblem(503, 'Service Unavailable', detail, { headers: { 'Retry-After': String(retryAfterSeconds) } });

/** A field's path as the domain's parsers name it too: `windows[0].open`. */
const fieldPath = (path: PropertyKey[]) =>
  path.map((p, n) => (typeof p === 'number' ? `[${p}]` : `${n ? '.' : ''}${String(p)}`)).join('');

export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((i) => ({
    field: i.path.length
      ? fieldPath(i.path)
      : i.code === 'unrecognized_keys'
        ? (i as { keys: string[] }).keys.join(',')
        : '(body)',
    message: i.message,
  }));
}

export function sendProblem(res: Response, p: HttpProblem, instance?: string): void {
  for (const [k, v] of Object.entries(p.extra.headers ?? {})) res.setHeader(k, v);
  res
    .status(p.status)
    .type('application/problem+json')
    .send(
      JSON.stringify({
        type: p.extra.type ? `/problems/${p.extra.type}` : 'about:blank',
        title: p.title,
        status: p.status,
        detail: p.detail,
        ...(instance ? { instance } : {}),
        ...(p.extra.errors ? { errors: p.extra.errors } : {}),
      }),
    );
}

export const notFoundHandler: RequestHandler = (req, res) =>
  sendProblem(res, new HttpProblem(404, 'Not Found', `no route for ${req.method} ${req.path}`), req.path);

interface BodyParserError {
  type?: string;
  status?: number;
  expose?: boolean;
}

/** Turns every error into problem+json; stack traces stay in the log. */
export function errorHandler(log: { error: (obj: object, msg: string) => void }): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) return next(err);
    if (err instanceof HttpProblem) return sendProblem(res, err, req.path);
    if (err instanceof AppError) return sendProblem(res, fromAppError(err), req.path);
    // Added for the database-outage fault test (issue 7): reads and writes alike answer 503 while MongoDB is away.
    if (isDataUnavailable(err))
      return sendProblem(res, unavailable('the ticket store is unavailable; retry shortly'), req.path);
    if (err instanceof DomainError) {
      return sendProblem(
        res,
        badRequest(err.message, [{ field: err.field ?? '(body)', message: err.message }]),
        req.path,
      );
    }
    const e = err as BodyParserError;
    if (e?.type === 'entity.parse.failed')
      return sendProblem(
        res,
        badRequest('the body is not valid JSON', [{ field: '(body)', message: 'malformed JSON' }]),
        req.path,
      );
    if (e?.type === 'entity.too.large')
      return sendProblem(res, new HttpProblem(413, 'Content Too Large', 'the body exceeds the size limit'), req.path);
    if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') {
      return sendProblem(res, new HttpProblem(415, 'Unsupported Media Type', 'unsupported body encoding'), req.path);
    }
    // http-errors mark client errors `expose`; the router's URIError for a malformed %-escape in a path
    // parameter carries status 400 without it, and must not become a 500.
    if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && (e.expose || err instanceof URIError)) {
      return sendProblem(
        res,
        new HttpProblem(e.status, STATUS_CODES[e.status] ?? 'Bad Request', (err as Error).message),
        req.path,
      );
    }
    log.error({ err, path: req.path }, 'unhandled error');
    return sendProblem(
      res,
      new HttpProblem(500, 'Internal Server Error', 'something went wrong on our side; the request was logged'),
      req.path,
    );
  };
}

/** Parses with a zod schema or answers 400 naming each field. */
export function parseOr400<T extends z.ZodType>(schema: T, input: unknown, what = 'request'): z.infer<T> {
  const r = schema.safeParse(input);
  if (!r.success) throw badRequest(`the ${what} is invalid`, fieldErrors(r.error));
  return r.data;
}

function fromAppError(err: AppError): HttpProblem {
  switch (err.code) {
    case 'not_found':
      return new HttpProblem(404, 'Not Found', err.message);
    case 'conflict':
      return conflict(err.message, err.field ? [{ field: err.field, message: err.message }] : undefined);
    case 'invalid_transition':
      return new HttpProblem(409, 'Conflict', err.message, { type: 'invalid-transition' });
    case 'unavailable':
      return unavailable(err.message);
    case 'invalid_input':
      return badRequest(err.message, [{ field: err.field ?? '(body)', message: err.message }]);
    case 'forbidden':
      return new HttpProblem(403, 'Forbidden', err.message, {
        errors: [{ field: err.field ?? '(body)', message: err.message }],
      });
    case 'too_large':
      return new HttpProblem(413, 'Content Too Large', err.message, {
        errors: [{ field: err.field ?? '(body)', message: err.message }],
      });
  }
}
