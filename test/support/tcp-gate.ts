import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpGate {
  /** `target` with the gate's own host and port: the URL to connect through. */
  url: string;
  /** From now on what clients send waits in the gate: a request started now gets no answer until `open`. */
  hold(): void;
  open(): void;
  close(): Promise<void>;
}

/**
 * A TCP relay in front of a test server (the SMTP sink, the document store) that can hold what clients send, so a
 * test decides how long a request takes (pooled connections included). Holding is not failing: the client sees a
 * slow or silent server, not an error.
 */
export async function startTcpGate(target: string): Promise<TcpGate> {
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
