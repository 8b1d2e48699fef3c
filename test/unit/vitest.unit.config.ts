import { defineConfig } from 'vitest/config';

// Unit tests only: pure code and the CLI, no servers (the root config's globalSetup starts them).
export default defineConfig({
  test: {
    pool: 'forks',
    // The CLI tests mostly wait on child processes, so two workers pay off even on two cores.
    maxWorkers: 2,
    include: ['test/unit/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
