// One TIM request from arrival to answer: the check order, the API's work, a drawn fault, the log.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { SlidingWindow, type App } from './apps';
import { latency } from './config';
import type { SimContext } from './context';
import { pickFault } from './faults';
import { prepare } from './handlers';
import type { RequestLogEntry } from './request-log';
import { verifyUserSig } from './usersig';
import { accountsOf, ApiError, envelope, MAX_BODY_BYTES, MAX_UINT32, readBody, ROUTES, userCountOf, type Json, type SimApi } from './wire';

/** The app a TIM request addresses: its sdkappid, when that is a well-formed known one. */
function appOfQuery(ctx: SimContext, url: URL): App | undefined {
  const text = url.searchParams.get('sdkappid');
  return text !== null && /^\d{1,16}$/.test(text) ? ctx.apps.get(Number(text)) : undefined;
}

/** Steps 1–4 of the check order: URL, UserSig, admin, rate limit. Throws ApiError; returns the app. */
function checkRequest(req: IncomingMessage, url: URL, api: SimApi, app: App | undefined, now: () => number): App {
  if (req.method !== 'POST') throw new ApiError(60002, `method ${req.method ?? ''} not allowed, use POST`);
  const q = url.searchParams;
  const appIdText = q.get('sdkappid');
  if (appIdText === null || appIdText === '') throw new ApiError(60012, 'sdkappid missing from the url');
  if (!app) throw new ApiError(70020, `sdkappid ${appIdText} does not exist`);
  if (q.get('contenttype') !== 'json') throw new ApiError(60025, 'contenttype must be json');
  const randomText = q.get('random');
  if (randomText === null || !/^\d{1,10}$/.test(randomText) || Number(randomText) > MAX_UINT32) {
    throw new ApiError(60025, 'random must be an integer in 0..4294967295');
  }
  const identifier = q.get('identifier');
  if (!identifier) throw new ApiError(60025, 'identifier missing from the url');
  const userSig = q.get('usersig');
  if (!userSig) throw new ApiError(60025, 'usersig missing from the url');

  const sig = verifyUserSig(userSig, { sdkAppId: app.sdkAppId, identifier, secretKey: app.secretKey, nowMs: now() });
  if (!sig.ok) {
    app.stats.sigFailures++;
    throw new ApiError(sig.code, sig.reason);
  }
  if (!app.admins.has(identifier)) throw new ApiError(90009, `identifier ${identifier} is not an app admin`);

  let w = app.windows.get(api);
  if (!w) {
    w = new SlidingWindow();
    app.windows.set(api, w);
  }
  const inWindow = w.hit(performance.now());
  if (inWindow > app.stats.maxPerSecond) app.stats.maxPerSecond = inWindow;
  if (inWindow > (app.stats.maxPerSecondByApi[api] ?? 0)) app.stats.maxPerSecondByApi[api] = inWindow;
  const limit = app.config.qpsLimit[api];
  if (inWindow > limit) {
    app.stats.rateLimited++;
    throw new ApiError(60007, `${api} called more than ${limit} times per second`);
  }
  return app;
}

export async function handleTim(ctx: SimContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const { host, log, logAccountsLimit, sendJson, sendText, later } = ctx;
  const at = Date.now();
  const path = url.pathname;
  const route = ROUTES.get(path);
  const addressed = appOfQuery(ctx, url);
  const counters = addressed?.stats ?? ctx.unmatched;
  const sdkAppId = addressed?.sdkAppId ?? null;
  counters.requests++;
  const received = await readBody(req);
  if (!received) return;
  const { text, tooLarge } = received;
  if (!route) {
    log.push({ at, path, sdkAppId, api: 'unknown', userCount: 0, errorCode: 60009, httpStatus: 200 });
    sendJson(res, 200, envelope(60009, `unknown resource ${path}`));
    return;
  }
  const { api, legacy } = route;
  counters.byApi[api] = (counters.byApi[api] ?? 0) + 1;

  let body: unknown;
  try {
    body = text.length === 0 ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  const entry: RequestLogEntry = { at, path, sdkAppId, api, userCount: userCountOf(api, body), errorCode: null, httpStatus: 200 };
  const accounts = accountsOf(api, body);
  if (accounts && logAccountsLimit > 0) entry.accounts = accounts;

  let run: () => Json;
  let app: App;
  try {
    app = checkRequest(req, url, api, addressed, ctx.now);
    if (tooLarge) throw new ApiError(90018, `request body larger than ${MAX_BODY_BYTES} bytes`);
    run = prepare(app, api, legacy, body);
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    entry.errorCode = e.code;
    log.push(entry);
    sendJson(res, 200, envelope(e.code, e.info));
    return;
  }

  const { config } = app;
  const fault = pickFault(config.faults, ctx.random);
  if (fault) {
    entry.fault = fault;
    app.stats.faultsInjected[fault] = (app.stats.faultsInjected[fault] ?? 0) + 1;
  }
  if (fault === 'drop' || fault === 'hang') {
    entry.httpStatus = 0;
    log.push(entry);
    // A hung request simply never gets an answer; close() destroys its socket.
    if (fault === 'drop') req.socket.destroy();
    return;
  }
  let respond: () => void;
  if (fault === 'http5xx') {
    entry.httpStatus = 502;
    respond = () => sendText(res, 502, '502 Bad Gateway');
  } else if (fault === 'error91000') {
    entry.errorCode = 91000;
    respond = () => sendJson(res, 200, envelope(91000, 'internal server error, please retry'));
  } else if (fault === 'hugeErrorInfo') {
    entry.errorCode = 60002;
    const head = `cannot parse http://${req.headers.host ?? host}${req.url ?? ''} `;
    const info = head + 'a'.repeat(Math.max(0, config.faults.hugeBytes - head.length));
    respond = () => sendJson(res, 200, envelope(60002, info));
  } else {
    // Mutate now, answer later: a slow answer models work that was done but reported late.
    const out = run();
    entry.errorCode = typeof out.ErrorCode === 'number' ? out.ErrorCode : 0;
    if (fault === 'hugeBody') out.Padding = 'x'.repeat(config.faults.hugeBytes);
    respond = () => sendJson(res, 200, out);
  }
  log.push(entry);
  const delay = latency(config, ctx.random) + (fault === 'slow' ? config.faults.slowMs : 0);
  if (delay > 0) later(delay, respond);
  else respond();
}
