import 'server-only';
import { presentRun, presentUser } from '../results/present';
import type { UseCaseContext } from './context';

/** Every run that included this exact user ID, newest first, with its outcome there. */
export async function searchUser(ctx: UseCaseContext, userId: string) {
  return (await ctx.store.runs.findUser(userId)).map(({ run, user }) => ({ run: presentRun(run), attrs: user.attrs, row: presentUser(user, run, ctx.messages) }));
}
