import { convert } from 'html-to-text';
import { Tokenizer } from 'htmlparser2';

/**
 * HTML mail (however large, broken or deep) to readable text. html-to-text lays out entities, lists and
 * headings well, but it walks the tree recursively: its cost grows with the square of the nesting depth
 * and past a few thousand levels it overflows the stack. One streaming pass of htmlparser2 measures the
 * depth first; HTML nested deeper than any mail client produces is read by that pass as plain text.
 */

export const MAX_HTML_CHARS = 500_000;
/** Layout tables and quoted replies nest a few dozen levels; html-to-text takes ~80 ms at 1,000, ~20 at 500. */
export const MAX_LAID_OUT_DEPTH = 500;

const BLOCKS = new Set(
  'address article aside blockquote br dd div dl dt figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody td th thead tr ul'.split(
    ' ',
  ),
);
const HIDDEN = new Set(['script', 'style', 'head', 'title', 'template']);
/** Elements without content, and those HTML lets a writer leave open: neither counts as a level. */
const NOT_NESTING = new Set(
  'area base br col embed hr img input link meta source track wbr p li dt dd tr td th tbody thead tfoot option optgroup colgroup rb rt rp'.split(
    ' ',
  ),
);

/**
 * One pass of htmlparser2's tokenizer, with no tree and no stack: text with a line break at each block, and
 * how deep elements nest (opened minus closed). htmlparser2's Parser keeps its open elements with
 * `Array.unshift`, which costs time with the square of the depth; the tokenizer alone does not.
 */
export function flatHtml(html: string): { text: string; depth: number } {
  const out: string[] = [];
  let depth = 0;
  let deepest = 0;
  let hidden = 0;
  let tag = '';
  const nameAt = (start: number, end: number) => html.slice(start, end).toLowerCase();
  const tokenizer = new Tokenizer(
    { decodeEntities: true },
    {
      onopentagname(start, end) {
        tag = nameAt(start, end);
      },
      onopentagend() {
        if (!NOT_NESTING.has(tag)) deepest = Math.max(deepest, ++depth);
        if (HIDDEN.has(tag)) hidden++;
        else if (BLOCKS.has(tag)) out.push('\n');
      },
      onselfclosingtag() {
        if (BLOCKS.has(tag) && !hidden) out.push('\n');
      },
      onclosetag(start, end) {
        const name = nameAt(start, end);
        if (!NOT_NESTING.has(name)) depth = Math.max(0, depth - 1);
        if (HIDDEN.has(name)) hidden = Math.max(0, hidden - 1);
        else if (BLOCKS.has(name)) out.push('\n');
      },
      ontext(start, end) {
        if (!hidden) out.push(html.slice(start, end).replace(/[ \t\r\n\f]+/g, ' '));
      },
      ontextentity(codepoint) {
        if (!hidden) out.push(String.fromCodePoint(codepoint));
      },
      onattribdata() {},
      onattribentity() {},
      onattribend() {},
      onattribname() {},
      oncdata() {},
      oncomment() {},
      ondeclaration() {},
      onend() {},
      onprocessinginstruction() {},
    },
  );
  tokenizer.write(html);
  tokenizer.end();
  const text = out
    .join('')
    .split('\n')
    .map((line) => line.trim())
    .join('\n');
  return { text, depth: deepest };
}

/** HTML to text: html-to-text for HTML of ordinary depth, the flat pass beyond it. At most MAX_HTML_CHARS are read. */
export function htmlToText(html: string): string {
  // A ticket keeps 200,000 characters at most; converting more HTML than this only costs time.
  const cut =
    html.length > MAX_HTML_CHARS
      ? `${html.slice(0, MAX_HTML_CHARS)}<p>[…the rest of the HTML was not converted]</p>`
      : html;
  const flat = flatHtml(cut);
  const text = flat.depth > MAX_LAID_OUT_DEPTH ? flat.text : laidOut(cut);
  return text
    .replace(/\u00a0/g, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function laidOut(html: string): string {
  return convert(html, {
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
  });
}
