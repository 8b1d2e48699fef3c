import EmailReplyParser from 'email-reply-parser';
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

const UUENCODED_BEGIN = /^begin [0-7]{3,4} ([^\r\n]+)\r?$/gm;
const UUENCODED_END = /^end[ \t]*\r?$/gm;

/**
 * Uuencoded blocks are files, not text: they are cut out and named, so the caller can list them as not kept.
 * One forward scan: each `begin` looks for its `end` from where it stands, and a `begin` without one ends the
 * search (a lazy `[\s\S]*?` regex rescans the rest of the text for every unmatched `begin`).
 */
export function withoutUuencoded(text: string): { text: string; files: string[] } {
  const files: string[] = [];
  const parts: string[] = [];
  let at = 0;
  for (;;) {
    UUENCODED_BEGIN.lastIndex = at;
    const begin = UUENCODED_BEGIN.exec(text);
    if (!begin) break;
    UUENCODED_END.lastIndex = begin.index + begin[0].length;
    const end = UUENCODED_END.exec(text);
    if (!end) break;
    const name = begin[1]!.trim();
    files.push(name);
    parts.push(text.slice(at, begin.index), `[uuencoded file ${name} removed]`);
    at = end.index + end[0].replace(/\r$/, '').length;
  }
  parts.push(text.slice(at));
  return { text: parts.join(''), files };
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

/** How far before a cut a certain grapheme boundary is looked for; beyond it, any code-point boundary does. */
const NEIGHBOURHOOD = 1024;

/**
 * Code units between which a grapheme boundary is certain (Unicode UAX #29): Latin-1, Latin Extended and
 * IPA (below the combining marks at U+0300), CJK ideographs and Hangul syllables. None extends, prepends,
 * joins or pairs as a regional indicator, so the segmenter started there reads what it would read from the
 * text's start. CR LF is the one pair among them that stays together.
 */
const plain = (c: number) => c < 0x300 || (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7a3);
function certainBoundary(text: string, at: number): boolean {
  if (at <= 0) return true;
  const before = text.charCodeAt(at - 1);
  const after = text.charCodeAt(at);
  return plain(before) && plain(after) && !(before === 13 && after === 10);
}

/**
 * At most `max` UTF-16 units, never splitting a character or a combining sequence (emoji, flags, accents).
 * Only the cut's neighbourhood is segmented: V8's segmenter costs time with the square of what it walks.
 */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  const floor = Math.max(0, max - NEIGHBOURHOOD);
  let from = max;
  while (from > floor && !certainBoundary(text, from)) from--;
  // No certain boundary near (a wall of combining marks): never split a surrogate pair at least.
  if (from === floor && !certainBoundary(text, from) && /[\udc00-\udfff]/.test(text[from] ?? '')) from--;
  let cut = from;
  for (const { index } of graphemes.segment(text.slice(from, max + 16))) {
    if (from + index > max) break;
    cut = from + index;
  }
  return text.slice(0, cut);
}
