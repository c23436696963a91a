import 'server-only';
import { clientIp, requirePageRole } from '../auth/request';
import type { Role } from '../auth/roles';
import { contextFor, type UseCaseContext } from '../use-cases/context';

/** The one way a page starts: signed in (else /login), the role (else 403), then a context for its queries. */
export async function pageContext(role: Role, from: string): Promise<UseCaseContext> {
  const operator = await requirePageRole(role, from);
  return contextFor({ username: operator.username, role: operator.role, clientIp: await clientIp() });
}
