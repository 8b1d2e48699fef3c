import { defineConfig } from 'vitest/config';

// Unit tests only: pure code and the CLI, no servers (the root config's globalSetup starts them).
export default defineConfig({
  test: {
    pool: 'forks',
    include: ['test/unit/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
