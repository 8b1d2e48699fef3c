import { Worker } from 'node:worker_threads';
import type { Logger } from '../lib/logger';
import type { Envelope, MailFacts } from './mail-rules';

/**
 * Inbound mail is parsed in worker threads, never on the API's event loop: a hostile or just large
 * message (12 MB of HTML, deep multipart nesting) costs a worker's time, not every request's. Each
 * message has a size budget (checked before any parsing) and a time budget (the worker is terminated
 * and replaced when it runs out).
 *
 * Two lanes, each with its own threads and its own bounded queue: small messages (most mail: a person's
 * reply is a few kilobytes) never wait behind large ones, and a burst of large messages waits in a queue
 * bounded by count and bytes. Past the bound the message is refused as busy, which the channels answer
 * with a temporary error (SMTP 451, HTTP 503 with Retry-After), so the sender retries it later.
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

/** The lane's queue is full: nothing was parsed or kept, and the sender should try again in `retryAfterSeconds`. */
export class MailParserBusy extends Error {
  override name = 'MailParserBusy';
  constructor(
    readonly retryAfterSeconds: number,
    message: string,
  ) {
    super(message);
  }
}

/** The parser itself failed on a message (not the message's fault, as far as we know): worth another try later. */
export class MailParseFailed extends Error {
  override name = 'MailParseFailed';
}

export type LaneName = 'small' | 'large';

export interface MailParserOptions {
  /** Worker threads of the large lane; the small lane has one of its own. */
  threads: number;
  timeoutMs: number;
  maxBytes: number;
  /** Messages up to this size take the small lane (default 256 KiB). */
  smallBytes?: number;
  /** Messages that may wait in the large lane (default 4); the small lane takes 25 times as many. */
  queueMessages?: number;
  /** Bytes that may wait in the large lane (default 48 MiB; one message is always let in). */
  queueBytes?: number;
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
  lane: Lane;
  ready: boolean;
  job?: Job;
  timer?: NodeJS.Timeout;
}

interface Lane {
  name: LaneName;
  threads: number;
  maxWaiting: number;
  maxWaitingBytes: number;
  slots: Slot[];
  queue: Job[];
  waitingBytes: number;
  /** Resolved when every thread of the lane has loaded (see ready()). */
  whenReady: (() => void)[];
}

export interface LaneLoad {
  threads: number;
  running: number;
  waiting: number;
  waitingBytes: number;
}

const WORKER_URL = new URL('./mail-parse-worker.ts', import.meta.url);
const MB = 1024 * 1024;
/** What a large lane parses a second, for Retry-After: measured ≥ 2 MB/s (BENCHMARKS.md, "Inbound mail parsing"). */
const RETRY_BYTES_PER_SECOND = MB;

