import 'server-only';
import { ConfigError, getConfig, type Config } from '../config';
import { log } from '../log';
import { ensureFirstAdmin } from '../use-cases/first-admin';
import { retentionLimits } from '../auth/retention';
import { SHUTDOWN_WAIT_MS, type JobWorker } from '../jobs/worker';
import { onShutdown } from './shutdown';
import type { Store } from '../store/store';
import { runtime } from './runtime';
import { startWebhookSender } from '../jobs/send-webhooks';

const PURGE_EVERY_MS = 3_600_000;

const DAY_MS = 86_400_000;

/** Once now, then hourly. unref: the timer alone does not keep the process alive. */
function startPurging(store: Store, worker: JobWorker, config: Config): void {
  const limits = retentionLimits(config);
  // A database busy for longer than its timeout must not stop the server; the next hour retries.
  const failed = (err: unknown) => log.warn('retention.purge-failed', { error: err instanceof Error ? err.message : String(err) });
  const purge = async () => {
    await store.purgeExpired(limits, Date.now()).then((purged) => {
      if (purged.sessions + purged.audit + purged.attempts > 0) log.info('retention.purged', { ...purged });
    }, failed);
    // One process does it, so two processes never audit the same run's purge twice.
    if (!worker.keepsHouse()) return;
    const days = config.snapshotRetentionDays;
    await store.runs
      .purgeValues(Date.now() - days * DAY_MS, (runId, users) => ({ action: 'values-purged', operator: null, clientIp: null, runId, detail: { users, days } }))
      .then((runs) => {
        if (runs.length > 0) log.info('retention.values-purged', { runs: runs.length, days });
      }, failed);
  };
  void purge();
  setInterval(purge, PURGE_EVERY_MS).unref();
}

export async function startServer(): Promise<void> {
  try {
    const config = getConfig();
    const { store, worker } = runtime();
    await ensureFirstAdmin(store, config);
    if (config.ignoredVars.length > 0) {
      log.warn('config.ignored', { variables: config.ignoredVars.join(','), hint: 'TIM_APPS_FILE is set, so these single-app variables do not apply; unset them.' });
    }
    const status = await worker.boot();
    onShutdown(() => worker.shutdown(SHUTDOWN_WAIT_MS));
    startPurging(store, worker, config);
    startWebhookSender({ store, sessionSecret: config.sessionSecret, policy: config.webhooks, publicUrl: config.publicUrl });
    log.info('server.ready', {
      worker: status.role,
      apps: config.apps.map((a) => `${a.id}=${a.sdkAppId}@${a.usesBaseUrlOverride ? 'base-url' : a.region}/${a.maxQps}qps`).join(','),
      appsFrom: config.appsSource,
      database: config.databaseUrl?.display ?? config.databasePath,
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
