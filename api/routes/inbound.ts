import { createHash, timingSafeEqual } from 'node:crypto';
import express, { Router, type RequestHandler } from 'express';
import { InboundMailRejected, type InboundMail } from '../../desk/inbound-mail';
import { MailParseFailed, MailParserBusy } from '../../desk/mail-parser-pool';
import { badRequest, forbidden, HttpProblem, unauthorized, unavailable } from '../problem';

export interface InboundRouteDeps {
  inboundMail: InboundMail;
  /** INBOUND_API_TOKEN: the MTA's own credential. Unset: the endpoint is closed. */
  token?: string;
  /** The largest message accepted (MAIL_PARSE_MAX_BYTES). */
  maxBytes?: number;
}

const RAW_TYPES = ['message/rfc822', 'text/plain', 'application/octet-stream'];
const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Only the MTA (or mail provider) may post: it alone vouches for the `From` of what it delivers. An
 * agent's or admin's API key is refused, or anyone holding one could write as any customer.
 */
function mtaOnly(token: string | undefined): RequestHandler {
  const want = token ? digest(token) : null;
  return (req, _res, next) => {
    const m = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    if (!m) throw unauthorized('the inbound mail token is required: Authorization: Bearer <INBOUND_API_TOKEN>');
    if (!want) throw forbidden('inbound mail over HTTP is disabled: the operator has not set INBOUND_API_TOKEN');
    if (!timingSafeEqual(digest(m[1]!), want)) {
      throw forbidden(
        'only the inbound mail token (INBOUND_API_TOKEN) may post mail; agents and admins reply through the API',
      );
    }
    next();
  };
}

/**
 * `POST /api/v1/inbound/email`: mail providers post the raw MIME message. Mounted before the JSON API
 * router because the body is not JSON; it authenticates on its own, with the MTA's token.
 * Optional `X-Envelope-From` / `X-Envelope-To` headers carry the SMTP envelope when the provider has one.
 */
export function inboundRoutes(deps: InboundRouteDeps): Router {
  const processor = deps.inboundMail;
  const router = Router();
  router.post(
    '/email',
    mtaOnly(deps.token),
    express.raw({ type: RAW_TYPES, limit: deps.maxBytes ?? 12 * 1024 * 1024 }),
    async (req, res) => {
      if (!Buffer.isBuffer(req.body))
        throw new HttpProblem(415, 'Unsupported Media Type', `send the raw message as ${RAW_TYPES[0]}`);
      if (!req.body.length) throw badRequest('the message is empty', [{ field: '(body)', message: 'empty' }]);
      const to = req.get('x-envelope-to');
      try {
        const result = await processor.receive(req.body, {
          from: req.get('x-envelope-from'),
          to: to ? to.split(',').map((a) => a.trim()) : undefined,
        });
        res.status(202).json(result);
      } catch (err) {
        // Nothing was kept: the provider posts the message again after Retry-After.
        if (err instanceof MailParserBusy) throw unavailable(err.message, err.retryAfterSeconds);
        if (err instanceof MailParseFailed) throw unavailable(`${err.message}; try again later`, 300);
        if (!(err instanceof InboundMailRejected)) throw err;
        if (err.kind === 'size')
          throw new HttpProblem(413, 'Content Too Large', `the message was kept but not processed: ${err.message}`);
        if (err.kind === 'time')
          throw new HttpProblem(422, 'Unprocessable Content', `the message was kept but not processed: ${err.message}`);
        throw badRequest(`the message was rejected: ${err.message}`, [{ field: '(body)', message: err.message }]);
      }
    },
  );
  return router;
}
