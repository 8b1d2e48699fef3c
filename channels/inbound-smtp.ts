import { SMTPServer } from 'smtp-server';
import type { Logger } from '../lib/logger';
import { InboundMailRejected, type InboundMail } from '../desk/inbound-mail';
import { MailParseFailed, MailParserBusy } from '../desk/mail-parser-pool';

/** Bigger than any mail the HTTP endpoint takes, so both paths accept the same messages (12 MB). */
export const MAX_INBOUND_BYTES = 12 * 1024 * 1024;

export interface InboundSmtp {
  host: string;
  port: number;
  close(): Promise<void>;
}

const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

/**
 * The inbound SMTP listener: what a mail exchanger (or a developer's `swaks`) delivers to. It takes
 * whatever arrives without authentication, as an MX does; the processor decides what to keep.
 * A message we cannot use answers 550, one over the parsing budget 552 or 554 (permanent: the sender
 * gets a bounce, and the message is kept); a failure on our side answers 451 so the sending server
 * retries later: a full parser queue (451 4.3.2, with the wait it suggests), a parser failure (451 with
 * its reason), anything else. A bounce (null sender) is never refused.
 */
export async function startInboundSmtp(opts: {
  port: number;
  host?: string;
  processor: InboundMail;
  logger?: Logger;
}): Promise<InboundSmtp> {
  const host = opts.host ?? '127.0.0.1';
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    banner: 'sla-desk inbound mail',
    logger: false,
    size: MAX_INBOUND_BYTES,
    // On shutdown a sender mid-transfer gets a few seconds, then retries later (its mail is not lost).
    closeTimeout: 5_000,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', (err) => callback(err));
      stream.on('end', () => {
        if (stream.sizeExceeded) return callback(smtpError(552, 'message exceeds the size limit'));
        const mailFrom = session.envelope.mailFrom;
        const envelope = {
          from: mailFrom ? mailFrom.address : undefined,
          to: session.envelope.rcptTo.map((r) => r.address),
        };
        opts.processor.receive(Buffer.concat(chunks), envelope).then(
          (r) => callback(null, `accepted: ${r.outcome}${r.ticketId ? ` #${r.ticketId}` : ''}`),
          (err: unknown) => {
            if (err instanceof InboundMailRejected) {
              // 552: over the size budget; 554: parsing ran out of time; 550: nothing usable. All permanent.
              const code = err.kind === 'size' ? 552 : err.kind === 'time' ? 554 : 550;
              return callback(smtpError(code, err.message));
            }
            if (err instanceof MailParserBusy) return callback(smtpError(451, `4.3.2 ${err.message}`));
            if (err instanceof MailParseFailed) {
              opts.logger?.error({ err }, 'inbound mail parser failed; the sender will retry');
              return callback(smtpError(451, `4.3.0 ${err.message}; try again later`));
            }
            opts.logger?.error({ err }, 'inbound mail failed; the sender will retry');
            callback(smtpError(451, 'temporary failure, try again later'));
          },
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => resolve());
  });
  server.on('error', (err) => opts.logger?.error({ err }, 'inbound smtp error'));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return { host, port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
