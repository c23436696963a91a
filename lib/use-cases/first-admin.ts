import 'server-only';
import type { Config } from '../config';
import { log } from '../log';
import { ENGLISH } from '../messages/catalogues';
import { errorMessage } from '../messages/translate';
import type { Store } from '../store/store';
import { prepareOperator } from '../auth/operators';

/** The first admin comes from CONSOLE_ADMIN_USERNAME / CONSOLE_ADMIN_PASSWORD, only while no operator exists. */
export async function ensureFirstAdmin(store: Store, config: Config): Promise<void> {
  if ((await store.operators.count()) > 0) return;
  if (!config.firstAdmin) {
    log.warn('operators.none', {
      hint: 'No operator can sign in yet: set CONSOLE_ADMIN_USERNAME and CONSOLE_ADMIN_PASSWORD, or run `npm run operators -- add <name> admin`.',
    });
    return;
  }
  const prepared = await prepareOperator({ username: config.firstAdmin.username, password: config.firstAdmin.password.reveal(), role: 'admin' });
  const added = prepared.ok
    ? await store.operators.insert(prepared.operator, (o) => ({ action: 'operator-added', operator: null, clientIp: null, detail: { username: o.username, role: o.role, first: 'yes' } }))
    : prepared;
  // Console processes started together on one database (Postgres) all find none: one adds it.
  if (!added.ok && added.code === 'operators.exists') return;
  if (!added.ok) throw new Error(`CONSOLE_ADMIN_USERNAME / CONSOLE_ADMIN_PASSWORD: ${errorMessage({ code: added.code, params: { username: added.username } }, ENGLISH)}`);
  log.info('operators.first-admin', { username: added.operator.username });
}
