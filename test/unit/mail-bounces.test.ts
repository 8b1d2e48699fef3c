import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMail } from '../../desk/mail-rules';

/**
 * Bounce shapes that robot detection missed in sisimai's corpus of real-world bounces (see
 * test/fixtures/mail/bounces/README.md): a null or bare From, a name without an address, a complaint
 * without a report header, a list manager's own mail. Read as a relay that rewrote the envelope sender
 * would hand them over (with the null envelope sender they are robots anyway), and over HTTP without one.
 */

const DIR = path.join(import.meta.dirname, '../fixtures/mail/bounces');
const emls = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith('.eml'));

describe('bounces from every sender shape are robots', () => {
  it.each([
    ['dragonfly-null-from.eml', /null sender <> \(From\)/],
    ['mcafee-null-from.eml', /null sender <> \(From\)/],
    ['sendmail-bare-mailer-daemon.eml', /sent by mailer-daemon/],
    ['name-only-mailer-daemon.eml', /sent by mailer-daemon/],
    ['name-only-mail-delivery-system.eml', /sent by mail delivery system/],
    ['hotmail-jmrp-complaint.eml', /report \(complaint from staff@hotmail.com\)/],
    ['fml-loop-alert.eml', /mailing list \(x-mlserver\)/],
  ])('%s', async (file, reason) => {
    const bytes = fs.readFileSync(path.join(DIR, file));
    for (const envelope of [{ from: 'relay@example.net' }, {}]) {
      expect((await parseMail(bytes, envelope))?.automatic).toMatch(reason);
    }
  });

  it('covers every fixture in the folder', () => {
    expect(emls(DIR)).toHaveLength(7);
  });

  it.each(emls(path.join(DIR, 'people')))('a person, not a robot: people/%s', async (file) => {
    const facts = await parseMail(fs.readFileSync(path.join(DIR, 'people', file)), { from: 'relay@example.net' });
    expect(facts?.automatic).toBeNull();
    expect(facts?.from?.address).toMatch(/@customer\.example$/);
  });
});
