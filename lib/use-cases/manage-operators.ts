import 'server-only';
import { audit, type AuditAction } from '../auth/audit';
import { hashNewPassword, insertOperator, prepareOperator, setDisabled, setPasswordHash, setRole, type OperatorChange } from '../auth/operators';
import { unlockOperator } from '../auth/unlock';
import type { OperatorChangeInput } from '../schemas/operators';
import type { UseCaseContext } from './context';
import { fail, ok, type Result } from './result';

type Kind = OperatorChangeInput['kind'];

const AUDITED: Record<Exclude<Kind, 'unlock'>, AuditAction> = {
  add: 'operator-added',
  disable: 'operator-disabled',
  enable: 'operator-enabled',
  role: 'operator-role-changed',
  'reset-password': 'password-reset',
};

/**
 * Every change an admin makes on /operators (and the CLI): add, disable, enable, role, password,
 * unlock. Admins cannot lock themselves out of their own role. The slow password hash comes
 * first; the change and its audit row then share one transaction.
 */
export async function changeOperator(ctx: UseCaseContext, input: OperatorChangeInput): Promise<Result<{ kind: Kind; username: string }>> {
  const { store, actor } = ctx;
  const by = { operator: actor.username, clientIp: actor.clientIp };
  if ((input.kind === 'disable' || input.kind === 'enable' || input.kind === 'role') && input.username.toLowerCase() === actor.username.toLowerCase()) {
    return fail('operators.self');
  }
  // Unlock audits itself, in the transaction that clears the attempts.
  if (input.kind === 'unlock') return done(input.kind, unlockOperator(store, input.username, by, ctx.clock.nowMs()));

  let write: () => OperatorChange;
  let detail: (username: string) => string = (u) => u;
  switch (input.kind) {
    case 'add': {
      const prepared = await prepareOperator(input);
      if (!prepared.ok) return fail(prepared.code, { username: prepared.username });
      write = () => insertOperator(store, prepared.operator);
      detail = (u) => `${u} as ${input.role}`;
      break;
    }
    case 'disable':
    case 'enable':
      write = () => setDisabled(store, input.username, input.kind === 'disable');
      break;
    case 'role':
      write = () => setRole(store, input.username, input.role);
      detail = (u) => `${u} is now ${input.role}`;
      break;
    case 'reset-password': {
      const hashed = await hashNewPassword(input.password);
      if (!hashed.ok) return fail('input.invalid');
      write = () => setPasswordHash(store, input.username, hashed.passwordHash);
      break;
    }
  }
  const result = store.transaction(() => {
    const r = write();
    if (r.ok) audit(store, { ...by, action: AUDITED[input.kind], detail: detail(r.operator.username) });
    return r;
  })();
  return done(input.kind, result);
}

function done(kind: Kind, result: OperatorChange | ReturnType<typeof unlockOperator>): Result<{ kind: Kind; username: string }> {
  return result.ok ? ok({ kind, username: result.operator.username }) : fail(result.code, { username: result.username });
}
