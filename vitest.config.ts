import { configDefaults, defineConfig } from 'vitest/config';

/**
 * The long fault tests (a worker SIGKILLed mid-burst: about 2 minutes, 4 at 1,000 tickets; a 30-s database outage under load) run
 * through `npm run test:faults:long`.
 */
const LONG_TESTS = ['test/fault/worker-kill.test.ts', 'test/fault/mongo-outage.test.ts'];

export default defineConfig({
  test: {
    pool: 'forks',
    include: ['test/**/*.test.ts'],
    exclude: process.env.FAULT_LONG ? configDefaults.exclude : [...configDefaults.exclude, ...LONG_TESTS],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
