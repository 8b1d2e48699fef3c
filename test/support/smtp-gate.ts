import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface SmtpGate {
  /** The SMTP URL to send through (the gate's own port, in front of `target`). */
  url: string;
  /** From now on mail waits in the gate: a send started now is still running until `open`. */
  hold(): void;
  open(): void;
  close(): Promise<void>;
}

/**
 * A TCP relay in front of the test SMTP sink that can hold what clients send, so a test decides how long a mail
 * send takes (pooled connections included). Holding is not failing: the sender sees a slow server, not an error.
 */
export async function startSmtpGate(target: string): Promise<SmtpGate> {
  const to = new URL(target);
  const sockets = new Set<net.Socket>();
  const waiting: (() => void)[] = [];
  let held = false;
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(to.port), to.hostname);
    sockets.add(client).add(upstream);
    client.on('data', (chunk) => {
      if (held) waiting.push(() => upstream.write(chunk));
      else upstream.write(chunk);
    });
    upstream.on('data', (chunk) => client.write(chunk));
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      a.on('close', () => b.destroy());
      a.on('error', () => b.destroy());
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as AddressInfo).port);
  return {
    url: url.toString(),
    hold() {
      held = true;
    },
    open() {
      held = false;
      for (const write of waiting.splice(0)) write();
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
