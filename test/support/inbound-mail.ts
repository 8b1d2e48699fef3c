import { randomBytes } from 'node:crypto';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import { startInboundSmtp } from '../../channels/inbound-smtp';
import type { TestStack } from './stack';

/** What the inbound listener answered a delivered mail: `created`, `threaded`, `held`…, and the ticket it names. */
export interface Delivery {
  outcome: string;
  ticketId?: string;
}

/**
 * The desk's inbound SMTP listener on a free port, and a client that delivers to it as an MTA would: each mail
 * gets a fresh Message-ID unless it brings one, and the answer is read from the SMTP reply.
 */
export async function openInboundMail(stack: TestStack) {
  const smtp = await startInboundSmtp({ port: 0, processor: stack.desk.inboundMail });
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true });
  return {
    async deliver(mail: Mail.Options): Promise<Delivery> {
      const info = await transport.sendMail({
        to: 'support@desk.test',
        messageId: `<${randomBytes(8).toString('hex')}@client.example>`,
        ...mail,
      });
      const m = /accepted: (\w+)(?: #(\w+))?/.exec(String(info.response));
      if (!m) throw new Error(`unexpected SMTP response: ${info.response}`);
      return { outcome: m[1]!, ticketId: m[2] };
    },
    async close() {
      transport.close();
      await smtp.close();
    },
  };
}
