/**
 * docker-compose.yml and the cluster mode (`npm run start:cluster`, scripts/lib/cluster.ts) describe one topology;
 * neither can be run by the other's tooling, so this keeps them alike: server and UI versions, history shards, the
 * number of workers and API instances, and instances that can share one machine.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema, loadConfig } from '../../lib/config';
import { CLUSTER_TOPOLOGY, instanceEnv } from '../../scripts/lib/cluster';
import { TEMPORAL_SERVER_VERSION, TEMPORAL_UI_VERSION } from '../../scripts/lib/cluster-tools';
import { DYNAMIC_CONFIG_FILE } from '../../scripts/lib/servers';
import { HISTORY_SHARDS, portsFrom, serverConfig } from '../../scripts/lib/temporal-cluster';

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  deploy?: { replicas?: number };
  ports?: string[];
}

const root = fileURLToPath(new URL('../..', import.meta.url));
const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const services = Object.entries(compose.services);
const replicas = (s: Service) => s.deploy?.replicas ?? 1;
const runs = (entry: string) =>
  services.filter(([, s]) => s.build && (s.command ?? ['node', '--import', 'tsx', 'api/main.ts']).includes(entry));

describe('cluster mode and docker-compose.yml', () => {
  it('run the same Temporal server and UI versions', () => {
    expect(compose.services.temporal?.image).toBe(`temporalio/auto-setup:${TEMPORAL_SERVER_VERSION.slice(1)}`);
    expect(compose.services['temporal-ui']?.image).toBe(`temporalio/ui:${TEMPORAL_UI_VERSION.slice(1)}`);
  });

  it('give the server the same number of history shards', () => {
    expect(HISTORY_SHARDS).toBe(4);
    expect(Number(compose.services.temporal?.environment?.NUM_HISTORY_SHARDS)).toBe(HISTORY_SHARDS);
    const config = serverConfig({ pgPort: 5433, ports: portsFrom(7233), dynamicConfigFile: DYNAMIC_CONFIG_FILE });
    expect(config.persistence.numHistoryShards).toBe(HISTORY_SHARDS);
  });

  it('run as many workers and API instances', () => {
    const workers = runs('worker/main.ts').reduce((n, [, s]) => n + replicas(s), 0);
    const apis = runs('api/main.ts').reduce((n, [, s]) => n + replicas(s), 0);
    expect({ workers, apis }).toEqual({ workers: CLUSTER_TOPOLOGY.workers, apis: CLUSTER_TOPOLOGY.apis });
    // Each API instance publishes its own ports.
    const published = runs('api/main.ts').flatMap(([, s]) => (s.ports ?? []).map((p) => p.split(':')[0]));
    expect(new Set(published).size).toBe(published.length);
  });
});

describe('instances on one machine', () => {
  const defaults = { port: 3000, inboundSmtpPort: 2526, workerMetricsPort: 9464, sdkMetricsPort: 9465 };
  const base = { NODE_ENV: 'development' };

  it('give each API its own HTTP and inbound SMTP port, each worker its own metrics ports, all valid config', () => {
    const apis = Array.from({ length: CLUSTER_TOPOLOGY.apis }, (_, i) =>
      loadConfig(instanceEnv('api', i, base, defaults)),
    );
    const workers = Array.from({ length: CLUSTER_TOPOLOGY.workers }, (_, i) =>
      loadConfig(instanceEnv('worker', i, base, defaults)),
    );
    const apiPorts = apis.flatMap((c) => [c.port, c.inboundSmtpPort]);
    expect(apis[0]!.port).toBe(3000);
    expect(new Set(apiPorts).size).toBe(apiPorts.length);
    const metricPorts = workers.flatMap((c) => [c.metrics.workerPort, c.metrics.temporalSdkPort]);
    expect(new Set(metricPorts).size).toBe(metricPorts.length);
    for (const env of [instanceEnv('api', 1, base, defaults), instanceEnv('worker', 1, base, defaults)]) {
      expect(configSchema.safeParse(env).success).toBe(true);
    }
  });

  it('keeps a port that is off (0) off for every instance', () => {
    const env = instanceEnv('worker', 1, base, { ...defaults, workerMetricsPort: 0, sdkMetricsPort: 0 });
    expect([env.WORKER_METRICS_PORT, env.TEMPORAL_SDK_METRICS_PORT]).toEqual(['0', '0']);
  });
});
