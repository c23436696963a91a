/** Ports and credentials shared by playwright.config.ts and the specs. Loopback only. */
export const E2E = {
  sdkAppId: 1400000000,
  secretKey: 'e2e-sentinel-secret-key-3f9a1c',
  simPort: 4311,
  simUrl: 'http://127.0.0.1:4311',
  consolePort: 3311,
  consoleUrl: 'http://127.0.0.1:3311',
  wrongKeyConsolePort: 3312,
} as const;
