import { domainToASCII } from 'node:url';
import type { z } from 'zod';

/**
 * The one canonical form of an email address, used wherever an address arrives (API, web form, mail, portal
 * sign-in, organizations' domains) so that two spellings of one address are one customer and two addresses that
 * merely look alike are never one:
 *
 * - the local part in NFC, lower-cased; the domain lower-cased and IDNA-encoded (A-labels, `xn--…`);
 * - no compatibility folding: an address that NFKC would change (a Kelvin sign `K` for `K`, full-width letters,
 *   ligatures) is refused rather than folded into another address (`eve@Kilo.example` is not `eve@kilo.example`);
 * - invisible characters (zero-width spaces and joiners, bidi controls, variation selectors, any format or control
 *   character) are refused, as is a local part or domain label that mixes scripts (Latin with Cyrillic look-alikes).
 */
export type CanonicalEmail = { ok: true; address: string; domain: string } | { ok: false; reason: string };

const INVISIBLE = /[\p{Cc}\p{Cf}\p{Z}\u034F\u115F\u1160\u17B4\u17B5\u180B-\u180F\u3164\uFE00-\uFE0F\uFFA0]/u;

/** Scripts a letter may belong to; Common and Inherited (digits, punctuation, combining marks) belong to none. */
const SCRIPTS: [string, RegExp][] = (
  [
    'Latin',
    'Cyrillic',
    'Greek',
    'Armenian',
    'Georgian',
    'Hebrew',
    'Arabic',
    'Devanagari',
    'Bengali',
    'Tamil',
    'Thai',
    'Han',
    'Hiragana',
    'Katakana',
    'Hangul',
    'Bopomofo',
    'Cherokee',
    'Ethiopic',
  ] as const
).map((s) => [s, new RegExp(`\\p{Script=${s}}`, 'u')]);
/** Writing systems that mix scripts by nature: Japanese, Korean, Chinese with Bopomofo. */
const TOGETHER = [new Set(['Han', 'Hiragana', 'Katakana']), new Set(['Han', 'Hangul']), new Set(['Han', 'Bopomofo'])];

function scriptsOf(part: string): Set<string> {
  const found = new Set<string>();
  for (const ch of part) {
    const hit = SCRIPTS.find(([, re]) => re.test(ch));
    if (hit) found.add(hit[0]);
    else if (/\p{L}/u.test(ch) && !/\p{Script=Common}|\p{Script=Inherited}/u.test(ch)) found.add(`other:${ch}`);
  }
  return found;
}

function mixesScripts(part: string): boolean {
  const scripts = scriptsOf(part);
  if (scripts.size <= 1) return false;
  return !TOGETHER.some((allowed) => [...scripts].every((s) => allowed.has(s)));
}

const codePoint = (ch: string) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

export function canonicalEmail(raw: string): CanonicalEmail {
  const trimmed = raw.trim();
  const at = trimmed.lastIndexOf('@');
  if (at <= 0 || at === trimmed.length - 1) return { ok: false, reason: 'must be an email address (name@domain)' };
  const invisible = INVISIBLE.exec(trimmed);
  if (invisible) return { ok: false, reason: `contains an invisible character (${codePoint(invisible[0])})` };
  // Judged one code point at a time, before NFC: NFC itself turns a Kelvin sign (a canonical singleton) into K.
  const odd = [...trimmed].find((ch) => ch.normalize('NFKC') !== ch);
  if (odd)
    return { ok: false, reason: `contains a character that only looks like another (${codePoint(odd)} “${odd}”)` };
  const local = trimmed.slice(0, at).normalize('NFC');
  const domain = trimmed.slice(at + 1).normalize('NFC');
  if (mixesScripts(local)) return { ok: false, reason: 'mixes scripts in the part before the @ (look-alike letters)' };
  const labels = domain.split('.');
  if (labels.some(mixesScripts))
    return { ok: false, reason: 'mixes scripts in a label of the domain (look-alike letters)' };
  const ascii = domainToASCII(domain.toLowerCase());
  if (!ascii || !ascii.includes('.')) return { ok: false, reason: 'the domain is not a valid internet domain' };
  return { ok: true, address: `${local.toLowerCase()}@${ascii}`, domain: ascii };
}

/** The canonical domain of an organization's mail domain (as `canonicalEmail` writes an address's), or why not. */
export function canonicalDomain(raw: string): CanonicalEmail {
  return canonicalEmail(`x@${raw}`);
}

/** The canonical address, or null when it is refused (lookups: a refused address is nobody's). */
export const canonicalOrNull = (raw: string): string | null => {
  const c = canonicalEmail(raw);
  return c.ok ? c.address : null;
};

/** A zod check: the reason this module refuses an address, as the field's message (`prefix` for people's forms). */
export const refusedAddress = Object.assign(addressCheck(''), { for: addressCheck });
function addressCheck(prefix: string) {
  return (ctx: z.core.ParsePayload<string>): void => {
    const c = canonicalEmail(ctx.value);
    // Something that is no address at all is left to the pattern's own message.
    if (!c.ok && ctx.value.includes('@') && !c.reason.startsWith('must be'))
      ctx.issues.push({ code: 'custom', message: `${prefix}${c.reason}`, input: ctx.value });
  };
}

/** The same for an organization's mail domain. */
export function refusedDomain(ctx: z.core.ParsePayload<string>): void {
  const c = canonicalDomain(ctx.value.trim());
  if (!c.ok && !c.reason.startsWith('the domain is not'))
    ctx.issues.push({ code: 'custom', message: c.reason, input: ctx.value });
}
