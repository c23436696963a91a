import 'server-only';
import type { AppSummary } from '../apps/registry';
import type { AttrNamesResult } from '../tim/attr-names';
import type { UseCaseContext } from '../use-cases/context';

export interface AppChoice {
  apps: AppSummary[];
  /** The operator's pick, or the first configured app while they have none (or theirs is gone). */
  current: AppSummary;
}

export function appChoice(ctx: UseCaseContext): AppChoice {
  const apps = ctx.apps.list();
  return { apps, current: apps.find((a) => a.id === ctx.actor.appId) ?? apps[0]! };
}

export function attrNamesOf(ctx: UseCaseContext, appId: string): Promise<AttrNamesResult> {
  const app = ctx.apps.get(appId);
  if (!app) throw new Error(`no app ${appId}`);
  return app.attrNames.load();
}
