/**
 * `Content-Disposition: attachment` for any file name (RFC 6266): an ASCII `filename` for old clients,
 * and `filename*` (RFC 5987, UTF-8, percent-encoded) that every current browser prefers, so
 * `てすと.txt` downloads as `てすと.txt`.
 */
export function attachmentDisposition(filename: string): string {
  const name = filename.replace(/[\r\n"\\/]/g, '_');
  const ascii = name.normalize('NFKD').replace(/[^\x20-\x7e]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
