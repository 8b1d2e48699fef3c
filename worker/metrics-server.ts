import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { bearerMatches } from '../lib/bearer';

/**
 * Where the Temporal SDK's own Prometheus exporter listens: loopback only, whatever HOST says, because the exporter
 * cannot ask for a token. Scrapers from elsewhere read the same metrics through the worker's metrics server (below),
 * which wants METRICS_TOKEN when it is set.
 */
export const sdkMetricsBindAddress = (port: number) => `127.0.0.1:${port}`;

/** The SDK exporter's text, read over loopback (empty when it does not answer within a second). */
export async function readSdkMetrics(port: number): Promise<string> {
  try {
    const res = await fetch(`http://${sdkMetricsBindAddress(port)}/metrics`, { signal: AbortSignal.timeout(1000) });
    return res.ok ? await res.text() : '';
  } catch {
    return '';
  }
}

/**
 * A tiny HTTP server answering GET /metrics from one registry; the worker has no other HTTP surface.
 * Its labels are fixed by the code (metric, level, activity type: no ids). With a token (METRICS_TOKEN)
 * only a scraper bearing it is answered; a failure is not described to the caller. `more` appends another
 * exposition (the SDK's, from its loopback exporter), behind the same token.
 */
export async function startMetricsServer(
  registry: Registry,
  port: number,
  host: string,
  token?: string,
  more?: () => Promise<string>,
): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    if (token !== undefined && !bearerMatches(req.headers.authorization, token)) {
      res
        .writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer realm="metrics"' })
        .end('a bearer token is required\n');
      return;
    }
    Promise.all([registry.metrics(), more?.() ?? '']).then(
      ([own, extra]) =>
        res.writeHead(200, { 'content-type': registry.contentType }).end(extra ? `${own}\n${extra}` : own),
      () => res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics could not be collected\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
