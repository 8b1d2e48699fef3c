import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer } from '../../lib/mailer';
import { startSmtpSink, type SmtpSink } from '../../scripts/lib/smtp-sink';
import { readOutbox } from '../support/outbox';

/** The development outbox (scripts/lib/smtp-sink.ts) outlives the clients that die on it. */

let sink: SmtpSink;
const errors: Error[] = [];
beforeAll(async () => {
  sink = await startSmtpSink({
    port: 0,
    dir: fs.mkdtempSync(path.join(os.tmpdir(), 'sink-')),
    onError: (err) => errors.push(err),
  });
});
afterAll(async () => {
  await sink?.close();
});

/** Speaks SMTP line by line: writes each command once the server has answered the previous one. */
async function converse(socket: net.Socket, commands: string[]): Promise<void> {
  let buffer = '';
  const replies: (() => void)[] = [];
  socket.on('data', (chunk) => {
    buffer += chunk.toString();
    while (buffer.includes('\r\n')) {
      const line = buffer.slice(0, buffer.indexOf('\r\n'));
      buffer = buffer.slice(line.length + 2);
      if (/^\d{3} /.test(line)) replies.shift()?.();
    }
  });
  const reply = () => new Promise<void>((resolve) => replies.push(resolve));
  await reply(); // greeting
  for (const command of commands) {
    const answered = reply();
    socket.write(`${command}\r\n`);
    await answered;
  }
}

describe('the SMTP outbox', () => {
  it('keeps accepting mail after clients reset their connections in the middle of a transaction', async () => {
    // More than once: the server's first error must not be the only one that is handled.
    for (let i = 0; i < 3; i++) {
      const socket = net.connect(sink.port, '127.0.0.1');
      await converse(socket, [
        'EHLO killed-worker',
        'MAIL FROM:<support@test.local>',
        'RCPT TO:<customer@example.com>',
      ]);
      socket.resetAndDestroy();
      await new Promise((resolve) => socket.once('close', resolve));
    }

    const mailer = createMailer({ url: `smtp://127.0.0.1:${sink.port}`, from: 'Support <support@test.local>' });
    await mailer.send({
      to: ['customer@example.com'],
      subject: 'After the reset',
      text: 'still here',
      html: '<p>still here</p>',
      messageId: '<after-reset@test.local>',
    });
    mailer.close();
    expect((await readOutbox(sink.dir)).map((m) => m.subject)).toEqual(['After the reset']);
    expect(errors).toEqual([]);
  });
});
