import 'server-only';
import { ConfigError, getConfig, type Config } from './config';
import type { Db } from './db/database';
import { log } from './log';
import { ensureFirstAdmin } from './auth/bootstrap';
import { purgeExpired, retentionLimits } from './auth/retention';
import { getWorker } from './jobs/worker';
import { getRuntime } from './runtime';

const PURGE_EVERY_MS = 3_600_000;

/** Once now, then hourly. unref: the timer alone does not keep the process alive. */
function startPurging(db: Db, config: Config): void {
  const limits = retentionLimits(config);
  const purge = () => {
    try {
      const purged = purgeExpired(db, limits, Date.now());
      if (purged.sessions + purged.audit + purged.attempts > 0) log.info('retention.purged', { ...purged });
    } catch (err) {
      // A database busy for longer than its timeout must not stop the server; the next hour retries.
      log.warn('retention.purge-failed', { error: err instanceof Error ? err.message : String(err) });
    }
  };
  purge();
  setInterval(purge, PURGE_EVERY_MS).unref();
}

export async function startServer(): Promise<void> {
  try {
    const config = getConfig();
    const { db } = getRuntime();
    await ensureFirstAdmin(db, config);
    startPurging(db, config);
    const worker = getWorker().boot();
    log.info('server.ready', {
      worker: worker.role,
      apps: config.apps.map((a) => `${a.id}=${a.sdkAppId}@${a.usesBaseUrlOverride ? 'base-url' : a.region}/${a.maxQps}qps`).join(','),
      appsFrom: config.appsSource,
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
