import 'server-only';
import type { BatchApi } from '../engine/operations';
import { createRateLimiter, type RateLimiter } from '../tim/rate-limiter';
import { createAttrNamesCache, type AttrNamesCache } from '../tim/attr-names';
import { createTimClient, type TimClient } from '../tim/client';
import { createUserSigCache } from '../tim/usersig-cache';
import type { AppConfig } from './app-config';

/** What pages and the browser may know of an app: never its key. */
export interface AppSummary {
  id: string;
  label: string;
  sdkAppId: number;
  region: string;
  envLabel: string | null;
  typedConfirmAbove: number | null;
}

/** The per-API budgets of one SDKAppID (SPEC "Apps": each API has its own ceiling, all runs together). */
export type AppBudgets = Readonly<Record<BatchApi | 'get_attr_name', RateLimiter>>;

/** One app's client, UserSig cache, attribute-name cache and rate budgets, shared by every run of that app in this process. */
export interface AppRuntime {
  summary: AppSummary;
  tim: TimClient;
  budgets: AppBudgets;
  attrNames: AttrNamesCache;
}

export interface AppRegistry {
  list(): AppSummary[];
  get(id: string): AppRuntime | null;
}

export const summarize = (a: AppConfig): AppSummary => ({ id: a.id, label: a.label, sdkAppId: a.sdkAppId, region: a.region, envLabel: a.envLabel, typedConfirmAbove: a.typedConfirmAbove });

export function createAppRegistry(apps: readonly AppConfig[], opts: { timeoutMs: number }): AppRegistry {
  const byId = new Map<string, AppRuntime>();
  for (const app of apps) {
    const tim = createTimClient({
      sdkAppId: app.sdkAppId,
      identifier: app.adminIdentifier,
      baseUrl: app.baseUrl,
      timeoutMs: opts.timeoutMs,
      userSig: createUserSigCache({ sdkAppId: app.sdkAppId, identifier: app.adminIdentifier, secretKey: () => app.secretKey.reveal() }),
    });
    const shared = app.sharedBudget ? createRateLimiter(app.maxQps) : null;
    const budget = () => shared ?? createRateLimiter(app.maxQps);
    const budgets: AppBudgets = { remove_attr: budget(), get_attr: budget(), set_attr: budget(), get_attr_name: createRateLimiter(app.maxQps) };
    byId.set(app.id, { summary: summarize(app), tim, budgets, attrNames: createAttrNamesCache(tim, budgets.get_attr_name) });
  }
  const list = [...byId.values()].map((a) => a.summary);
  return { list: () => list, get: (id) => byId.get(id) ?? null };
}