export function createMailParserPool(opts: MailParserOptions) {
  const smallBytes = opts.smallBytes ?? 256 * 1024;
  const queueMessages = Math.max(1, opts.queueMessages ?? 4);
  const queueBytes = opts.queueBytes ?? 48 * MB;
  const lane = (name: LaneName, threads: number, maxWaiting: number, maxWaitingBytes: number): Lane => ({
    name,
    threads,
    maxWaiting,
    maxWaitingBytes,
    slots: [],
    queue: [],
    waitingBytes: 0,
    whenReady: [],
  });
  const lanes: Record<LaneName, Lane> = {
    small: lane('small', 1, 25 * queueMessages, Math.max(queueBytes / 4, smallBytes)),
    large: lane('large', Math.max(1, opts.threads), queueMessages, queueBytes),
  };
  let nextId = 1;
  let closed = false;

  function spawn(l: Lane): Slot {
    // tsx's loader is registered inside the thread: Node 20 does not run --import hooks for a worker's entry.
    const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL.href)}); })`;
    const worker = new Worker(boot, { eval: true });
    worker.unref();
    const slot: Slot = { worker, lane: l, ready: false };
    worker.on('message', (m: { ready?: true; id: number; facts?: MailFacts | null; error?: string }) => {
      if (m.ready) {
        slot.ready = true;
        if (l.slots.length === l.threads && l.slots.every((s) => s.ready)) l.whenReady.splice(0).forEach((f) => f());
        return pump(l);
      }
      const job = slot.job;
      if (!job || job.id !== m.id) return;
      settle(slot);
      if (m.error) job.reject(new MailParseFailed(`the parser failed on this message: ${m.error}`));
      else job.resolve(revive(m.facts ?? null));
    });
    worker.on('error', (err) => {
      opts.logger?.error({ err }, 'mail parser worker failed');
      const job = slot.job;
      replace(slot);
      job?.reject(new MailParseFailed(`the parser failed on this message: ${String(err)}`));
    });
    return slot;
  }

  function settle(slot: Slot) {
    clearTimeout(slot.timer);
    slot.job = undefined;
    slot.timer = undefined;
    pump(slot.lane);
  }

  function replace(slot: Slot) {
    clearTimeout(slot.timer);
    void slot.worker.terminate();
    const at = slot.lane.slots.indexOf(slot);
    if (at >= 0) slot.lane.slots.splice(at, 1);
    if (!closed) pump(slot.lane);
  }

  function fill(l: Lane) {
    while (l.slots.length < l.threads) l.slots.push(spawn(l));
  }

  function pump(l: Lane) {
    while (l.queue.length && !closed) {
      fill(l);
      const slot = l.slots.find((s) => s.ready && !s.job);
      if (!slot) return;
      const job = l.queue.shift()!;
      l.waitingBytes -= job.bytes.length;
      slot.job = job;
      slot.timer = setTimeout(() => {
        opts.logger?.warn(
          { ms: opts.timeoutMs, size: job.bytes.length, lane: l.name },
          'mail parsing ran out of time; worker replaced',
        );
        replace(slot);
        job.reject(new MailOverBudget('time', `parsing took longer than ${opts.timeoutMs / 1000} s`));
      }, opts.timeoutMs);
      slot.worker.postMessage({ id: job.id, bytes: job.bytes, envelope: job.envelope });
    }
  }

  /** Seconds until the lane has worked off what is in it now: a hint for the sender, not a promise. */
  function retryAfter(l: Lane): number {
    const running = l.slots.reduce((sum, s) => sum + (s.job?.bytes.length ?? 0), 0);
    const work = (l.waitingBytes + running) / RETRY_BYTES_PER_SECOND / l.threads;
    return Math.min(300, Math.max(5, Math.ceil(work)));
  }

  function load(l: Lane): LaneLoad {
    return {
      threads: l.threads,
      running: l.slots.filter((s) => s.job).length,
      waiting: l.queue.length,
      waitingBytes: l.waitingBytes,
    };
  }

  return {
    parse(bytes: Buffer, envelope: Envelope): Promise<MailFacts | null> {
      if (bytes.length > opts.maxBytes) {
        return Promise.reject(
          new MailOverBudget('size', `the message is ${bytes.length} bytes; at most ${opts.maxBytes} are accepted`),
        );
      }
      if (closed) return Promise.reject(new Error('the mail parser is closed'));
      // The first message starts every lane's threads (a thread takes a second to load): the small mail that
      // follows a burst of large ones finds its thread ready.
      Object.values(lanes).forEach(fill);
      const l = bytes.length <= smallBytes ? lanes.small : lanes.large;
      const full =
        l.queue.length >= l.maxWaiting || (l.queue.length > 0 && l.waitingBytes + bytes.length > l.maxWaitingBytes);
      if (full) {
        const seconds = retryAfter(l);
        opts.logger?.warn({ lane: l.name, ...load(l), size: bytes.length }, 'mail parser queue full; message refused');
        return Promise.reject(
          new MailParserBusy(
            seconds,
            `the mail parser is busy (${l.queue.length} ${l.name} messages, ${Math.ceil(l.waitingBytes / 1024)} KiB waiting); try again in ${seconds} s`,
          ),
        );
      }
      return new Promise((resolve, reject) => {
        l.queue.push({ id: nextId++, bytes, envelope, resolve, reject });
        l.waitingBytes += bytes.length;
        pump(l);
      });
    },
    /** Which lane a message of this size takes. */
    laneOf: (size: number): LaneName => (size <= smallBytes ? 'small' : 'large'),
    /** What each lane is doing now: for logs, metrics and tests. */
    load: (): Record<LaneName, LaneLoad> => ({ small: load(lanes.small), large: load(lanes.large) }),
    /** Starts every thread and resolves once all have loaded (else they start with the first message). */
    ready(): Promise<void> {
      return Promise.all(
        Object.values(lanes).map(
          (l) =>
            new Promise<void>((resolve) => {
              fill(l);
              if (l.slots.every((s) => s.ready)) resolve();
              else l.whenReady.push(resolve);
            }),
        ),
      ).then(() => undefined);
    },
    async close() {
      closed = true;
      const slots = Object.values(lanes).flatMap((l) => l.slots.splice(0));
      await Promise.all(slots.map((s) => s.worker.terminate()));
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
