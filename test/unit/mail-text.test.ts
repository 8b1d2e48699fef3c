import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flatHtml, htmlToText, MAX_LAID_OUT_DEPTH } from '../../desk/html-text';
import { cutText, withoutUuencoded } from '../../desk/mail-text';

/** The definition: the longest run of whole grapheme clusters from the start that fits, read from the whole text. */
function cutByWholeText(text: string, max: number): string {
  let out = '';
  for (const { segment } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)) {
    if (out.length + segment.length > max) break;
    out += segment;
  }
  return out;
}

// Pieces that make clusters hard: combining marks, ZWJ emoji, flags (regional indicator pairs), skin tones,
// Hangul jamo, CR LF, Devanagari with a spacing mark, CJK, Latin.
const PIECES = [
  'a',
  'Z',
  ' ',
  '\r\n',
  '\n',
  'é',
  'e\u0301',
  '\u0301',
  '👩‍👩‍👧',
  '👍🏽',
  '🇩🇪',
  '🇫',
  '\u1100\u1161\u11a8',
  '한',
  '中',
  'क्षि',
  '\u200d',
  '©',
];
const textOf = fc.array(fc.constantFrom(...PIECES), { maxLength: 400 }).map((p) => p.join(''));

describe('cutText', () => {
  it('cuts where segmenting the whole text would, for texts full of clusters', () => {
    fc.assert(
      fc.property(textOf, fc.nat(2000), (text, max) => {
        expect(cutText(text, max)).toBe(cutByWholeText(text, max));
      }),
      { numRuns: 3000, seed: 28 },
    );
  });

  it('cuts 1 MB of pasted log to 200,000 characters on a character boundary', () => {
    const line = 'INFO  [main] Jürgen request 👩‍👩‍👧 id=42 path=/api/v2/orders status=200\n';
    const text = line.repeat(Math.ceil(1_000_000 / line.length));
    const cut = cutText(text, 200_000);
    expect(cut.length).toBeLessThanOrEqual(200_000);
    expect(cut.length).toBeGreaterThan(200_000 - 8);
    expect(text.startsWith(cut)).toBe(true);
    expect(cutByWholeText(cut.slice(-400) + text.slice(cut.length, cut.length + 20), 400)).toBe(cut.slice(-400));
  });

  it('never splits a surrogate pair in a wall of combining marks', () => {
    const text = `x${'\u0301'.repeat(3000)}😀${'\u0301'.repeat(3000)}`;
    for (const max of [1500, 3001, 3002, 4000]) {
      const cut = cutText(text, max);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(/[\ud800-\udbff]$/.test(cut)).toBe(false);
    }
  });
});

describe('withoutUuencoded', () => {
  it('cuts out each block and names its file', () => {
    const text = 'see file\nbegin 644 a.bin\nM86)C\n`\nend\nmiddle\r\nbegin 0644 b.txt\r\nM86)C\r\nend\r\ntail';
    expect(withoutUuencoded(text)).toEqual({
      text: 'see file\n[uuencoded file a.bin removed]\nmiddle\r\n[uuencoded file b.txt removed]\r\ntail',
      files: ['a.bin', 'b.txt'],
    });
  });

  it('reads a log with thousands of `begin` lines and no `end` in one pass', () => {
    const text = 'begin 644 job-output.log\nline\n'.repeat(40_000);
    expect(withoutUuencoded(text)).toEqual({ text, files: [] });
  });
});

describe('htmlToText', () => {
  it('reads HTML nested 30,000 levels deep as text', () => {
    const html = `<html><body><p>Hello &amp; welcome</p>${'<div>'.repeat(30_000)}The printer is on fire.${'</div>'.repeat(30_000)}</body></html>`;
    expect(flatHtml(html).depth).toBeGreaterThan(30_000);
    const text = htmlToText(html);
    expect(text).toContain('Hello & welcome');
    expect(text).toContain('The printer is on fire.');
    expect(text).not.toContain('<div>');
  });

  it('lays out HTML of ordinary depth with html-to-text (entities, lists, no scripts)', () => {
    const html = `<style>p{}</style>${'<div>'.repeat(MAX_LAID_OUT_DEPTH - 10)}<p>Fr&ouml;sche</p><ul><li>one</li><li>two</li></ul>${'</div>'.repeat(MAX_LAID_OUT_DEPTH - 10)}<script>x()</script>`;
    const text = htmlToText(html);
    expect(text).toContain('Frösche');
    expect(text).toMatch(/\* one\n \* two/);
    expect(text).not.toMatch(/x\(\)|p\{\}/);
  });

  it('gives the same words either way for a deep newsletter', () => {
    const inner =
      '<style>p{color:red}</style><script>if (a<b) x()</script><table><tr><td><h2>News</h2><p>Price &euro;5 &lt;now&gt;</p></td></tr></table>';
    const flat = htmlToText(
      `${'<div>'.repeat(MAX_LAID_OUT_DEPTH + 1)}${inner}${'</div>'.repeat(MAX_LAID_OUT_DEPTH + 1)}`,
    );
    expect(flat.split(/\s+/)).toEqual(['News', 'Price', '€5', '<now>']);
  });
});
