import 'server-only';
import { createAppRegistry, type AppRegistry } from '../apps/registry';
import type { Actor as AuditActor } from '../auth/types';
import type { Role } from '../auth/roles';
import { DEFAULT_CSV_LIMITS, type CsvLimits } from '../csv/limits';
import { ENGLISH } from '../messages/catalogues';
import type { Messages } from '../messages/translate';
import { getWorker, type RunWorker } from '../jobs/worker';
import { getRuntime } from '../runtime';
import type { Store } from '../store/store';

/** Who is acting, as recorded with every run and audit row. */
export interface Actor extends AuditActor {
  role: Role;
  /** The app the operator picked (null: none yet); pages act on it. */
  appId: string | null;
}

/** Everything a use case may touch; adapters build one per request and pass validated input. */
export interface UseCaseContext {
  store: Store;
  apps: AppRegistry;
  worker: RunWorker;
  actor: Actor;
  clock: { nowMs(): number };
  csvLimits: CsvLimits;
  /** The reader's catalogue, for what a use case hands back in words (results rows, exports). */
  messages: Messages;
}

/** For what anyone may try before signing in: nobody is acting yet. */
export type PublicContext = Omit<UseCaseContext, 'actor'>;

const clock = { nowMs: () => Date.now() };

export function publicContext(messages: Messages): PublicContext {
  const { store, apps, csvLimits } = getRuntime();
  return { store, apps, worker: getWorker(), clock, csvLimits, messages };
}

export function contextFor(actor: Actor, messages: Messages): UseCaseContext {
  return { ...publicContext(messages), actor };
}

/** For scripts that need only the database (the operators CLI): no app is configured, nothing is sent. */
export function storeContext(store: Store, actor: Actor): UseCaseContext {
  return { store, apps: createAppRegistry([], { timeoutMs: 1 }), worker: getWorker(), actor, clock, csvLimits: DEFAULT_CSV_LIMITS, messages: ENGLISH };
}
