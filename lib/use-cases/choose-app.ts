import 'server-only';
import type { ChooseAppInput } from '../schemas/apps';
import type { UseCaseContext } from './context';
import { fail, ok, type Result } from '../errors';

/** The app the operator's pages act on from now on, remembered for the operator. */
export async function chooseApp(ctx: UseCaseContext, input: ChooseAppInput): Promise<Result<{ appId: string }>> {
  if (!ctx.apps.get(input.appId)) return fail('app.unknown');
  await ctx.store.operators.setApp(ctx.actor.username, input.appId);
  return ok({ appId: input.appId });
}
