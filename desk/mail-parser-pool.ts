import { Worker } from 'node:worker_threads';
import type { Logger } from '../lib/logger';
import type { Envelope, MailFacts } from './mail-rules';

/**
 * Inbound mail is parsed in worker threads, never on the API's event loop: a hostile or just large
 * message (12 MB of HTML, deep multipart nesting) costs a worker's time, not every request's. Each
 * message has a size budget (checked before any parsing) and a time budget (the worker is terminated
 * and replaced when it runs out).
 */

export class MailOverBudget extends Error {
  override name = 'MailOverBudget';
  constructor(
    readonly budget: 'size' | 'time',
    message: string,
  ) {
    super(message);
  }
}

export interface MailParserOptions {
  /** Worker threads; parsing beyond them waits its turn. */
  threads: number;
  timeoutMs: number;
  maxBytes: number;
  logger?: Logger;
}

interface Job {
  id: number;
  bytes: Buffer;
  envelope: Envelope;
  resolve: (f: MailFacts | null) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job?: Job;
  timer?: NodeJS.Timeout;
}

const WORKER_URL = new URL('./mail-parse-worker.ts', import.meta.url);

export function createMailParserPool(opts: MailParserOptions) {
  const slots: Slot[] = [];
  const queue: Job[] = [];
  let nextId = 1;
  let closed = false;

  function spawn(): Slot {
    // tsx's loader is registered inside the thread: Node 20 does not run --import hooks for a worker's entry.
    const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL.href)}); })`;
    const worker = new Worker(boot, { eval: true });
    worker.unref();
    const slot: Slot = { worker, ready: false };
    worker.on('message', (m: { ready?: true; id: number; facts?: MailFacts | null; error?: string }) => {
      if (m.ready) {
        slot.ready = true;
        return pump();
      }
      const job = slot.job;
      if (!job || job.id !== m.id) return;
      settle(slot);
      if (m.error) job.reject(new Error(m.error));
      else job.resolve(revive(m.facts ?? null));
    });
    worker.on('error', (err) => {
      opts.logger?.error({ err }, 'mail parser worker failed');
      const job = slot.job;
      replace(slot);
      job?.reject(err);
    });
    return slot;
  }

  function settle(slot: Slot) {
    clearTimeout(slot.timer);
    slot.job = undefined;
    slot.timer = undefined;
    pump();
  }

  function replace(slot: Slot) {
    clearTimeout(slot.timer);
    void slot.worker.terminate();
    const at = slots.indexOf(slot);
    if (at >= 0) slots.splice(at, 1);
    if (!closed) pump();
  }

  function pump() {
    while (queue.length && !closed) {
      if (slots.length < opts.threads) slots.push(spawn());
      const slot = slots.find((s) => s.ready && !s.job);
      if (!slot) return;
      const job = queue.shift()!;
      slot.job = job;
      const running = slot;
      running.timer = setTimeout(() => {
        opts.logger?.warn(
          { ms: opts.timeoutMs, size: job.bytes.length },
          'mail parsing ran out of time; worker replaced',
        );
        replace(running);
        job.reject(new MailOverBudget('time', `parsing took longer than ${opts.timeoutMs / 1000} s`));
      }, opts.timeoutMs);
      running.worker.postMessage({ id: job.id, bytes: job.bytes, envelope: job.envelope });
    }
  }

  return {
    parse(bytes: Buffer, envelope: Envelope): Promise<MailFacts | null> {
      if (bytes.length > opts.maxBytes) {
        return Promise.reject(
          new MailOverBudget('size', `the message is ${bytes.length} bytes; at most ${opts.maxBytes} are accepted`),
        );
      }
      if (closed) return Promise.reject(new Error('the mail parser is closed'));
      return new Promise((resolve, reject) => {
        queue.push({ id: nextId++, bytes, envelope, resolve, reject });
        pump();
      });
    },
    async close() {
      closed = true;
      await Promise.all(slots.splice(0).map((s) => s.worker.terminate()));
    },
  };
}

/** Buffers come back from the worker as plain Uint8Arrays. */
function revive(facts: MailFacts | null): MailFacts | null {
  if (!facts) return null;
  return {
    ...facts,
    attachments: facts.attachments.map((a) => ({
      ...a,
      data: Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength),
    })),
  };
}

export type MailParser = Pick<ReturnType<typeof createMailParserPool>, 'parse' | 'close'>;
