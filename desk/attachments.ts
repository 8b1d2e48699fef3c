import { randomBytes } from 'node:crypto';
import { AppError, notFoundError } from '../domain/errors';
import type { Store } from '../store';
import type { Attachment, AttachmentMeta } from '../domain/entities';
import { MAX_ATTACHMENT_BYTES } from '../store/attachments';

/**
 * The one attachment policy: the JSON API, the web form and inbound mail all keep files through it.
 * A file's type is judged by its first bytes, never by the name or the sender's word, because the
 * type decides whether a browser renders it.
 */

export const ATTACHMENT_POLICY = {
  maxFilesPerMessage: 5,
  maxFileBytes: MAX_ATTACHMENT_BYTES,
  typesInWords: 'PNG, JPEG, GIF, WebP, PDF, ZIP or plain text',
} as const;

/** Per-ticket totals (ATTACHMENT_QUOTA_MB / ATTACHMENT_QUOTA_FILES): a ticket is not a file store. */
export interface AttachmentQuota {
  maxBytes: number;
  maxFiles: number;
}
export const DEFAULT_QUOTA: AttachmentQuota = { maxBytes: 50 * 1024 * 1024, maxFiles: 100 };

const SIGNATURES: { type: string; test: (b: Buffer) => boolean }[] = [
  {
    type: 'image/png',
    test: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  },
  { type: 'image/jpeg', test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { type: 'image/gif', test: (b) => b.subarray(0, 4).toString('latin1') === 'GIF8' },
  {
    type: 'image/webp',
    test: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
  },
  { type: 'application/pdf', test: (b) => b.subarray(0, 5).toString('latin1') === '%PDF-' },
  { type: 'application/zip', test: (b) => b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04 },
];

/** Text is valid UTF-8 without NUL bytes (judged on the first 8 KB, cut at a character boundary). */
function looksLikeText(b: Buffer): boolean {
  if (!b.length) return false;
  const head = b.subarray(0, 8192);
  if (head.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: b.length > head.length });
    return true;
  } catch {
    return false;
  }
}

export function sniffType(data: Buffer): string | null {
  const known = SIGNATURES.find((s) => s.test(data));
  if (known) return known.type;
  return looksLikeText(data) ? 'text/plain' : null;
}

/** Only these are ever shown inline (as `<img>`); everything else is served as a download. */
export const isImage = (contentType: string) =>
  ['image/png', 'image/jpeg', 'image/gif', 'image/webp'].includes(contentType);

/** Names are shown back to people: no control or format characters, bounded length. */
export const cleanFilename = (name: string) =>
  name
    .replace(/[\p{Cc}\p{Cf}/\\]/gu, '')
    .trim()
    .slice(0, 200) || 'unnamed';

export interface IncomingFile {
  filename: string;
  data: Buffer;
}
export interface CheckedFile {
  filename: string;
  contentType: string;
  data: Buffer;
}
export interface RefusedFile {
  filename: string;
  reason: string;
}

/** The per-message rules: count, size and type, file by file in the order given. */
export function checkFiles(files: IncomingFile[]): { kept: CheckedFile[]; refused: RefusedFile[] } {
  const kept: CheckedFile[] = [];
  const refused: RefusedFile[] = [];
  for (const f of files) {
    const filename = cleanFilename(f.filename);
    const type = sniffType(f.data);
    if (f.data.length > ATTACHMENT_POLICY.maxFileBytes)
      refused.push({ filename, reason: `larger than ${ATTACHMENT_POLICY.maxFileBytes / 1024 / 1024} MB` });
    else if (!type) refused.push({ filename, reason: `not a ${ATTACHMENT_POLICY.typesInWords} file` });
    else if (kept.length >= ATTACHMENT_POLICY.maxFilesPerMessage)
      refused.push({ filename, reason: `more than ${ATTACHMENT_POLICY.maxFilesPerMessage} files` });
    else kept.push({ filename, contentType: type, data: f.data });
  }
  return { kept, refused };
}

export const quotaInWords = (q: AttachmentQuota) =>
  `${q.maxFiles} files and ${Math.round(q.maxBytes / 1024 / 1024)} MB per ticket`;

