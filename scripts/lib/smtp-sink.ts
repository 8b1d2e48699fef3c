import fs from 'node:fs';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';

/**
 * The development outbox: a real SMTP server that accepts every message and writes it as an
 * .eml file, so a developer (or a test) can read what the product mailed.
 */
export interface SmtpSink {
  port: number;
  dir: string;
  close(): Promise<void>;
}

const CLIENT_GONE = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

export async function startSmtpSink(opts: {
  port: number;
  dir: string;
  host?: string;
  onError?: (err: Error) => void;
}): Promise<SmtpSink> {
  fs.mkdirSync(opts.dir, { recursive: true });
  let seq = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 25 * 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}-${++seq}.eml`;
        const envelope = `X-Envelope-To: ${session.envelope.rcptTo.map((r) => r.address).join(', ')}\r\n`;
        const tmp = path.join(opts.dir, `.${name}.tmp`);
        // Write then rename, so a reader never sees half a message.
        fs.writeFileSync(tmp, Buffer.concat([Buffer.from(envelope), ...chunks]));
        fs.renameSync(tmp, path.join(opts.dir, name));
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // A client that vanishes mid-session (a worker killed with its pooled connections open) only loses the
  // message it had not finished, which it sends again; the outbox itself must stay up for everyone else.
  server.on('error', (err: NodeJS.ErrnoException) => {
    if (!CLIENT_GONE.has(err.code ?? '')) (opts.onError ?? console.error)(err);
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return { port, dir: opts.dir, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
