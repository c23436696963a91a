// The control API, for tests and the benchmark: as methods of the running simulator, and over HTTP
// under /__sim/ on loopback.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { copyStats, emptyStats, resetApp, totals, type App, type SimAppStats, type SimStats } from './apps';
import { applyPatch, configPatchSchema, copyConfig, type SimConfig, type SimConfigPatch } from './config';
import type { SimContext } from './context';
import type { RequestLogEntry } from './request-log';
import type { Attrs, AttrType } from './state';
import { readBody } from './wire';

/** What GET /__sim/apps lists for each app: never its key. */
export interface SimAppInfo {
  sdkAppId: number;
  /** Only when one was given. */
  label?: string;
  /** Number of UserID accounts. */
  users: number;
  /** Number of RegistrationID accounts. */
  registrationIds: number;
  /** Current attribute names (after any set_attr_name), as get_attr_name reports them. */
  attrNames: Record<string, string>;
  attrTypes: Record<string, AttrType>;
}

/**
 * Every per-app method takes an optional sdkAppId; without it, getUser/setConfig/getConfig address
 * the first app and reset/stats/requests/clearRequests the whole server. An unknown sdkAppId throws.
 */
export interface SimControl {
  getUser(id: string, sdkAppId?: number): Record<string, string> | undefined;
  setConfig(patch: SimConfigPatch, sdkAppId?: number): void;
  getConfig(sdkAppId?: number): SimConfig;
  /**
   * Back to the seed: users, attribute names, config, key, stats, request log and rate windows — of
   * every app, or of one (its log entries only).
   */
  reset(sdkAppId?: number): void;
  stats(): SimStats;
  stats(sdkAppId: number): SimAppStats;
  stats(sdkAppId?: number): SimStats | SimAppStats;
  /** The log, or only the entries whose sdkAppId is this one. */
  requests(sdkAppId?: number): RequestLogEntry[];
  clearRequests(sdkAppId?: number): void;
  apps(): SimAppInfo[];
}

/** A control-API failure with its HTTP status; thrown as a plain Error to programmatic callers. */
class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const usersQuerySchema = z.strictObject({ ids: z.array(z.string()).max(100_000) });

/** An app by id for the programmatic API and ?sdkappid=; undefined = the first app. */
function appById(ctx: SimContext, sdkAppId: number | undefined): App {
  if (sdkAppId === undefined) return ctx.firstApp;
  const app = ctx.apps.get(sdkAppId);
  if (!app) throw new ControlError(404, `unknown sdkappid ${sdkAppId}`);
  return app;
}

/** The control API's optional ?sdkappid=N. */
function sdkAppIdParam(ctx: SimContext, url: URL): number | undefined {
  const text = url.searchParams.get('sdkappid');
  if (text === null) return undefined;
  if (!/^\d{1,16}$/.test(text)) throw new ControlError(400, 'sdkappid must be a positive integer');
  return appById(ctx, Number(text)).sdkAppId;
}

export function createControl(ctx: SimContext): SimControl {
  const { apps, log } = ctx;

  function stats(): SimStats;
  function stats(sdkAppId: number): SimAppStats;
  function stats(sdkAppId?: number): SimStats | SimAppStats;
  function stats(sdkAppId?: number): SimStats | SimAppStats {
    return sdkAppId === undefined ? totals(ctx.unmatched, apps) : copyStats(appById(ctx, sdkAppId).stats);
  }

  return {
    getUser: (id, sdkAppId) => appById(ctx, sdkAppId).state.getUser(id),
    setConfig(patch, sdkAppId) {
      const app = appById(ctx, sdkAppId);
      app.config = applyPatch(app.config, patch);
      if (patch.secretKey !== undefined) app.secretKey = patch.secretKey;
    },
    getConfig: (sdkAppId) => copyConfig(appById(ctx, sdkAppId).config),
    reset(sdkAppId) {
      if (sdkAppId !== undefined) {
        resetApp(appById(ctx, sdkAppId));
        log.removeWhere((e) => e.sdkAppId === sdkAppId);
        return;
      }
      for (const app of apps.values()) resetApp(app);
      ctx.unmatched = emptyStats();
      log.clear();
    },
    stats,
    requests: (sdkAppId) => {
      if (sdkAppId === undefined) return log.list();
      appById(ctx, sdkAppId);
      return log.list((e) => e.sdkAppId === sdkAppId);
    },
    clearRequests(sdkAppId) {
      if (sdkAppId === undefined) return log.clear();
      appById(ctx, sdkAppId);
      log.removeWhere((e) => e.sdkAppId === sdkAppId);
    },
    apps: () =>
      [...apps.values()].map((app) => {
        const t = app.state.attrTable();
        return {
          sdkAppId: app.sdkAppId,
          ...(app.label === undefined ? {} : { label: app.label }),
          users: app.state.userCount,
          registrationIds: app.state.registrationIdCount,
          attrNames: t.names,
          attrTypes: t.types,
        };
      }),
  };
}

export async function handleControl(ctx: SimContext, sim: SimControl, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const { sendJson } = ctx;
  const path = url.pathname;
  const method = req.method ?? 'GET';
  const received = await readBody(req);
  if (!received) return;
  const { text } = received;
  const parse = (): unknown => (text.length === 0 ? {} : JSON.parse(text));
  try {
    const id = sdkAppIdParam(ctx, url);
    if (path === '/__sim/apps' && method === 'GET') {
      return sendJson(res, 200, id === undefined ? sim.apps() : sim.apps().filter((a) => a.sdkAppId === id));
    }
    if (path === '/__sim/stats' && method === 'GET') return sendJson(res, 200, sim.stats(id));
    if (path === '/__sim/requests' && method === 'GET') return sendJson(res, 200, sim.requests(id));
    if (path === '/__sim/requests' && method === 'DELETE') {
      sim.clearRequests(id);
      return sendJson(res, 200, { ok: true });
    }
    if (path === '/__sim/config' && method === 'GET') return sendJson(res, 200, sim.getConfig(id));
    if (path === '/__sim/config' && method === 'POST') {
      sim.setConfig(configPatchSchema.parse(parse()), id);
      return sendJson(res, 200, sim.getConfig(id));
    }
    if (path === '/__sim/reset' && method === 'POST') {
      sim.reset(id);
      return sendJson(res, 200, { ok: true });
    }
    const { state } = appById(ctx, id);
    if (path === '/__sim/users/query' && method === 'POST') {
      const { ids } = usersQuerySchema.parse(parse());
      const users: Record<string, Attrs | null> = {};
      for (const u of ids) Object.defineProperty(users, u, { value: state.getUser(u) ?? null, enumerable: true });
      return sendJson(res, 200, { users });
    }
    if (path.startsWith('/__sim/users/') && method === 'GET') {
      const u = decodeURIComponent(path.slice('/__sim/users/'.length));
      const a = state.getUser(u);
      return a === undefined ? sendJson(res, 404, { error: `unknown user ${u}` }) : sendJson(res, 200, a);
    }
    return sendJson(res, 404, { error: `no control endpoint ${method} ${path}` });
  } catch (e) {
    if (e instanceof ControlError) return sendJson(res, e.status, { error: e.message });
    const msg = e instanceof z.ZodError ? z.prettifyError(e) : e instanceof Error ? e.message : String(e);
    return sendJson(res, 400, { error: msg });
  }
}
