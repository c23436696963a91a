import 'server-only';
import type { Config } from '../config';
import type { Db } from '../db/database';
import { log } from '../log';
import { errorMessage } from '../messages/translate';
import { audit } from './audit';
import { addOperator, countOperators } from './operators';

/** The first admin comes from CONSOLE_ADMIN_USERNAME / CONSOLE_ADMIN_PASSWORD, only while no operator exists. */
export async function ensureFirstAdmin(db: Db, config: Config): Promise<void> {
  if (countOperators(db) > 0) return;
  if (!config.firstAdmin) {
    log.warn('operators.none', {
      hint: 'No operator can sign in yet: set CONSOLE_ADMIN_USERNAME and CONSOLE_ADMIN_PASSWORD, or run `npm run operators -- add <name> admin`.',
    });
    return;
  }
  const added = await addOperator(db, { username: config.firstAdmin.username, password: config.firstAdmin.password.reveal(), role: 'admin' });
  if (!added.ok) throw new Error(`CONSOLE_ADMIN_USERNAME / CONSOLE_ADMIN_PASSWORD: ${errorMessage({ code: added.code, params: { username: added.username } })}`);
  audit(db, { action: 'operator-added', operator: null, clientIp: null, detail: `first admin ${added.operator.username} from CONSOLE_ADMIN_USERNAME` });
  log.info('operators.first-admin', { username: added.operator.username });
}
