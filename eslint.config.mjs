import { defineConfig, globalIgnores } from 'eslint/config';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

const AROUND_THE_USE_CASES = {
  group: ['@/lib/store', '@/lib/store/*', '@/lib/runtime', '@/lib/entry/runtime', '@/lib/jobs/*', '@/lib/engine/*', '@/lib/tim/client', '@/lib/tim/http-post', '@/lib/config'],
  message: 'Pages, actions, routes and components call use cases (lib/use-cases) and queries (lib/queries), never the store, the TIM client, the worker or the configuration.',
  allowTypeImports: true,
};

const ONE_ROOT = {
  regex: '(^|/)(lib/)?(entry/)?runtime$',
  message: 'The runtime is built once, at the entry layer (lib/entry) or by a script: below it, use cases get their context and the worker gets what it uses.',
  allowTypeImports: true,
};

const ONLY_THE_STORE =
  'Only lib/store talks to a database: open the store with openSqliteStore or openPostgresStore from @/lib/store (the composition root picks one) and use its interface (lib/store/store.ts).';

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    // The browser tests' helper creates and drops databases on TEST_DATABASE_URL's server: test set-up, not the console.
    ignores: ['lib/store/**', 'e2e/support/postgres.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['better-sqlite3', 'pg', 'pg-copy-streams'].map((name) => ({ name, message: ONLY_THE_STORE })),
          patterns: [{ regex: '(^|/)store/(sqlite|postgres)\\b', message: ONLY_THE_STORE }],
        },
      ],
    },
  },
  {
    files: ['lib/**/*.ts'],
    ignores: ['lib/entry/**', 'lib/runtime.ts', 'lib/actions/**'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [ONE_ROOT] }] },
  },
  {
    files: ['app/**/*.{ts,tsx}', 'components/**/*.{ts,tsx}', 'lib/actions/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [AROUND_THE_USE_CASES] }] },
  },
  // The one CommonJS file: Next.js loads next.config.js with require.
  { files: ['next.config.js'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  globalIgnores(['.next/**', 'node_modules/**', 'next-env.d.ts', 'test-results/**', 'playwright-report/**']),
]);
