import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { htmlToText } from '../../desk/html-text';
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
    expect(htmlToText(html)).toBe('Hello & welcome\n\nThe printer is on fire.');
  });

  it('lays out what mail uses: paragraphs, breaks, lists, tables, quotes, pre; no scripts, styles or images', () => {
    const html = `<html><head><title>t</title><style>p{}</style></head><body><h2>News &amp; more</h2>
      <p>Fr&ouml;sche <b>bold</b>  and
      <a href="https://x.example/track">link</a>.</p><ul><li>one</li><li>two<ol><li>a</li><li>b</li></ol></li></ul>
      <div><div>inner</div></div><div>next</div>a<br>b<br/>c
      <table><tr><td>c1</td><td>c2</td></tr><tr><td>d1</td><td>d2</td></tr></table>
      <blockquote>On Mon, Ada wrote:<br>quoted<blockquote>deeper</blockquote></blockquote>
      <pre>  x  = 1\n  y = 2</pre><img src="x.png" alt="banner">end&nbsp;.<script>if (a<b) x()</script></body></html>`;
    expect(htmlToText(html)).toBe(
      [
        'News & more',
        '',
        'Frösche bold and link.',
        '',
        '* one',
        '* two',
        '',
        '  1. a',
        '  2. b',
        '',
        'inner',
        'next',
        'a',
        'b',
        'c',
        '',
        'c1 c2',
        'd1 d2',
        '',
        '> On Mon, Ada wrote:',
        '> quoted',
        '',
        '> > deeper',
        '',
        '  x  = 1',
        '  y = 2',
        '',
        'end .',
      ].join('\n'),
    );
  });

  it('reads `<div><br></div>` and `<br><br>` as an empty line', () => {
    expect(htmlToText('<div>a</div><div><br></div><div>b</div>c<br><br>d<br>e')).toBe('a\n\nb\nc\n\nd\ne');
  });

  it('marks quotes at most eight deep, so a thread quoted a thousand times costs what its text costs', () => {
    const html = `${'<blockquote>'.repeat(1000)}bottom${'</blockquote>'.repeat(1000)}`;
    expect(htmlToText(html)).toBe(`${'> '.repeat(8)}bottom`);
  });
});
