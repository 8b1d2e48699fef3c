import { simpleParser } from 'mailparser';
import { parseMail } from '../desk/mail-rules';
import { nestedHtmlMail, newsletterMail, pastedLogMail, quotedHtmlThreadMail, SIZES } from '../test/support/wild-mail';
import { fmt, machine } from './lib';

/**
 * What inbound parsing costs per megabyte (desk/mail-rules.ts parseMail: MIME, charsets, HTML to text,
 * quote stripping, cuts, robot rules) beside two limits on the same bytes, in the same process, one after
 * the other: mailparser alone with its defaults (the same job: MIME, and text from HTML with its own
 * html-to-text conversion), and mailparser's MIME parsing alone (no conversion at all: the floor). Median of
 * PARSE_RUNS runs each (fewer once a case has taken 20 s). All run on this thread, as the parser thread runs them.
 *
 *   npx tsx bench/mail-parse.ts          # PARSE_RUNS=5 PARSE_SIZES_MB=1,4
 */

const RUNS = Number(process.env.PARSE_RUNS ?? 5);
const SIZES_MB = (process.env.PARSE_SIZES_MB ?? '1,4').split(',').map(Number);

async function limit(bytes: Buffer): Promise<void> {
  const parsed = await simpleParser(bytes);
  if (!parsed.text && !parsed.textConversionError) throw new Error('parsed to no text');
}

async function floor(bytes: Buffer): Promise<void> {
  await simpleParser(bytes, { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true });
}

async function product(bytes: Buffer): Promise<void> {
  const facts = await parseMail(bytes, { from: 'sender@customer.example' });
  if (!facts?.text) throw new Error('parsed to no text');
}

/** Median ms, or why it fails. */
async function time(fn: (b: Buffer) => Promise<void>, bytes: Buffer): Promise<number | string> {
  const runs: number[] = [];
  const started = performance.now();
  for (let i = 0; i < RUNS && performance.now() - started < 20_000; i++) {
    const t = performance.now();
    try {
      await fn(bytes);
    } catch (err) {
      return err instanceof Error ? `fails (${err.message.slice(0, 40)})` : 'fails';
    }
    runs.push(performance.now() - t);
  }
  return runs.sort((a, b) => a - b)[Math.floor(runs.length / 2)]!;
}

const cases: [string, (mb: number) => Buffer][] = [
  ['plain text (pasted log)', (mb) => pastedLogMail(mb * SIZES.MB)],
  ['HTML (newsletter, layout tables)', (mb) => newsletterMail(mb * SIZES.MB)],
  ['nested HTML (thread of 200 replies, 400 levels)', (mb) => quotedHtmlThreadMail(mb * SIZES.MB, 200)],
  // Past 1,000 levels mailparser converts nothing (textConversionError): its time is that of giving up.
  ['nested HTML (thread of 1,000 replies, 2,000 levels)', (mb) => quotedHtmlThreadMail(mb * SIZES.MB, 1000)],
];

// Warm both paths (JIT, lazy module loading), as a long-running parser thread is.
for (const [, make] of cases) {
  await product(make(0.25));
  await limit(make(0.25));
  await floor(make(0.25));
}

console.log(`mail-parse benchmark: median of ${RUNS} runs; ${machine()}`);
console.log(
  '| mail | size | this parser | ms per MB | mailparser alone (defaults) | ms per MB | ratio | mailparser MIME only | ratio |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
const ms = (v: number | string) => (typeof v === 'number' ? `${fmt(v)} ms` : v);
const ratio = (a: number | string, b: number | string) =>
  typeof a === 'number' && typeof b === 'number' ? fmt(a / b, 2) : '–';
const row = (name: string, bytes: Buffer, ours: number | string, theirs: number | string, mime: number | string) => {
  const mb = bytes.length / SIZES.MB;
  const perMb = (v: number | string) => (typeof v === 'number' ? fmt(v / mb) : '–');
  console.log(
    `| ${name} | ${fmt(mb, 2)} MB | ${ms(ours)} | ${perMb(ours)} | ${ms(theirs)} | ${perMb(theirs)} | ${ratio(ours, theirs)} | ${ms(mime)} | ${ratio(ours, mime)} |`,
  );
};
for (const [name, make] of cases) {
  for (const mb of SIZES_MB) {
    const bytes = make(mb);
    row(name, bytes, await time(product, bytes), await time(limit, bytes), await time(floor, bytes));
  }
}
const deep = nestedHtmlMail(30_000);
row('30,000 nested `<div>`', deep, await time(product, deep), await time(limit, deep), await time(floor, deep));
process.exit(0);
