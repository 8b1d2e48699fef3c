import { setTimeout as delay } from 'node:timers/promises';
import nodemailer from 'nodemailer';
import { freePort } from '../scripts/lib/servers';
import { fmt, machine, summary } from './lib';
import { startStack } from './stack';

/**
 * `/healthz` latency of the API while 12 MB HTML-only mails arrive on its inbound SMTP listener
 * (the largest it accepts). The product runs as real processes (bench/stack.ts); the mails are sent
 * one after another while a probe asks /healthz every 20 ms. A run is capped (INBOUND_CAP_S), so a
 * build that parses on the API's event loop still ends: what was not answered by then is reported.
 *
 *   node --import tsx bench/inbound-mail.ts            # INBOUND_MAILS=3 INBOUND_MB=11.5 INBOUND_CAP_S=180
 */

const MAILS = Number(process.env.INBOUND_MAILS ?? 3);
const MB = Number(process.env.INBOUND_MB ?? 11.5);
const CAP_MS = Number(process.env.INBOUND_CAP_S ?? 180) * 1000;

function bigHtmlMail(i: number): string {
  const row = '<tr><td>Fr&ouml;sche</td><td><b>row</b> &amp; <i>more</i></td></tr>\r\n';
  const rows = row.repeat(Math.ceil((MB * 1024 * 1024) / row.length));
  return [
    `From: Big Sender ${i} <big${i}@customer.example>`,
    'To: support@desk.test',
    `Subject: Big HTML ${i}`,
    `Message-ID: <big-${i}-${Date.now()}@customer.example>`,
    'MIME-Version: 1.0',
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    `<html><body><table>\r\n${rows}</table></body></html>`,
  ].join('\r\n');
}

/** Every probe's time counts, a failed one's (error or non-200) until it failed: a frozen API shows in p99 and max. */
async function probe(url: string, until: () => boolean): Promise<{ latencies: number[]; failures: number }> {
  const latencies: number[] = [];
  let failures = 0;
  while (!until()) {
    const t = performance.now();
    const ok = await fetch(url, { signal: AbortSignal.timeout(CAP_MS) }).then(
      (r) => r.ok,
      () => false,
    );
    latencies.push(performance.now() - t);
    if (!ok) failures++;
    await delay(20);
  }
  return { latencies, failures };
}

const inboundPort = await freePort();
const stack = await startStack({ env: { INBOUND_SMTP_PORT: String(inboundPort) } });
try {
  const healthz = `${stack.apiUrl}/healthz`;
  const idleUntil = Date.now() + 5_000;
  const idle = await probe(healthz, () => Date.now() > idleUntil);

  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: inboundPort,
    secure: false,
    ignoreTLS: true,
    socketTimeout: CAP_MS,
    greetingTimeout: 30_000,
  });
  const replies: string[] = [];
  const started = Date.now();
  let done = false;
  const sending = (async () => {
    for (let i = 0; i < MAILS && Date.now() - started < CAP_MS; i++) {
      const t = performance.now();
      const raw = bigHtmlMail(i);
      const reply = await transport
        .sendMail({ envelope: { from: `big${i}@customer.example`, to: ['support@desk.test'] }, raw })
        .then(
          (info) => String(info.response),
          (err: { responseCode?: number; message: string }) => `${err.responseCode ?? ''} ${err.message}`,
        );
      replies.push(
        `${(raw.length / 2 ** 20).toFixed(1)} MB: ${reply.slice(0, 60)} (${fmt((performance.now() - t) / 1000, 1)} s)`,
      );
    }
  })().finally(() => (done = true));
  const busy = await probe(healthz, () => done || Date.now() - started > CAP_MS);
  const finished = done;
  transport.close();
  await sending; // settles at once when capped: its pending send fails with the closed transport

  const row = (name: string, r: { latencies: number[]; failures: number }) => {
    const s = summary(r.latencies);
    return `${name.padEnd(8)} n=${s.n} p50=${fmt(s.p50, 1)} ms p99=${fmt(s.p99, 1)} ms max=${fmt(s.max, 1)} ms failures=${r.failures}`;
  };
  console.log(`inbound-mail benchmark: ${MAILS} × ${MB} MB HTML over SMTP; ${machine()}`);
  console.log(row('idle', idle));
  console.log(row('busy', busy));
  for (const r of replies) console.log(`  ${r}`);
  if (!finished) console.log(`  not all mails were answered within ${CAP_MS / 1000} s`);
} finally {
  await stack.stop();
}
process.exit(0);
