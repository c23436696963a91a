import 'server-only';
import type { AuditFilter } from '../audit/types';
import type { UseCaseContext } from '../use-cases/context';

export function auditEntries(ctx: UseCaseContext, filter: AuditFilter) {
  return ctx.store.audit.list(filter);
}

export async function operatorsWithLockouts(ctx: UseCaseContext) {
  const [locked, operators] = await Promise.all([ctx.store.operators.lockedOut(ctx.clock.nowMs()), ctx.store.operators.list()]);
  return operators.map((o) => ({ ...o, lockedOut: locked.has(o.username) }));
}
