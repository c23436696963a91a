import 'server-only';
import { createAppRegistry, type AppRegistry } from './apps/registry';
import { getConfig } from './config';
import type { CsvLimits } from './csv/limits';
import { openSqliteStore } from './store';
import type { Store } from './store/store';

/**
 * Process-wide singletons. Kept on globalThis because Next.js may load a server module more than
 * once (per route bundle); there must be one store and, above all, one set of rate budgets per
 * app for every run in the process, or the QPS ceilings would be shared by nothing.
 */
interface Runtime {
  store: Store;
  apps: AppRegistry;
  csvLimits: CsvLimits;
}

const holder = globalThis as typeof globalThis & { __timConsoleRuntime?: Runtime };

export function getRuntime(): Runtime {
  if (holder.__timConsoleRuntime) return holder.__timConsoleRuntime;
  const config = getConfig();
  holder.__timConsoleRuntime = {
    store: openSqliteStore(config.databasePath),
    apps: createAppRegistry(config.apps, { timeoutMs: config.timeoutMs }),
    csvLimits: config.csvLimits,
  };
  return holder.__timConsoleRuntime;
}
