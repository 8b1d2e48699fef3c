import { Tokenizer } from 'htmlparser2';

/**
 * HTML mail (however large, broken or deep) to readable text, in one streaming pass of htmlparser2's
 * tokenizer: no tree, no recursion, no stack of open elements. Tree-walking converters cost time with
 * the depth times the text (html-to-text copies each block's text into every enclosing block; its
 * parser keeps open elements with `Array.unshift`) and overflow the call stack a few thousand levels
 * deep, which quoted threads and broken editors reach. Here every character costs the same, whatever
 * the depth: paragraphs and headings become blank-line blocks, `div`/`br`/rows line breaks, list items
 * `* ` or `1. `, quotes `> ` (at most eight deep), `pre` keeps its spacing; scripts, styles, images and
 * link targets are left out.
 */

export const MAX_HTML_CHARS = 500_000;

const PARAGRAPHS = new Set(
  'p h1 h2 h3 h4 h5 h6 blockquote ul ol dl table pre figure address article aside header footer section nav main form hr'.split(
    ' ',
  ),
);
const LINES = new Set('div li dt dd tr caption figcaption tbody thead tfoot center'.split(' '));
const CELLS = new Set(['td', 'th']);
const HIDDEN = new Set(['script', 'style', 'head', 'title', 'template', 'noscript']);
const VOID = new Set('area base br col embed hr img input link meta param source track wbr'.split(' '));
const MAX_QUOTE_MARKS = 8;
const MAX_LIST_INDENT = 8;

/** Text written line by line: breaks are asked for and written only before the next visible text. */
function lineWriter() {
  const out: string[] = [];
  let atLineStart = true;
  let endsWithSpace = true;
  let pendingBreaks = 0;
  let prefix = '';
  return {
    text(s: string, raw: boolean, linePrefix: () => string) {
      if (!raw) {
        s = s.replace(/[ \t\r\n\f]+/g, ' ');
        if ((atLineStart || endsWithSpace) && s.startsWith(' ')) s = s.slice(1);
      }
      if (!s) return;
      if (out.length && pendingBreaks) out.push('\n'.repeat(pendingBreaks));
      if (pendingBreaks || atLineStart) out.push(linePrefix() + prefix);
      pendingBreaks = 0;
      prefix = '';
      if (raw && s.includes('\n')) s = s.replace(/\n/g, `\n${linePrefix()}`);
      out.push(s);
      atLineStart = false;
      endsWithSpace = s.endsWith(' ');
    },
    /** 1: a line break, 2: a blank line; more than one request before the next text counts once. */
    brk(n: 1 | 2) {
      pendingBreaks = Math.max(pendingBreaks, n);
      atLineStart = true;
    },
    /** `<br>` adds a break to those asked for: `<div><br></div>` is an empty line. */
    lineBreak() {
      pendingBreaks = Math.min(pendingBreaks + 1, 2);
      atLineStart = true;
    },
    /** A list item's marker, written before the item's first text. */
    marker(m: string) {
      prefix = m;
    },
    done: () => out.join(''),
  };
}

export function htmlToText(html: string): string {
  // A ticket keeps 200,000 characters at most; converting more HTML than this only costs time.
  const cut =
    html.length > MAX_HTML_CHARS
      ? `${html.slice(0, MAX_HTML_CHARS)}<p>[…the rest of the HTML was not converted]</p>`
      : html;
  const w = lineWriter();
  let hidden = 0;
  let pre = 0;
  let quotes = 0;
  // Open lists, innermost last: only `ul`/`ol` are kept, so its size is the list nesting, not the element depth.
  const lists: { ordered: boolean; n: number }[] = [];
  let tag = '';
  const linePrefix = () =>
    '> '.repeat(Math.min(quotes, MAX_QUOTE_MARKS)) +
    '  '.repeat(Math.min(Math.max(lists.length - 1, 0), MAX_LIST_INDENT));
  const open = (name: string) => {
    if (HIDDEN.has(name)) return void hidden++;
    if (name === 'pre') pre++;
    if (name === 'blockquote') quotes++;
    if (name === 'ul' || name === 'ol') lists.push({ ordered: name === 'ol', n: 0 });
    if (name === 'br') w.lineBreak();
    else if (PARAGRAPHS.has(name)) w.brk(2);
    else if (LINES.has(name)) w.brk(1);
    else if (CELLS.has(name)) w.text(' ', false, linePrefix);
    if (name === 'li') {
      const list = lists.at(-1);
      w.marker(list?.ordered ? `${++list.n}. ` : '* ');
    }
  };
  const close = (name: string) => {
    if (HIDDEN.has(name)) return void (hidden = Math.max(0, hidden - 1));
    if (PARAGRAPHS.has(name)) w.brk(2);
    else if (LINES.has(name)) w.brk(1);
    if (name === 'pre') pre = Math.max(0, pre - 1);
    if (name === 'blockquote') quotes = Math.max(0, quotes - 1);
    if (name === 'ul' || name === 'ol') lists.pop();
  };
  const text = (s: string) => {
    if (!hidden) w.text(s, pre > 0, linePrefix);
  };
  const tokenizer = new Tokenizer(
    { decodeEntities: true },
    {
      onopentagname(start, end) {
        tag = cut.slice(start, end).toLowerCase();
      },
      onopentagend() {
        open(tag);
        if (VOID.has(tag)) close(tag);
      },
      onselfclosingtag() {
        open(tag);
        close(tag);
      },
      onclosetag(start, end) {
        const name = cut.slice(start, end).toLowerCase();
        if (name === 'br') open(name);
        else if (!VOID.has(name)) close(name);
      },
      ontext(start, end) {
        text(cut.slice(start, end));
      },
      ontextentity(codepoint) {
        text(String.fromCodePoint(codepoint));
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
  tokenizer.write(cut);
  tokenizer.end();
  return w
    .done()
    .replace(/\u00a0/g, ' ')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
