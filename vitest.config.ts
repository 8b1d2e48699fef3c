import { configDefaults, defineConfig } from 'vitest/config';

/**
 * The long fault tests (a worker SIGKILLed mid-burst: about 2 minutes, 4 at 1,000 tickets; a 30-s database outage under load) run
 * through `npm run test:faults:long`.
 */
const LONG_TESTS = ['test/fault/worker-kill.test.ts', 'test/fault/mongo-outage.test.ts'];
/**
 * The cluster mode's fault tests (about 6 minutes, and a Temporal server build and Debian's PostgreSQL on first use) run
 * after every other file has finished: they bound how late a deadline fires after a restart, and a machine busy with the
 * other files' servers starves the workers long enough for a task to wait out its sticky-queue timeout (10 s) instead.
 */
const CLUSTER_TESTS = ['test/fault/cluster.test.ts'];

export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'suite',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...(process.env.FAULT_LONG ? [] : LONG_TESTS), ...CLUSTER_TESTS],
          globalSetup: ['test/global-setup.ts'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        // Each file starts its own stack (bench/stack.ts), so it needs none of the shared servers.
        extends: true,
        test: { name: 'cluster', include: CLUSTER_TESTS, fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
