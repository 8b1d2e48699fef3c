import { configDefaults, defineConfig } from 'vitest/config';

/**
 * The long fault tests (a worker SIGKILLed mid-burst: about 2 minutes, 4 at 1,000 tickets; a 30-s database outage under load) run
 * through `npm run test:faults:long`.
 */
const LONG_TESTS = ['test/fault/worker-kill.test.ts', 'test/fault/mongo-outage.test.ts'];
/**
 * The restart fault tests start stacks of their own and mostly wait on real deadlines (the cluster mode's about 5
 * minutes, and a Temporal server build and Debian's PostgreSQL on first use; the dev server's about 2): they run
 * after every other file has finished, one after another. They bound how late a deadline fires after a restart, and a
 * machine busy with the other files' servers starves their workers long enough for a task to wait out its
 * sticky-queue timeout instead.
 */
const RESTART_TESTS = [
  'test/fault/cluster.test.ts',
  'test/fault/temporal-restart.test.ts',
  'test/fault/backup-restore.test.ts',
];
export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
    projects: [
      {
        // Most of a file's time is spent waiting on its servers: three files at a time keep two cores busy
        // (TEST_FILES_AT_ONCE sets another number; 1 runs them one by one).
        extends: true,
        test: {
          name: 'suite',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...(process.env.FAULT_LONG ? [] : LONG_TESTS), ...RESTART_TESTS],
          globalSetup: ['test/global-setup.ts'],
          maxWorkers: Number(process.env.TEST_FILES_AT_ONCE ?? 3),
          sequence: { groupOrder: 0 },
        },
      },
      {
        // Each file starts its own stack (bench/stack.ts), so it needs none of the shared servers.
        extends: true,
        // One at a time: two cluster stacks at once (nine processes each) starve each other on two cores.
        test: { name: 'restarts', include: RESTART_TESTS, maxWorkers: 1, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
