import 'server-only';
import { lockedOutOperators } from '../auth/attempts';
import { listAudit, type AuditFilter } from '../auth/audit';
import { listOperators } from '../auth/operators';
import type { UseCaseContext } from '../use-cases/context';

export function auditEntries(ctx: UseCaseContext, filter: AuditFilter) {
  return listAudit(ctx.store, filter);
}

export function operatorsWithLockouts(ctx: UseCaseContext) {
  const locked = lockedOutOperators(ctx.store, ctx.clock.nowMs());
  return listOperators(ctx.store).map((o) => ({ ...o, lockedOut: locked.has(o.username) }));
}
