import 'server-only';
import { hashNewPassword, prepareOperator } from '../auth/operators';
import type { Operator, OperatorChange, UnlockResult } from '../auth/types';
import type { AuditAction, AuditDetail, AuditInput } from '../audit/types';
import type { OperatorChangeInput } from '../schemas/operators';
import type { UseCaseContext } from './context';
import { fail, ok, type Result } from '../errors';

type Kind = OperatorChangeInput['kind'];

/**
 * Every change an admin makes on /operators (and the CLI): add, disable, enable, role, password,
 * unlock. Admins cannot lock themselves out of their own role. The slow password hash comes
 * first; the store then writes the change and its audit row together.
 */
export async function changeOperator(ctx: UseCaseContext, input: OperatorChangeInput): Promise<Result<{ kind: Kind; username: string }>> {
  const { store, actor } = ctx;
  const by = { operator: actor.username, clientIp: actor.clientIp };
  if ((input.kind === 'disable' || input.kind === 'enable' || input.kind === 'role') && input.username.toLowerCase() === actor.username.toLowerCase()) {
    return fail('operators.self');
  }
  const entry =
    (action: AuditAction, detail: (o: Operator) => AuditDetail = (o) => ({ username: o.username })) =>
    (o: Operator): AuditInput => ({ ...by, action, detail: detail(o) });
  switch (input.kind) {
    case 'add': {
      const prepared = await prepareOperator(input);
      if (!prepared.ok) return fail(prepared.code, { username: prepared.username });
      return done(input.kind, await store.operators.insert(prepared.operator, entry('operator-added', (o) => ({ username: o.username, role: o.role }))));
    }
    case 'disable':
    case 'enable': {
      const action = input.kind === 'disable' ? 'operator-disabled' : 'operator-enabled';
      return done(input.kind, await store.operators.setDisabled(input.username, input.kind === 'disable', entry(action)));
    }
    case 'role':
      return done(input.kind, await store.operators.setRole(input.username, input.role, entry('operator-role-changed', (o) => ({ username: o.username, role: o.role }))));
    case 'reset-password': {
      const hashed = await hashNewPassword(input.password);
      if (!hashed.ok) return fail('input.invalid');
      return done(input.kind, await store.operators.setPasswordHash(input.username, hashed.passwordHash, entry('password-reset')));
    }
    case 'unlock':
      // Audited by the store in the transaction that clears the attempts, and only when something was locked.
      return done(input.kind, await store.operators.unlock(input.username, by, ctx.clock.nowMs()));
  }
}

function done(kind: Kind, result: OperatorChange | UnlockResult): Result<{ kind: Kind; username: string }> {
  return result.ok ? ok({ kind, username: result.operator.username }) : fail(result.code, { username: result.username });
}
