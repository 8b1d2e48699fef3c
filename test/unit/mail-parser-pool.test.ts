import { afterAll, describe, expect, it } from 'vitest';
import { createMailParserPool, MailOverBudget } from '../../desk/mail-parser-pool';

/** Real worker threads: parsing happens off this thread, under a size and a time budget. */

const bigHtmlMail = (mb: number) => {
  const cell = '<tr><td>Fr&ouml;sche</td><td><b>row</b> &amp; <i>more</i></td></tr>\n';
  const body = `<html><body><table>${cell.repeat(Math.ceil((mb * 1024 * 1024) / cell.length))}</table></body></html>`;
  return Buffer.from(
    `From: big@customer.example\r\nSubject: Big\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${body}`,
  );
};

const pools: ReturnType<typeof createMailParserPool>[] = [];
const pool = (o: Partial<Parameters<typeof createMailParserPool>[0]> = {}) => {
  const p = createMailParserPool({ threads: 1, timeoutMs: 120_000, maxBytes: 12 * 1024 * 1024, ...o });
  pools.push(p);
  return p;
};
afterAll(() => Promise.all(pools.map((p) => p.close())));

describe('mail parser pool', () => {
  it('parses a 12 MB HTML mail while this event loop keeps turning', async () => {
    const p = pool();
    const mail = bigHtmlMail(11.5);
    let last = performance.now();
    let maxGap = 0;
    const tick = setInterval(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
    }, 5);
    const started = performance.now();
    const facts = await p.parse(mail, {});
    const took = performance.now() - started;
    clearInterval(tick);
    expect(facts?.text).toContain('Frösche');
    expect(facts?.text).not.toContain('&ouml;');
    // On this thread the loop would wait for the whole parse; off it, the longest wait is a small part of it.
    expect(took).toBeGreaterThan(4 * maxGap);
  }, 240_000);

  it('refuses a message over the size budget before parsing it', async () => {
    const err = await pool({ maxBytes: 1024 })
      .parse(bigHtmlMail(0.01), {})
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MailOverBudget);
    expect((err as MailOverBudget).budget).toBe('size');
  });

  it('stops a parse over the time budget and keeps serving with a fresh worker', async () => {
    const p = pool({ timeoutMs: 1000 });
    const err = await p.parse(bigHtmlMail(11.5), {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MailOverBudget);
    expect((err as MailOverBudget).budget).toBe('time');
    // The budget counts from the hand-over to a started worker, so the replacement's start-up is not charged.
    const facts = await p.parse(Buffer.from('From: a@customer.example\r\nSubject: small\r\n\r\nhello'), {});
    expect(facts?.subject).toBe('small');
  }, 60_000);
});
