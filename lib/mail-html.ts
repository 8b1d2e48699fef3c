import { escapeHtml } from './escape-html';

/**
 * The HTML part of a plain-text mail. Most clients show the HTML part, where a bare line break is a space and a
 * bare address is text: without this an agent's reply ran into one line and the ticket's link could not be clicked.
 */

// An address ends before a space, a quote or angle bracket, and before the punctuation that closes its sentence.
const URL = /https?:\/\/[^\s<>"']*[^\s<>"'.,;:!?)\]]/g;

function linked(line: string): string {
  let html = '';
  let last = 0;
  for (const m of line.matchAll(URL)) {
    const url = escapeHtml(m[0]);
    html += `${escapeHtml(line.slice(last, m.index))}<a href="${url}">${url}</a>`;
    last = m.index + m[0].length;
  }
  return html + escapeHtml(line.slice(last));
}

/** Blocks of text (each may hold blank lines and line breaks) as paragraphs, their web addresses as links. */
export function textToHtml(blocks: string[]): string {
  return blocks
    .flatMap((b) => b.replace(/\r\n?/g, '\n').split(/\n[ \t]*\n/))
    .filter((p) => p.trim())
    .map((p) => `<p>${p.split('\n').map(linked).join('<br>')}</p>`)
    .join('');
}
