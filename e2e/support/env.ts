/** E2E_PORT_OFFSET moves every port the tests use, so two checkouts can run their tests at once. */
export const PORT_OFFSET = Number(process.env.E2E_PORT_OFFSET ?? 0);
const port = (p: number) => p + PORT_OFFSET;

/** Ports and credentials shared by playwright.config.ts and the specs. Loopback only. */
export const E2E = {
  sdkAppId: 1400000000,
  secretKey: 'e2e-sentinel-secret-key-3f9a1c',
  /** A second app on the same simulator, with its own key. */
  secondApp: { sdkAppId: 1400000009, secretKey: 'e2e-second-app-secret-key-8d2e' },
  simPort: port(4311),
  simUrl: `http://127.0.0.1:${port(4311)}`,
  consolePort: port(3311),
  consoleUrl: `http://127.0.0.1:${port(3311)}`,
  wrongKeyConsolePort: port(3312),
  sessionSecret: 'e2e-session-secret-0123456789abcdef0123',
  admin: { username: 'e2e-admin', password: 'e2e-admin-password' },
  adminState: '.e2e-data/admin-state.json',
};

/** What every console the tests start needs besides its key and database. */
export const consoleBaseEnv = {
  TIM_SDKAPPID: String(E2E.sdkAppId),
  TIM_BASE_URL: E2E.simUrl,
  TIM_TIMEOUT_MS: '3000',
  SESSION_SECRET: E2E.sessionSecret,
  CONSOLE_ADMIN_USERNAME: E2E.admin.username,
  CONSOLE_ADMIN_PASSWORD: E2E.admin.password,
  CONSOLE_ENV_LABEL: 'e2e',
  // The webhook test's receiver listens on this machine.
  WEBHOOK_ALLOW_HTTP_LOOPBACK: '1',
};
