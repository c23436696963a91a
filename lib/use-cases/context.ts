import 'server-only';
import type { AppRegistry } from '../apps/registry';
import type { Actor as AuditActor } from '../auth/types';
import type { Role } from '../auth/roles';
import type { CsvLimits } from '../csv/limits';
import type { Messages } from '../messages/translate';
import type { RunWorker } from '../jobs/worker';
import type { Runtime } from '../runtime';
import type { Secret } from '../secret';
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
  /** Signs and checks session cookies. */
  sessionSecret: Secret;
  /** Where an admin may point a webhook (WEBHOOK_ALLOW_HTTP_LOOPBACK). */
  webhookPolicy: { allowHttpLoopback: boolean };
  /** The reader's catalogue, for what a use case hands back in words (results rows, exports). */
  messages: Messages;
}

/** For what anyone may try before signing in: nobody is acting yet. */
export type PublicContext = Omit<UseCaseContext, 'actor'>;

const clock = { nowMs: () => Date.now() };

/** A context over a runtime (the process's, or a script's own), for someone not signed in. */
export function publicContextOf({ store, apps, worker, csvLimits, sessionSecret, webhookPolicy }: Runtime, messages: Messages): PublicContext {
  return { store, apps, worker, clock, csvLimits, sessionSecret, webhookPolicy, messages };
}

export function contextOf(runtime: Runtime, actor: Actor, messages: Messages): UseCaseContext {
  return { ...publicContextOf(runtime, messages), actor };
}
