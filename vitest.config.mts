import { defineConfig } from 'vitest/config';
import path from 'node:path';

export default defineConfig({
  resolve: {
    alias: {
      // 'server-only' throws outside the react-server condition; unit tests run lib/ directly.
      'server-only': path.join(import.meta.dirname, 'test-support/server-only-stub.ts'),
      '@': import.meta.dirname,
    },
  },
  test: {
    include: ['lib/**/*.test.ts', 'cli/**/*.test.ts', 'sim/**/*.test.ts', 'scripts/**/*.test.ts', 'test-support/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    // The TIM client logs every request; show that only for a failing test.
    silent: 'passed-only',
  },
});
