import { defineConfig } from '@playwright/test';
import { consoleBaseEnv, E2E } from './e2e/support/env';
import { BrowserNotFound, defaultLookup, findBrowser, HOW_TO_GET_A_BROWSER } from './test-support/browser';

/** `npm test` has found or installed it already (`npm run browser`); here it is only looked up. */
const browser = findBrowser(defaultLookup(), false);
if (!browser) throw new BrowserNotFound(HOW_TO_GET_A_BROWSER);

/**
 * The server's stdout (one JSON line per event) goes to a file, so the leak test can read the log.
 * The shell's pid, which `exec` hands to the server, goes to `${db}.pid`: the memory test reads the
 * server's RSS from /proc.
 */
const nextStart = (port: number, db: string) =>
  `mkdir -p $(dirname ${db}) && rm -f ${db} ${db}-wal ${db}-shm && echo $$ > ${db}.pid && exec node --import tsx server.ts -H 127.0.0.1 -p ${port} > ${db}.log`;

/**
 * Browser tests run against the production build (`next build` runs first in `npm run test:e2e`),
 * the real TIM simulator over HTTP, and a real SQLite file per server.
 */
export default defineConfig({
  testDir: './e2e',
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never' }]],
  timeout: 60_000,
  projects: [
    { name: 'sign-in', testMatch: /auth\.setup\.ts/ },
    { name: 'console', dependencies: ['sign-in'], use: { storageState: E2E.adminState } },
  ],
  use: {
    baseURL: E2E.consoleUrl,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: browser.path,
      args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  webServer: [
    {
      command: 'exec node node_modules/tsx/dist/cli.mjs sim/cli.ts',
      url: `${E2E.simUrl}/__sim/stats`,
      // Two apps on one simulator: the main consoles use the first; the apps tests use both.
      env: {
        SIM_PORT: String(E2E.simPort),
        SIM_APPS: JSON.stringify([
          { sdkAppId: E2E.sdkAppId, secretKey: E2E.secretKey, users: 3000, label: 'e2e' },
          { sdkAppId: E2E.secondApp.sdkAppId, secretKey: E2E.secondApp.secretKey, users: 3000, label: 'e2e second' },
        ]),
      },
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command: nextStart(E2E.consolePort, '.e2e-data/main.db'),
      url: `${E2E.consoleUrl}/api/health`,
      env: { ...consoleBaseEnv, TIM_SECRET_KEY: E2E.secretKey, DATABASE_PATH: '.e2e-data/main.db' },
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command: nextStart(E2E.wrongKeyConsolePort, '.e2e-data/wrong-key.db'),
      url: `http://127.0.0.1:${E2E.wrongKeyConsolePort}/api/health`,
      env: { ...consoleBaseEnv, TIM_SECRET_KEY: 'not-the-apps-key', DATABASE_PATH: '.e2e-data/wrong-key.db' },
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
    },
  ],
});
