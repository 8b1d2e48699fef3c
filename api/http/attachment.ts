import type { Response } from 'express';
import type { Attachment, AttachmentMeta } from '../../domain/entities';
import { isImage } from '../../desk/attachments';
import { html, type SafeHtml } from './html';

/** RFC 6266 / 8187: an ASCII fallback for old clients and the exact name as UTF-8 in `filename*`. */
export function contentDisposition(kind: 'inline' | 'attachment', filename: string): string {
  // NFKD first, so an accented name keeps its letters in the fallback (é → e + a dropped accent).
  const ascii =
    filename
      .normalize('NFKD')
      .replace(/[^\x20-\x7e]/g, '_')
      .replace(/["\\/;%]/g, '_') || 'file';
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** The names each judged type may download under; anything else gets the type's own extension added. */
const EXTENSIONS: Record<string, string[]> = {
  'image/png': ['.png'],
  'image/jpeg': ['.jpg', '.jpeg'],
  'image/gif': ['.gif'],
  'image/webp': ['.webp'],
  'application/pdf': ['.pdf'],
  'application/zip': ['.zip'],
  'text/plain': ['.txt', '.log', '.text'],
};

/**
 * The name a file downloads under: its own when that names its judged type, else with the type's extension
 * added (`page.html` judged text/plain saves as `page.html.txt`), so a browser or a desktop never opens it as
 * what its name claims.
 */
export function downloadName(filename: string, contentType: string): string {
  const allowed = EXTENSIONS[contentType] ?? ['.bin'];
  const lower = filename.toLowerCase();
  return allowed.some((ext) => lower.endsWith(ext)) ? filename : `${filename}${allowed[0]}`;
}

/**
 * One stored file, to whoever was already allowed to see its ticket. Only content sniffed as an image
 * may show inline (thumbnails, `?inline=1`); everything else downloads. The sandboxing CSP and nosniff
 * keep a file from running as a page of ours whatever it contains.
 */
export function sendAttachment(res: Response, a: Attachment, wantInline: boolean): void {
  const inline = wantInline && isImage(a.contentType);
  res
    .status(200)
    .type(inline ? a.contentType : a.contentType === 'text/plain' ? 'text/plain; charset=utf-8' : a.contentType)
    .setHeader(
      'Content-Disposition',
      contentDisposition(inline ? 'inline' : 'attachment', downloadName(a.filename, a.contentType)),
    )
    .setHeader('X-Content-Type-Options', 'nosniff')
    .setHeader('Content-Security-Policy', "default-src 'none'; img-src 'self'; sandbox")
    .setHeader('Cross-Origin-Resource-Policy', 'same-origin')
    .setHeader('Cache-Control', 'private, no-store')
    .send(a.data);
}

/**
 * A ticket's files for a page: images as thumbnails linking to the full picture, the rest as download
 * links with their size. `href` is where this reader fetches a file (its own authorisation path).
 */
export function attachmentList(files: AttachmentMeta[], href: (fileId: string) => string): SafeHtml {
  if (!files.length) return html``;
  const items = files.map((f) => {
    const size =
      f.size >= 1024 * 1024
        ? `${Math.round((f.size / 1024 / 1024) * 10) / 10} MB`
        : `${Math.max(1, Math.ceil(f.size / 1024))} KB`;
    const thumb = isImage(f.contentType)
      ? html`<a href="${href(f.id)}?inline=1"
            ><img class="thumb" src="${href(f.id)}?inline=1" alt="${f.filename}" width="160" loading="lazy" /></a
          ><br />`
      : '';
    const held = f.held ? html` <span class="held-file">(held mail: agents only, not counted)</span>` : '';
    const name = downloadName(f.filename, f.contentType);
    return html`<li class="attachment" data-type="${f.contentType}" data-held="${String(Boolean(f.held))}">
      ${thumb}<a class="download" href="${href(f.id)}" download>${name}</a> (${size})${held}
    </li>`;
  });
  return html`<h2>Attachments</h2>
    <ul id="attachments">
      ${items}
    </ul>`;
}
