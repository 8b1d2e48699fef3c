import fs from 'node:fs';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';

/** Reads what the test SMTP outbox received. */
export async function readOutbox(dir: string): Promise<ParsedMail[]> {
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .sort();
  return Promise.all(files.map((f) => simpleParser(fs.readFileSync(path.join(dir, f)))));
}

export async function mailsFor(dir: string, ticketId: string): Promise<ParsedMail[]> {
  const all = await readOutbox(dir);
  return all.filter((m) => m.headers.get('x-ticket-id') === ticketId);
}
