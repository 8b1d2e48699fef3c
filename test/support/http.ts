import http from 'node:http';
import type { AddressInfo } from 'node:net';
/** A small client for the API under test: every call is real HTTP over loopback. */
export function apiClient(baseUrl: string, key: string) {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const json: any = text ? JSON.parse(text) : undefined;
    return { status: res.status, headers: res.headers, body: json };
  };
  return {
    get: (path: string) => call('GET', path),
    post: (path: string, body?: unknown, headers?: Record<string, string>) => call('POST', path, body ?? {}, headers),
    put: (path: string, body?: unknown) => call('PUT', path, body ?? {}),
    delete: (path: string) => call('DELETE', path),
  };
}
export type ApiClient = ReturnType<typeof apiClient>;

/** Serves a request listener on a free loopback port for the length of `run`, then closes it and its connections. */
export async function serveOnLoopback(
  listener: http.RequestListener,
  run: (base: string) => Promise<void>,
): Promise<void> {
  const server = http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  try {
    await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
