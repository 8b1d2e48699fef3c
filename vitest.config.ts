import { configDefaults, defineConfig } from 'vitest/config';

/**
 * The long fault tests (a worker SIGKILLed mid-burst: about 2 minutes, 4 at 1,000 tickets; a 30-s database outage under load) run
 * through `npm run test:faults:long`.
 */
const LONG_TESTS = ['test/fault/worker-kill.test.ts', 'test/fault/mongo-outage.test.ts'];
/**
 * The cluster mode's fault tests (about 7 minutes, and a Temporal server build and Debian's PostgreSQL on first use)
 * run with FAULT_CLUSTER=1 (`npm run test:faults:cluster`): their recovery bound after a Temporal server restart was
 * missed once (14 s against 5 s) and is not yet understood.
 */
const CLUSTER_TESTS = ['test/fault/cluster.test.ts'];

export default defineConfig({
  test: {
    pool: 'forks',
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...(process.env.FAULT_LONG ? [] : LONG_TESTS), ...(process.env.FAULT_CLUSTER ? [] : CLUSTER_TESTS)],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
