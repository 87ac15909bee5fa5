import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['dist/**', 'node_modules/**', 'coverage/**'],
    // Child processes rather than threads: native drivers (better-sqlite3) and spawned e2e servers
    // behave better with process isolation.
    pool: 'forks',
    fileParallelism: true,
    // The CI machine has 2 cores.
    maxWorkers: 2,
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Builds dist/ when stale, for the e2e suites that spawn the built server; picks the
    // PostgreSQL of the run (a server, or an embedded PGlite outside CI).
    globalSetup: ['test/e2e/global-setup.ts', 'test/helpers/postgres-setup.ts'],
  },
});