export function quotaExceeded(q: AttachmentQuota): AppError {
  return new AppError('too_large', `the ticket's attachment quota (${quotaInWords(q)}) would be exceeded`, 'files');
}

export interface AttachmentServiceDeps {
  store: Store;
  now: () => Date;
  quota?: AttachmentQuota;
}

export function createAttachmentService(deps: AttachmentServiceDeps) {
  const { store } = deps;
  const quota = deps.quota ?? DEFAULT_QUOTA;

  /** A held mail's files count apart (bounded by the same quota), so forged mail cannot fill the customer's share. */
  async function usage(ticketId: string, held: boolean) {
    const list = await store.attachments.forTicket(ticketId, held);
    return { files: list.length, bytes: list.reduce((n, a) => n + a.size, 0), ids: new Set(list.map((a) => a.id)) };
  }

  /**
   * Stores checked files on a ticket within its quota. `partial` keeps what fits and names the rest
   * (mail: the message itself is already accepted); otherwise all or nothing (API, web form).
   * Ids may be given so that reprocessing the same input stores nothing twice. `held`: the files of a held mail,
   * kept apart for agents (desk/held-mail.ts).
   */
  async function keep(
    ticketId: string,
    files: (CheckedFile & { id?: string })[],
    opts: { messageId?: string; partial?: boolean; held?: boolean } = {},
  ): Promise<{ saved: AttachmentMeta[]; overQuota: RefusedFile[] }> {
    const used = await usage(ticketId, Boolean(opts.held));
    const fits: typeof files = [];
    const overQuota: RefusedFile[] = [];
    // A retry of the same input (same ids) stores nothing twice and does not count against itself.
    for (const f of files.filter((x) => !x.id || !used.ids.has(x.id))) {
      if (used.files + 1 > quota.maxFiles || used.bytes + f.data.length > quota.maxBytes) {
        overQuota.push({ filename: f.filename, reason: `over the ticket's attachment quota (${quotaInWords(quota)})` });
        continue;
      }
      used.files += 1;
      used.bytes += f.data.length;
      fits.push(f);
    }
    if (overQuota.length && !opts.partial) throw quotaExceeded(quota);
    const saved: AttachmentMeta[] = [];
    for (const f of fits) {
      const a: Attachment = {
        id: f.id ?? `F${randomBytes(8).toString('hex')}`,
        ticketId,
        ...(opts.messageId ? { messageId: opts.messageId } : {}),
        filename: f.filename,
        contentType: f.contentType,
        size: f.data.length,
        data: f.data,
        createdAt: deps.now(),
        ...(opts.held ? { held: true } : {}),
      };
      await store.attachments.add(a);
      const { data: _bytes, ...meta } = a;
      saved.push(meta);
    }
    return { saved, overQuota };
  }

  return {
    quota,
    keep,
    /** Whether the quota leaves room for these sizes (a held mail's files, before its release adds them). */
    async fits(ticketId: string, sizes: number[]): Promise<boolean> {
      const used = await usage(ticketId, false);
      const bytes = sizes.reduce((n, b) => n + b, 0);
      return used.files + sizes.length <= quota.maxFiles && used.bytes + bytes <= quota.maxBytes;
    },
    /** The ticket's files; `withHeld` (agents only) adds those of held mail, each marked `held`. */
    list: (ticketId: string, opts: { withHeld?: boolean } = {}) =>
      store.attachments.forTicket(ticketId, opts.withHeld ? 'any' : false),
    /**
     * One file of one ticket; the caller has already checked that its reader may see the ticket. A held mail's
     * file only with `withHeld` (agents): for anyone else it does not exist.
     */
    async get(ticketId: string, attachmentId: string, opts: { withHeld?: boolean } = {}): Promise<Attachment> {
      const a = attachmentId.length <= 100 ? await store.attachments.get(attachmentId) : null;
      if (!a || a.ticketId !== ticketId || (a.held && !opts.withHeld)) throw notFoundError('attachment');
      return a;
    },
  };
}

export type AttachmentService = ReturnType<typeof createAttachmentService>;
