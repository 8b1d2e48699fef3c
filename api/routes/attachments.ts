import { Router, type RequestHandler } from 'express';
import multer from 'multer';
import { ATTACHMENT_POLICY, checkFiles } from '../../desk/attachments';
import type { Desk } from '../../desk';
import { principal } from '../auth';
import { sendAttachment } from '../http/attachment';
import { badRequest, HttpProblem, parseOr400 } from '../problem';
import { ticketIdParam } from '../schemas';

const MAX_FILES = ATTACHMENT_POLICY.maxFilesPerMessage;
// Only `files` parts: /openapi.json says so, and a field the route would ignore is refused rather than dropped.
const upload = multer({
  storage: multer.memoryStorage(),
  defParamCharset: 'utf8',
  limits: { files: MAX_FILES, fileSize: ATTACHMENT_POLICY.maxFileBytes, fields: 0 },
});

/** multer's own errors become problem+json: 413 for size, 400 for the rest. */
const receive: RequestHandler = (req, res, next) => {
  if (!req.is('multipart/form-data'))
    return next(
      new HttpProblem(415, 'Unsupported Media Type', 'send the files as multipart/form-data, in parts named "files"'),
    );
  upload.array('files', MAX_FILES)(req, res, (err: unknown) => {
    if (!err) return next();
    const e = err as { code?: string; message: string };
    if (e.code === 'LIMIT_FILE_SIZE')
      return next(
        new HttpProblem(
          413,
          'Content Too Large',
          `each file may be at most ${ATTACHMENT_POLICY.maxFileBytes / 1024 / 1024} MB`,
          { errors: [{ field: 'files', message: 'file too large' }] },
        ),
      );
    if (e.code === 'LIMIT_FIELD_COUNT')
      return next(
        badRequest('send only files, as parts named "files"', [
          { field: '(body)', message: 'a field other than files' },
        ]),
      );
    next(badRequest(e.message, [{ field: 'files', message: e.message }]));
  });
};

/** Screenshots and logs on a ticket, under the one attachment policy, served back only to those who may see the ticket. */
export function attachmentRoutes(deps: { desk: Pick<Desk, 'actions' | 'attachments'> }): Router {
  const router = Router();
  const { actions, attachments } = deps.desk;

  router.post('/:id/attachments', receive, async (req, res) => {
    const { id } = parseOr400(ticketIdParam, req.params, 'ticket id');
    const ticket = await actions.visibleTicket(principal(req), id);
    const files = (req.files as Express.Multer.File[] | undefined) ?? [];
    if (!files.length)
      throw badRequest('attach at least one file as multipart field "files"', [{ field: 'files', message: 'no file' }]);
    const { kept, refused } = checkFiles(files.map((f) => ({ filename: f.originalname, data: f.buffer })));
    if (refused.length)
      throw badRequest(
        `${refused[0]!.filename}: ${refused[0]!.reason}`,
        refused.map((r) => ({ field: 'files', message: `${r.filename}: ${r.reason}` })),
      );
    const { saved } = await attachments.keep(ticket.id, kept);
    res.status(201).json({ attachments: saved });
  });

  router.get('/:id/attachments', async (req, res) => {
    const { id } = parseOr400(ticketIdParam, req.params, 'ticket id');
    const caller = principal(req);
    const ticket = await actions.visibleTicket(caller, id);
    // Agents also see the files of held mail (marked `held`); customers never do.
    res.json({ attachments: await attachments.list(ticket.id, { withHeld: caller.role !== 'customer' }) });
  });

  router.get('/:id/attachments/:attachmentId', async (req, res) => {
    const { id } = parseOr400(ticketIdParam, req.params, 'ticket id');
    const caller = principal(req);
    const ticket = await actions.visibleTicket(caller, id);
    const withHeld = caller.role !== 'customer';
    sendAttachment(res, await attachments.get(ticket.id, String(req.params.attachmentId), { withHeld }), false);
  });
  return router;
}
