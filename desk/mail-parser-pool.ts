import { Piscina } from 'piscina';
import type { Logger } from '../lib/logger';
import type { Envelope, MailFacts } from './mail-rules';

/**
 * Inbound mail is parsed in worker threads (piscina), never on the API's event loop: a hostile or just
 * large message (12 MB of HTML, deep multipart nesting) costs a worker's time, not every request's. Each
 * message has a size budget (checked before any parsing) and a time budget (the parse is aborted, which
 * terminates its thread; piscina starts a fresh one).
 *
 * Two lanes, each a pool with its own threads and its own bounded queue: small messages (most mail: a
 * person's reply is a few kilobytes) never wait behind large ones, and a burst of large messages waits in a
 * queue bounded by count and bytes. Past the bound the message is refused as busy, which the channels answer
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

export interface LaneLoad {
  threads: number;
  running: number;
  waiting: number;
  waitingBytes: number;
}

interface Job {
  bytes: number;
  abort: AbortController;
  timer?: NodeJS.Timeout;
  timedOut?: boolean;
}

interface Lane {
  name: LaneName;
  threads: number;
  maxWaiting: number;
  maxWaitingBytes: number;
  /** Started with the first message (a thread takes a second to load), not with the process. */
  pool?: Piscina;
  /** Unfinished jobs in the order they came; piscina hands them out in that order. */
  jobs: Map<number, Job>;
  loaded: number;
  whenLoaded: (() => void)[];
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
    jobs: new Map(),
    loaded: 0,
    whenLoaded: [],
  });
  const lanes: Record<LaneName, Lane> = {
    small: lane('small', 1, 25 * queueMessages, Math.max(queueBytes / 4, smallBytes)),
    large: lane('large', Math.max(1, opts.threads), queueMessages, queueBytes),
  };
  let nextId = 1;
  let closed = false;

  function start(l: Lane): Piscina {
    if (l.pool) return l.pool;
    const pool = new Piscina({
      filename: WORKER_URL.href,
      minThreads: l.threads,
      maxThreads: l.threads,
      // TypeScript in each thread, however the process was started (vitest's are not started with --import tsx).
      execArgv: ['--import', 'tsx'],
      // An idle thread keeps its event loop turning (not blocked in Atomics.wait), so its warm-up parse finishes.
      atomics: 'disabled',
    });
    pool.on('message', (m: { loaded?: true; started?: number }) => {
      if (m.loaded && ++l.loaded >= l.threads) l.whenLoaded.splice(0).forEach((f) => f());
      const job = m.started === undefined ? undefined : l.jobs.get(m.started);
      if (job) job.timer = setTimeout(() => outOfTime(l, job), opts.timeoutMs);
    });
    // A thread that fails with no message on it: piscina replaces it; without a listener the process would exit.
    pool.on('error', (err: unknown) => opts.logger?.error({ err, lane: l.name }, 'mail parser worker failed'));
    l.pool = pool;
    return pool;
  }

  function outOfTime(l: Lane, job: Job) {
    opts.logger?.warn(
      { ms: opts.timeoutMs, size: job.bytes, lane: l.name },
      'mail parsing ran out of time; worker replaced',
    );
    job.timedOut = true;
    job.abort.abort();
  }

  /**
   * Piscina starts jobs in the order they came, so the ones still waiting are the newest `queueSize`. (While a
   * replaced thread loads, piscina counts it as room for one, so one more message may wait then.)
   */
  function load(l: Lane): LaneLoad {
    const waiting = l.pool?.queueSize ?? 0;
    const sizes = [...l.jobs.values()].map((j) => j.bytes);
    return {
      threads: l.threads,
      running: sizes.length - waiting,
      waiting,
      waitingBytes: sizes.slice(sizes.length - waiting).reduce((sum, b) => sum + b, 0),
    };
  }

  /** Seconds until the lane has worked off what is in it now: a hint for the sender, not a promise. */
  function retryAfter(l: Lane): number {
    const pending = [...l.jobs.values()].reduce((sum, j) => sum + j.bytes, 0);
    return Math.min(300, Math.max(5, Math.ceil(pending / RETRY_BYTES_PER_SECOND / l.threads)));
  }

  async function run(l: Lane, bytes: Buffer, envelope: Envelope): Promise<MailFacts | null> {
    const id = nextId++;
    const job: Job = { bytes: bytes.length, abort: new AbortController() };
    l.jobs.set(id, job);
    try {
      const facts = (await start(l).run({ id, bytes, envelope }, { signal: job.abort.signal })) as MailFacts | null;
      return revive(facts);
    } catch (err) {
      if (job.timedOut) throw new MailOverBudget('time', `parsing took longer than ${opts.timeoutMs / 1000} s`);
      if (closed) throw new Error('the mail parser is closed');
      throw new MailParseFailed(`the parser failed on this message: ${String(err)}`);
    } finally {
      clearTimeout(job.timer);
      l.jobs.delete(id);
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
      // The first message starts every lane's threads: the small mail that follows a burst of large ones
      // finds its thread ready.
      Object.values(lanes).forEach(start);
      const l = bytes.length <= smallBytes ? lanes.small : lanes.large;
      const now = load(l);
      const full =
        now.waiting >= l.maxWaiting || (now.waiting > 0 && now.waitingBytes + bytes.length > l.maxWaitingBytes);
      if (full) {
        const seconds = retryAfter(l);
        opts.logger?.warn({ lane: l.name, ...now, size: bytes.length }, 'mail parser queue full; message refused');
        return Promise.reject(
          new MailParserBusy(
            seconds,
            `the mail parser is busy (${now.waiting} ${l.name} messages, ${Math.ceil(now.waitingBytes / 1024)} KiB waiting); try again in ${seconds} s`,
          ),
        );
      }
      return run(l, bytes, envelope);
    },
    /** Which lane a message of this size takes. */
    laneOf: (size: number): LaneName => (size <= smallBytes ? 'small' : 'large'),
    /** What each lane is doing now: for logs, metrics and tests. */
    load: (): Record<LaneName, LaneLoad> => ({ small: load(lanes.small), large: load(lanes.large) }),
    /** Starts every thread and resolves once all have loaded (else they start with the first message). */
    async ready(): Promise<void> {
      await Promise.all(
        Object.values(lanes).map(
          (l) =>
            new Promise<void>((resolve) => {
              start(l);
              if (l.loaded >= l.threads) resolve();
              else l.whenLoaded.push(resolve);
            }),
        ),
      );
    },
    async close() {
      closed = true;
      await Promise.all(Object.values(lanes).map((l) => l.pool?.destroy()));
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
