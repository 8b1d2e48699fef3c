import { parentPort } from 'node:worker_threads';
import { parseMail, type Envelope } from './mail-rules';

/** Runs in a worker thread (desk/mail-parser-pool.ts): MIME, charsets, HTML and quote stripping cost CPU the API must not lose. */
parentPort!.on('message', (job: { id: number; bytes: Uint8Array; envelope: Envelope }) => {
  parseMail(Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength), job.envelope).then(
    (facts) => parentPort!.postMessage({ id: job.id, facts }),
    (err: unknown) => parentPort!.postMessage({ id: job.id, error: String(err) }),
  );
});
// The pool hands over work (and starts its time budget) only once this thread has loaded.
parentPort!.postMessage({ ready: true });
