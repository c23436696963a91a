import 'server-only';
import type { AppSummary } from '../apps/registry';
import type { AttrNamesResult } from '../tim/attr-names';
import type { UseCaseContext } from '../use-cases/context';

export interface AppChoice {
  apps: AppSummary[];
  /** The operator's pick, or the first configured app while they have none (or theirs is gone). */
  current: AppSummary;
}

export async function appChoice(ctx: UseCaseContext): Promise<AppChoice> {
  const apps = ctx.apps.list();
  const picked = (await ctx.store.operators.find(ctx.actor.username))?.appId;
  return { apps, current: apps.find((a) => a.id === picked) ?? apps[0]! };
}

export function attrNamesOf(ctx: UseCaseContext, appId: string): Promise<AttrNamesResult> {
  const app = ctx.apps.get(appId);
  if (!app) throw new Error(`no app ${appId}`);
  return app.attrNames.load();
}
