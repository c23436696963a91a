import { defineConfig } from 'vitest/config';
import path from 'node:path';

/** The Postgres store's tests, which need a server: their project alone starts one (lib/store/postgres/test-cluster.ts). */
const POSTGRES_TESTS = 'lib/store/postgres/**/*.test.ts';

export default defineConfig({
  resolve: {
    alias: {
      // 'server-only' throws outside the react-server condition; unit tests run lib/ directly.
      'server-only': path.join(import.meta.dirname, 'test-support/server-only-stub.ts'),
      '@': import.meta.dirname,
    },
  },
  test: {
    environment: 'node',
    pool: 'forks',
    // The TIM client logs every request; show that only for a failing test.
    silent: 'passed-only',
    // A test that stages an upload starts worker threads, each loading its TypeScript through tsx:
    // seconds on two busy cores, where vitest's default 5 s cuts them off while they still work.
    testTimeout: 15_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['lib/**/*.test.ts', 'cli/**/*.test.ts', 'sim/**/*.test.ts', 'scripts/**/*.test.ts', 'test-support/**/*.test.ts'],
          exclude: [POSTGRES_TESTS],
        },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: [POSTGRES_TESTS],
          // vitest runs a project's globalSetup only when the run has test files of that project.
          globalSetup: ['lib/store/postgres/test-cluster.ts'],
        },
      },
    ],
  },
});
