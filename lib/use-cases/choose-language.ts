import 'server-only';
import type { ChooseLanguageInput } from '../schemas/language';
import type { UseCaseContext } from './context';
import { ok, type Result } from '../errors';

/** The language the operator's pages are in from now on, on any browser they sign in from. */
export async function chooseLanguage(ctx: UseCaseContext, input: ChooseLanguageInput): Promise<Result<{ locale: ChooseLanguageInput['locale'] }>> {
  await ctx.store.operators.setLocale(ctx.actor.username, input.locale);
  return ok({ locale: input.locale });
}
