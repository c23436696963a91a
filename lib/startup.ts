import 'server-only';
import { ConfigError, getConfig } from './config';
import { log } from './log';
import { ensureFirstAdmin } from './auth/bootstrap';
import { getWorker } from './jobs/worker';
import { getRuntime } from './runtime';

export async function startServer(): Promise<void> {
  try {
    const config = getConfig();
    await ensureFirstAdmin(getRuntime().db, config);
    const worker = getWorker().boot();
    log.info('server.ready', {
      worker: worker.role,
      sdkAppId: config.sdkAppId,
      region: config.region,
      baseUrlOverride: config.usesBaseUrlOverride,
      maxQps: config.maxQps,
      database: config.databasePath,
    });
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`${err.message}\nSet the variables above (see README, "Configuration") and start again.`);
    } else {
      console.error(`Start-up failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    process.exit(1);
  }
}
