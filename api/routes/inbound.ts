import express, { Router } from 'express';
import { InboundMailRejected, type InboundMail } from '../../desk/inbound-mail';
import { authenticate, requireRole } from '../auth';
import { badRequest, HttpProblem } from '../problem';
import type { Store } from '../../store';

export interface InboundRouteDeps {
  inboundMail: InboundMail;
  store: Store;
  adminApiKey: string;
}

const RAW_TYPES = ['message/rfc822', 'text/plain', 'application/octet-stream'];

/**
 * `POST /api/v1/inbound/email`: mail providers (and scripts) post the raw MIME message. Mounted
 * before the JSON API router because the body is not JSON; it authenticates on its own.
 * Optional `X-Envelope-From` / `X-Envelope-To` headers carry the SMTP envelope when the provider has one.
 */
export function inboundRoutes(deps: InboundRouteDeps): Router {
  const processor = deps.inboundMail;
  const router = Router();
  router.use(authenticate({ adminApiKey: deps.adminApiKey, findByKeyHash: (h) => deps.store.users.byApiKeyHash(h) }));
  router.post('/email', requireRole('admin', 'agent'), express.raw({ type: RAW_TYPES, limit: '12mb' }), async (req, res) => {
    if (!Buffer.isBuffer(req.body)) throw new HttpProblem(415, 'Unsupported Media Type', `send the raw message as ${RAW_TYPES[0]}`);
    if (!req.body.length) throw badRequest('the message is empty', [{ field: '(body)', message: 'empty' }]);
    const to = req.get('x-envelope-to');
    try {
      const result = await processor.receive(req.body, { from: req.get('x-envelope-from'), to: to ? to.split(',').map((a) => a.trim()) : undefined });
      res.status(202).json(result);
    } catch (err) {
      if (err instanceof InboundMailRejected) throw badRequest(`the message was rejected: ${err.message}`, [{ field: '(body)', message: err.message }]);
      throw err;
    }
  });
  return router;
}
