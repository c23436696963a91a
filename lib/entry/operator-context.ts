import 'server-only';
import { clientIp } from './request';
import type { Operator } from '../auth/types';
import type { UseCaseContext } from '../use-cases/context';
import { contextFor } from './context';
import { requestMessages } from './locale';

/** A use-case context for the signed-in operator of this request, with the app they picked as the session read it. */
export async function operatorContext(operator: Operator): Promise<UseCaseContext> {
  return contextFor({ username: operator.username, role: operator.role, clientIp: await clientIp(), appId: operator.appId }, await requestMessages());
}
