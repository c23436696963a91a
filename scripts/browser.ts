// `npm run browser` (the first step of `npm test`): finds a Chromium for the browser tests, or
// installs one; stops before any test runs, saying how to get one, when neither works.
import { BrowserNotFound, getBrowser } from '../test-support/browser';

try {
  const { path, source } = getBrowser();
  console.log(`Browser tests use ${path} (${source === 'CHROMIUM_PATH' ? 'CHROMIUM_PATH' : source === 'system' ? 'installed on the system' : "Playwright's managed Chromium"}).`);
} catch (error) {
  if (!(error instanceof BrowserNotFound)) throw error;
  console.error(error.message);
  process.exit(1);
}
