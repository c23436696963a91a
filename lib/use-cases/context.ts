import 'server-only';
import { createAppRegistry, type AppRegistry } from '../apps/registry';
import type { Actor as AuditActor } from '../auth/audit';
import type { Role } from '../auth/roles';
import type { Db } from '../db/database';
import { getWorker, type RunWorker } from '../jobs/worker';
import { getRuntime } from '../runtime';

/** Who is acting, as recorded with every run and audit row. */
export interface Actor extends AuditActor {
  role: Role;
}

/** Everything a use case may touch; adapters build one per request and pass validated input. */
export interface UseCaseContext {
  store: Db;
  apps: AppRegistry;
  worker: RunWorker;
  actor: Actor;
  clock: { nowMs(): number };
}

/** For what anyone may try before signing in: nobody is acting yet. */
export type PublicContext = Omit<UseCaseContext, 'actor'>;

export function publicContext(): PublicContext {
  const { db, apps } = getRuntime();
  return { store: db, apps, worker: getWorker(), clock: { nowMs: () => Date.now() } };
}

export function contextFor(actor: Actor): UseCaseContext {
  return { ...publicContext(), actor };
}

/** For scripts that need only the database (the operators CLI): no app is configured, nothing is sent. */
export function storeContext(store: Db, actor: Actor): UseCaseContext {
  return { store, apps: createAppRegistry([], { timeoutMs: 1 }), worker: getWorker(), actor, clock: { nowMs: () => Date.now() } };
}
