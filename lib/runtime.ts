import 'server-only';
import { randomBytes } from 'node:crypto';
import { createAppRegistry, type AppRegistry } from './apps/registry';
import type { Config, StoreConfig } from './config';
import { DEFAULT_CSV_LIMITS, type CsvLimits } from './csv/limits';
import { JobWorker } from './jobs/worker';
import { Secret } from './secret';
import { openPostgresStore, openSqliteStore } from './store';
import type { Store } from './store/store';

/**
 * The composition root: the one place that picks and opens the store, builds the app registry and
 * the worker, and hands each what it uses. The entry layer keeps one per process
 * (lib/entry/runtime.ts); scripts and tests build their own.
 */
export interface Runtime {
  store: Store;
  apps: AppRegistry;
  worker: JobWorker;
  csvLimits: CsvLimits;
  /** Signs session cookies. */
  sessionSecret: Secret;
  /** Where an admin may point a webhook. */
  webhookPolicy: { allowHttpLoopback: boolean };
}

/** Postgres when DATABASE_URL is set; otherwise the SQLite file, as always. */
export function openStore(config: StoreConfig): Store {
  return config.databaseUrl ? openPostgresStore(config.databaseUrl) : openSqliteStore(config.databasePath);
}

export function createRuntime(config: Config): Runtime {
  const store = openStore(config);
  const apps = createAppRegistry(config.apps, { timeoutMs: config.timeoutMs });
  return {
    store,
    apps,
    worker: new JobWorker({ store, apps }),
    csvLimits: config.csvLimits,
    sessionSecret: config.sessionSecret,
    webhookPolicy: config.webhooks,
  };
}

/**
 * For scripts that act on the database alone (the operators CLI): no app, and a worker that is
 * never started, so nothing is sent. They sign no cookie a browser will see, so the secret is
 * their own, never the server's.
 */
export function createStoreRuntime(config: StoreConfig): Runtime {
  const store = openStore(config);
  const apps = createAppRegistry([], { timeoutMs: 1 });
  return {
    store,
    apps,
    worker: new JobWorker({ store, apps }),
    csvLimits: DEFAULT_CSV_LIMITS,
    sessionSecret: new Secret(randomBytes(48).toString('base64url')),
    webhookPolicy: { allowHttpLoopback: false },
  };
}
