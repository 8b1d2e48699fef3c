import { randomBytes } from 'node:crypto';
import { attachmentDisposition } from '../http/content-disposition';
import { Router, type RequestHandler } from 'express';
import multer from 'multer';
import { notFoundError } from '../../domain/app-errors';
import type { Store } from '../../store';
import { MAX_ATTACHMENT_BYTES } from '../../store/attachments';
import { principal } from '../auth';
import { badRequest, HttpProblem, parseOr400 } from '../problem';
import { ticketIdParam } from '../schemas';
import type { TicketActions } from '../../desk/ticket-actions';

/** What a screenshot or log may be, recognised by its first bytes rather than the client's word. */
const SIGNATURES: { type: string; test: (b: Buffer) => boolean }[] = [
  { type: 'image/png', test: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { type: 'image/jpeg', test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { type: 'image/gif', test: (b) => b.subarray(0, 4).toString('latin1') === 'GIF8' },
  { type: 'application/pdf', test: (b) => b.subarray(0, 5).toString('latin1') === '%PDF-' },
  { type: 'application/zip', test: (b) => b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04 },
];
const looksLikeText = (b: Buffer) => !b.subarray(0, 8192).includes(0) && Buffer.from(b.subarray(0, 8192).toString('utf8'), 'utf8').length > 0;

export function sniffType(data: Buffer): string | null {
  const known = SIGNATURES.find((s) => s.test(data));
  if (known) return known.type;
  return looksLikeText(data) ? 'text/plain' : null;
}

const MAX_FILES = 5;
const upload = multer({ storage: multer.memoryStorage(), limits: { files: MAX_FILES, fileSize: MAX_ATTACHMENT_BYTES, fields: 5 } });

/** multer's own errors become problem+json: 413 for size, 400 for the rest. */
const receive: RequestHandler = (req, res, next) =>
  upload.array('files', MAX_FILES)(req, res, (err: unknown) => {
    if (!err) return next();
    const e = err as { code?: string; message: string };
    if (e.code === 'LIMIT_FILE_SIZE') return next(new HttpProblem(413, 'Content Too Large', `each file may be at most ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB`));
    next(badRequest(e.message, [{ field: 'files', message: e.message }]));
  });

/** Screenshots and logs on a ticket, served back only to those who may see the ticket. */
export function attachmentRoutes(deps: { store: Store; actions: TicketActions; now: () => Date }): Router {
  const router = Router();

  router.post('/:id/attachments', receive, async (req, res) => {
    const { id } = parseOr400(ticketIdParam, req.params, 'ticket id');
    const ticket = await deps.actions.visibleTicket(principal(req), id);
    const files = (req.files as Express.Multer.File[] | undefined) ?? [];
    if (!files.length) throw badRequest('attach at least one file as multipart field "files"', [{ field: 'files', message: 'no file' }]);
    const typed = files.map((f) => ({ f, type: sniffType(f.buffer) }));
    const refused = typed.find((t) => !t.type);
    if (refused) {
      throw badRequest(`${refused.f.originalname} is not an allowed type (PNG, JPEG, GIF, PDF, ZIP or plain text)`, [{ field: 'files', message: 'type not allowed' }]);
    }
    const saved = [];
    for (const { f, type } of typed) {
      const a = { id: `F${randomBytes(8).toString('hex')}`, ticketId: ticket.id, filename: f.originalname.slice(0, 200), contentType: type!, size: f.size, data: f.buffer, createdAt: deps.now() };
      await deps.store.attachments.add(a);
      const { data: _bytes, ...meta } = a;
      saved.push(meta);
    }
    res.status(201).json({ attachments: saved });
  });

  router.get('/:id/attachments', async (req, res) => {
    const { id } = parseOr400(ticketIdParam, req.params, 'ticket id');
    const ticket = await deps.actions.visibleTicket(principal(req), id);
    res.json({ attachments: await deps.store.attachments.forTicket(ticket.id) });
  });

  router.get('/:id/attachments/:attachmentId', async (req, res) => {
    const { id } = parseOr400(ticketIdParam, req.params, 'ticket id');
    const ticket = await deps.actions.visibleTicket(principal(req), id);
    const a = await deps.store.attachments.get(String(req.params.attachmentId));
    if (!a || a.ticketId !== ticket.id) throw notFoundError('attachment');
    res
      .status(200)
      .type(a.contentType)
      .setHeader('Content-Disposition', attachmentDisposition(a.filename))
      .setHeader('X-Content-Type-Options', 'nosniff')
      .send(a.data);
  });
  return router;
}
