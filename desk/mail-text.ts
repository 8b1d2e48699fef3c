import EmailReplyParser from 'email-reply-parser';
import { convert } from 'html-to-text';
import iconv from 'iconv-lite';

/**
 * Turning what mail clients send into the text a ticket shows: charsets the MIME parser leaves
 * undecoded, HTML, quoted history, uuencoded blocks, and lengths cut where a reader sees a character.
 */

/** One header's raw bytes (unfolded), read from the message itself: the parser has already lost raw 8-bit bytes. */
export function rawHeader(bytes: Buffer, name: string): Buffer | undefined {
  const end = bytes.indexOf('\r\n\r\n') >= 0 ? bytes.indexOf('\r\n\r\n') : bytes.indexOf('\n\n');
  const head = bytes.subarray(0, end >= 0 ? Math.min(end, 256 * 1024) : 256 * 1024).toString('latin1');
  const m = new RegExp(`^${name}:[ \\t]*((?:.*)(?:\\r?\\n[ \\t].*)*)`, 'im').exec(head);
  return m ? Buffer.from(m[1]!.replace(/\r?\n(?=[ \t])/g, ''), 'latin1') : undefined;
}

const decodeQ = (s: string) =>
  Buffer.from(
    s.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
    'latin1',
  );

/**
 * The subject as the sender meant it. The parser handles the common cases; this covers what it does not:
 * encoded-words in UTF-7, and raw 8-bit bytes (UTF-8 if they are valid UTF-8, else the body's charset or
 * Windows-1252, what such senders mostly use).
 */
export function decodeSubject(
  parsed: string | undefined,
  raw: Buffer | undefined,
  bodyCharset?: string,
): string | undefined {
  if (!raw) return parsed;
  const latin = raw.toString('latin1');
  if (/=\?utf-7\?/i.test(latin)) {
    return latin
      .replace(/\?=\s+=\?/g, '?==?')
      .replace(/=\?([^?]+)\?([QB])\?([^?]*)\?=/gi, (_m, cs: string, enc: string, text: string) => {
        const bytes = enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64') : decodeQ(text);
        return iconv.encodingExists(cs) ? iconv.decode(bytes, cs) : bytes.toString('latin1');
      });
  }
  if (!/[\x80-\xff]/.test(latin) || /=\?/.test(latin)) return parsed;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    const cs =
      bodyCharset && iconv.encodingExists(bodyCharset) && !/^(us-ascii|utf-?8)$/i.test(bodyCharset)
        ? bodyCharset
        : 'windows-1252';
    return iconv.decode(raw, cs);
  }
}

/** UTF-7 text is plain ASCII to the parser; `+…-` runs are the encoded characters. */
export function decodeUtf7(text: string): string {
  return iconv.decode(Buffer.from(text, 'latin1'), 'utf7');
}

/** Every charset a message declares, lower-cased (for the ones the parser does not decode). */
export function declaredCharsets(bytes: Buffer): string[] {
  const head = bytes.subarray(0, 512 * 1024).toString('latin1');
  return [...head.matchAll(/charset\s*=\s*"?([A-Za-z0-9_.:-]+)/gi)].map((m) => m[1]!.toLowerCase());
}

export const MAX_HTML_CHARS = 500_000;

/** HTML (however large or broken) to readable text through html-to-text: entities, lists, tables, no markup. */
export function htmlToText(html: string): string {
  // A ticket keeps 200,000 characters at most; converting more HTML than this only costs time (~3 s per MB of dense markup).
  const cut =
    html.length > MAX_HTML_CHARS
      ? `${html.slice(0, MAX_HTML_CHARS)}<p>[…the rest of the HTML was not converted]</p>`
      : html;
  return convert(cut, {
    wordwrap: false,
    // Tables as plain blocks: html-to-text's column layout costs seconds per megabyte, and mail uses tables for layout.
    selectors: [
      { selector: 'img', format: 'skip' },
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'table', format: 'block' },
      { selector: 'tr', format: 'block' },
      { selector: 'td', format: 'inline' },
      { selector: 'th', format: 'inline' },
    ],
  })
    .replace(/\u00a0/g, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const UUENCODED = /^begin [0-7]{3,4} ([^\r\n]+)\r?\n[\s\S]*?^end[ \t]*$/gm;

/** Uuencoded blocks are files, not text: they are cut out and named, so the caller can list them as not kept. */
export function withoutUuencoded(text: string): { text: string; files: string[] } {
  const files: string[] = [];
  const rest = text.replace(UUENCODED, (_m, name: string) => {
    files.push(name.trim());
    return `[uuencoded file ${name.trim()} removed]`;
  });
  return { text: rest, files };
}

/**
 * The new part of a reply, through email-reply-parser (crisp-oss): it knows Outlook's `From:/Sent:`
 * headers and "-----Original Message-----", "On … wrote:" in many languages ("Am … schrieb",
 * "Le … a écrit"), quoted lines and signatures. When it leaves nothing, the whole text stays.
 */
export function extractReply(text: string): string {
  // The parser's time grows with the square of the line count; a reply's new part comes first.
  const head = text.split('\n', REPLY_LINES).join('\n').slice(0, REPLY_CHARS);
  const visible = new EmailReplyParser().read(head).getVisibleText().trim();
  return visible || head.trim();
}

const REPLY_LINES = 400;
const REPLY_CHARS = 16_000;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** At most `max` UTF-16 units, never splitting a character or a combining sequence (emoji, flags, accents). */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const { segment } of graphemes.segment(text.slice(0, max + 16))) {
    if (out.length + segment.length > max) break;
    out += segment;
  }
  return out;
}
