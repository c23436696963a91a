import 'server-only';
import { requirePageRole } from './request';
import type { Role } from '../auth/roles';
import type { UseCaseContext } from '../use-cases/context';
import { operatorContext } from './operator-context';

/** The one way a page starts: signed in (else /login), the role (else 403), then a context for its queries. */
export async function pageContext(role: Role, from: string): Promise<UseCaseContext> {
  const operator = await requirePageRole(role, from);
  return operatorContext(operator);
}
