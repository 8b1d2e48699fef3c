import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { stopChild, waitForPort, type ManagedProcess } from './servers';

/**
 * The Temporal UI server (github.com/temporalio/ui-server, the UI's assets embedded) in front of a Temporal
 * frontend: the cluster mode's counterpart of docker-compose.yml's temporal-ui service. The dev server of
 * `npm start` embeds the same UI itself.
 */

export interface TemporalUiOptions {
  bin: string;
  /** Holds config/ (written on every start). */
  root: string;
  temporalAddress: string;
  port: number;
  namespace: string;
  logFile: string;
}

export async function startTemporalUi(opts: TemporalUiOptions): Promise<ManagedProcess> {
  const configDir = path.join(opts.root, 'config');
  fs.mkdirSync(configDir, { recursive: true });
  // JSON is YAML. The server reads base.yaml, then <env>.yaml; everything lives in the first.
  const config = {
    temporalGrpcAddress: opts.temporalAddress,
    host: '127.0.0.1',
    port: opts.port,
    enableUi: true,
    defaultNamespace: opts.namespace,
    refreshInterval: '1m',
    cors: { cookieInsecure: true, allowOrigins: [`http://localhost:${opts.port}`, `http://127.0.0.1:${opts.port}`] },
    notifyOnNewVersion: false,
  };
  fs.writeFileSync(path.join(configDir, 'base.yaml'), JSON.stringify(config, null, 2));
  fs.writeFileSync(path.join(configDir, 'cluster.yaml'), '{}\n');
  fs.mkdirSync(path.dirname(opts.logFile), { recursive: true });
  const out = fs.openSync(opts.logFile, 'a');
  const child = spawn(opts.bin, ['--root', opts.root, '--config', 'config', '--env', 'cluster', 'start'], {
    cwd: opts.root,
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  await waitForPort(opts.port, child, 'temporal ui');
  return { name: 'temporal-ui', child, stop: () => stopChild(child) };
}
