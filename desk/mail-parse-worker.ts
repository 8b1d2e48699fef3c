import { parentPort } from 'node:worker_threads';
import { parseMail, type Envelope, type MailFacts } from './mail-rules';

/**
 * Runs in a piscina worker thread (desk/mail-parser-pool.ts): MIME, charsets, HTML and quote stripping cost
 * CPU the API must not lose. The pool starts a message's time budget when this thread reports it started.
 */

// A thread's first parse loads and compiles what parsing needs (charset tables, the quote stripper): part of its
// start-up, so no message's time budget pays for it. The pool's ready() waits for `loaded`.
const warm = parseMail(Buffer.from('From: a@warm-up.example\r\nSubject: warm-up\r\n\r\nhello'), {}).then(() => {
  parentPort?.postMessage({ loaded: true });
});

export default async function parseInWorker(job: {
  id: number;
  bytes: Uint8Array;
  envelope: Envelope;
}): Promise<MailFacts | null> {
  await warm;
  parentPort?.postMessage({ started: job.id });
  return parseMail(Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength), job.envelope);
}
