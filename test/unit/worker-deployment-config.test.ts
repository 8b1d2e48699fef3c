import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../lib/config';

/** Worker Versioning is on with both WORKER_DEPLOYMENT_NAME and WORKER_BUILD_ID, off with neither, refused with one. */

describe('the worker deployment version', () => {
  it('is unset by default: an unversioned worker', () => {
    expect(loadConfig({}).workerDeployment).toBeUndefined();
  });

  it('takes both variables together', () => {
    expect(
      loadConfig({ WORKER_DEPLOYMENT_NAME: 'sla-desk', WORKER_BUILD_ID: '2026-12-07.6a2de2e' }).workerDeployment,
    ).toEqual({ deploymentName: 'sla-desk', buildId: '2026-12-07.6a2de2e' });
  });

  it('stops the start naming the one missing, or the one that is malformed', () => {
    expect(() => loadConfig({ WORKER_DEPLOYMENT_NAME: 'sla-desk' })).toThrow(/WORKER_BUILD_ID/);
    expect(() => loadConfig({ WORKER_BUILD_ID: 'b7' })).toThrow(/WORKER_DEPLOYMENT_NAME/);
    expect(() => loadConfig({ WORKER_DEPLOYMENT_NAME: 'sla desk', WORKER_BUILD_ID: 'b7' })).toThrow(ConfigError);
  });
});
