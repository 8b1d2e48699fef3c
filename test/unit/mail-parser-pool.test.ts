import { afterAll, describe, expect, it } from 'vitest';
import { createMailParserPool, MailOverBudget, MailParserBusy } from '../../desk/mail-parser-pool';
import { pastedLogMail, SIZES } from '../support/wild-mail';

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
    // The budget is set from this machine's own pace at this moment: five times a small mail's parse on a started
    // worker (what the replacement must manage), and at least 25 ms. Reading 11.5 MB of HTML takes a hundred times
    // that and more (the parse is linear), so it runs out of any such budget, and the small one fits, under any load.
    const small = Buffer.from('From: a@customer.example\r\nSubject: small\r\n\r\nhello');
    const pace = pool();
    await pace.parse(small, {}); // the thread's start-up, which the budget does not count
    const started = performance.now();
    await pace.parse(small, {});
    const p = pool({ timeoutMs: Math.max(25, 5 * (performance.now() - started)) });
    const err = await p.parse(bigHtmlMail(11.5), {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MailOverBudget);
    expect((err as MailOverBudget).budget).toBe('time');
    // The budget counts from the hand-over to a started worker, so the replacement's start-up is not charged.
    const facts = await p.parse(small, {});
    expect(facts?.subject).toBe('small');
  }, 60_000);
});

describe('mail parser lanes and queue bound', () => {
  const small = (n: number) =>
    Buffer.from(
      `From: a@customer.example\r\nSubject: small ${n}\r\nMessage-ID: <s${n}@customer.example>\r\n\r\nhello ${n}`,
    );

  it('parses a small mail queued after three big ones before the big ones are done', async () => {
    const p = pool({ threads: 1 });
    await p.ready();
    const done: string[] = [];
    const track = (name: string, bytes: Buffer) =>
      p.parse(bytes, {}).then((f) => {
        done.push(name);
        return f;
      });
    const mails = [1, 2, 3].map((i) => pastedLogMail(3 * SIZES.MB, `Big ${i}`));
    const bigs = mails.map((m, i) => track(`big ${i + 1}`, m));
    expect(p.load().large).toMatchObject({ running: 1, waiting: 2 });
    const quick = track('small', small(1));
    expect(p.load().small).toMatchObject({ running: 1, waiting: 0 });
    expect((await quick)?.subject).toBe('small 1');
    // The small lane's own thread took it at once; in one queue it would have waited for all three.
    expect(done).not.toContain('big 2');
    const facts = await Promise.all(bigs);
    expect(done.filter((d) => d.startsWith('big'))).toEqual(['big 1', 'big 2', 'big 3']);
    expect(facts.map((f) => f?.subject)).toEqual(['Big 1', 'Big 2', 'Big 3']);
    expect(facts[0]?.text).toContain('InvoiceService.java');
  }, 120_000);

  it('refuses a big mail as busy, with a retry hint, when its lane queue is full; small mail still goes through', async () => {
    const p = pool({ threads: 1, queueMessages: 1 });
    await p.ready();
    const running = p.parse(pastedLogMail(SIZES.MB, 'Running'), {});
    const waiting = p.parse(pastedLogMail(SIZES.MB, 'Waiting'), {});
    const refused = await p.parse(pastedLogMail(SIZES.MB, 'Refused'), {}).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(MailParserBusy);
    expect((refused as MailParserBusy).retryAfterSeconds).toBeGreaterThanOrEqual(5);
    expect((refused as MailParserBusy).message).toMatch(/busy.*try again in \d+ s/);
    expect((await p.parse(small(2), {}))?.subject).toBe('small 2');
    expect((await running)?.subject).toBe('Running');
    expect((await waiting)?.subject).toBe('Waiting');
    // Drained: the same mail is taken now.
    expect((await p.parse(pastedLogMail(SIZES.MB, 'Refused'), {}))?.subject).toBe('Refused');
  }, 120_000);

  it('bounds the waiting bytes as well as the count; a lone message of any size is let in', async () => {
    const p = pool({ threads: 1, queueMessages: 10, queueBytes: SIZES.MB });
    await p.ready();
    const first = p.parse(pastedLogMail(2 * SIZES.MB, 'First'), {});
    const second = p.parse(pastedLogMail(2 * SIZES.MB, 'Second'), {});
    const third = await p.parse(pastedLogMail(300 * SIZES.KB, 'Third'), {}).catch((e: unknown) => e);
    expect(third).toBeInstanceOf(MailParserBusy);
    expect((await first)?.subject).toBe('First');
    expect((await second)?.subject).toBe('Second');
  }, 120_000);
});
