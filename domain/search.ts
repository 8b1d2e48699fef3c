/**
 * Words for search: lowercased, accents folded, split on anything not a letter or digit. Very short
 * and very long runs are dropped (they match everything or nothing useful), and each word is kept once.
 */
export const MIN_TOKEN = 2;
export const MAX_TOKEN = 32;

export function searchTokens(text: string, max = Infinity): string[] {
  const words = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u);
  const out = new Set<string>();
  for (const w of words) {
    if (w.length < MIN_TOKEN || w.length > MAX_TOKEN) continue;
    out.add(w);
    if (out.size >= max) break;
  }
  return [...out];
}
