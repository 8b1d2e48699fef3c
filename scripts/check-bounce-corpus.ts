import fs from 'node:fs';
import path from 'node:path';
import { parseMail } from '../desk/mail-rules';

/**
 * Runs a directory of real-world bounces (.eml files, e.g. sisimai's set-of-emails `maildir/bsd`)
 * through inbound robot detection, as if a relay had rewritten the envelope sender (the null sender
 * alone would catch most of them), and lists each message not taken for a robot.
 *
 *   npx tsx scripts/check-bounce-corpus.ts <dir>    # exit 1 when any message was missed
 */

const dir = process.argv[2];
if (!dir) {
  console.error('usage: npx tsx scripts/check-bounce-corpus.ts <directory of .eml files>');
  process.exit(2);
}
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.eml'))
  .sort();
const reasons = new Map<string, number>();
const misses: string[] = [];
for (const file of files) {
  const facts = await parseMail(fs.readFileSync(path.join(dir, file)), { from: 'relay@example.net' });
  if (facts?.automatic) {
    const kind = facts.automatic.replace(/^sent by .*/, 'sent by a role address').replace(/\s*\(.*\)$/, '');
    reasons.set(kind, (reasons.get(kind) ?? 0) + 1);
  } else misses.push(`${file}: From ${facts?.from?.address ?? '(none)'}, Subject ${facts?.subject ?? '(none)'}`);
}
const families = new Set(files.map((f) => f.replace(/-\d+\.eml$/, '')));
console.log(`${files.length} messages, ${families.size} families, ${misses.length} not taken for a robot`);
for (const [reason, n] of [...reasons].sort((a, b) => b[1] - a[1]))
  console.log(`  ${String(n).padStart(4)}  ${reason}`);
for (const m of misses) console.log(`  missed: ${m}`);
process.exit(misses.length ? 1 : 0);
