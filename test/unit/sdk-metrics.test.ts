import net from 'node:net';
import os from 'node:os';
import { Registry } from 'prom-client';
import { Runtime } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { readSdkMetrics, sdkMetricsBindAddress, startMetricsServer } from '../../worker/metrics-server';

/**
 * The Temporal SDK's Prometheus exporter takes no token, so it listens on loopback only (whatever HOST says), and
 * the worker's metrics server, which wants METRICS_TOKEN, passes its text on to scrapers from elsewhere.
 */

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
const connects = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect({ host, port, timeout: 2000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });

describe('the SDK metrics port', () => {
  it('answers on loopback only, and elsewhere only through the token-checked worker metrics server', async () => {
    const port = await freePort();
    Runtime.install({ telemetryOptions: { metrics: { prometheus: { bindAddress: sdkMetricsBindAddress(port) } } } });
    expect(await connects('127.0.0.1', port)).toBe(true);
    const outside = Object.values(os.networkInterfaces())
      .flat()
      .filter((i) => i && !i.internal && i.family === 'IPv4')
      .map((i) => i!.address);
    for (const address of outside) expect(await connects(address, port)).toBe(false);

    const token = 'a-metrics-token-of-16+';
    const own = new Registry();
    const server = await startMetricsServer(own, 0, '127.0.0.1', token, async () => '# the sdk exposition\n');
    try {
      const url = `http://127.0.0.1:${server.port}/metrics`;
      expect((await fetch(url)).status).toBe(401);
      const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('# the sdk exposition');
    } finally {
      await server.close();
    }
    // What the worker passes on is the exporter's own text, read over loopback.
    const direct = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(await readSdkMetrics(port)).toBe(direct);
  });
});
