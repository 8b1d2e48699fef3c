import { z } from 'zod';
import { ATTACHMENT_POLICY } from '../../desk/attachments';
import { ticketIdParam } from '../schemas';
import { API_ERRORS, anyObject, TICKET_PATH, type ResourceDocs } from '../openapi-operation';

/** A ticket's files (api/routes/attachments.ts). */

const MAX_FILES = ATTACHMENT_POLICY.maxFilesPerMessage;
const MAX_FILE_MB = ATTACHMENT_POLICY.maxFileBytes / 1024 / 1024;

/** What the route's multer takes: only `files` parts, as many and as large as the attachment policy allows. */
const upload = z
  .object({
    files: z.array(z.file()).min(1).max(MAX_FILES).describe(`each at most ${MAX_FILE_MB} MB`),
  })
  .strict();

export const docs: ResourceDocs = {
  operations: [
    {
      method: 'post',
      path: `${TICKET_PATH}/attachments`,
      tag: 'Thread',
      access: 'any',
      params: ticketIdParam.shape,
      summary: 'Attach files',
      description: `multipart/form-data with one to ${MAX_FILES} parts named \`files\` (${MAX_FILE_MB} MB each) and no other field: PNG, JPEG, GIF, WebP, PDF, ZIP or plain text, recognised by content (400 naming each refused file). A ticket holds at most \`ATTACHMENT_QUOTA_FILES\` files and \`ATTACHMENT_QUOTA_MB\` MB (defaults 100 and 50) across all channels; a request that would pass either is refused whole with 413 naming the quota.`,
      multipart: {
        schema: upload,
        encoding: {
          files: {
            contentType: 'image/png, image/jpeg, image/gif, image/webp, application/pdf, application/zip, text/plain',
          },
        },
      },
      success: { status: 201, description: 'the stored files', schema: anyObject },
      errors: [...API_ERRORS, 404, 413, 415],
      errorNotes: {
        400: 'no file, another field than `files`, or a file whose content is not one of the accepted types (`errors` names each)',
        413: `a file over ${MAX_FILE_MB} MB, or the ticket's attachment quota passed (named)`,
        415: 'a body that is not multipart/form-data',
      },
    },
    {
      method: 'get',
      path: `${TICKET_PATH}/attachments`,
      tag: 'Thread',
      access: 'any',
      params: ticketIdParam.shape,
      summary: "List a ticket's files",
      description:
        "Names, types and sizes. Agents also get the files of held mail, marked `held: true`: they are not the customer's (customers never see them) until an agent releases the mail.",
      success: { status: 200, description: 'the files', schema: anyObject },
      errors: [...API_ERRORS, 404],
    },
    {
      method: 'get',
      path: `${TICKET_PATH}/attachments/{attachmentId}`,
      tag: 'Thread',
      access: 'any',
      // The route takes any file id: one that names no file of the ticket is 404.
      params: { ...ticketIdParam.shape, attachmentId: z.string() },
      summary: 'Download a file',
      description:
        "Only for those who may see the ticket (a held mail's file: agents only). Always `Content-Disposition: attachment` (with an RFC 6266 `filename*` for non-ASCII names) under a name that says the type judged from the content (`page.html` judged plain text downloads as `page.html.txt`), `X-Content-Type-Options: nosniff` and a sandboxing CSP.",
      success: { status: 200, description: 'the file', schema: z.string(), contentType: 'application/octet-stream' },
      errors: [...API_ERRORS, 404],
    },
  ],
};
