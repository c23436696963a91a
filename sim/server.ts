// TIM simulator: a node:http server that answers the push user-attribute REST APIs the way the real
// service does (fact sheet /work/shared/tim-api-facts.md), plus a small /__sim/ control API.
// Deliberately independent of lib/: it exists to check the console's requests, not to share its code.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { SimState, ACCOUNT_KIND_NAMES, ATTR_SLOTS, type Attrs, type AttrType } from './state';
import { verifyUserSig } from './usersig';

export type SimApi = 'remove_attr' | 'get_attr' | 'set_attr' | 'get_attr_name' | 'set_attr_name';
export const SIM_APIS: readonly SimApi[] = ['remove_attr', 'get_attr', 'set_attr', 'get_attr_name', 'set_attr_name'];
export type FaultKind = 'drop' | 'hang' | 'slow' | 'http5xx' | 'error91000' | 'hugeErrorInfo' | 'hugeBody';
/** Evaluated in this order; the first fault whose draw hits wins. */
export const FAULT_KINDS: readonly FaultKind[] = ['drop', 'hang', 'slow', 'http5xx', 'error91000', 'hugeErrorInfo', 'hugeBody'];

export interface SimFaults {
  error91000?: number;
  http5xx?: number;
  slow?: number;
  /** Extra delay for a "slow" answer; default 15000. */
  slowMs?: number;
  hang?: number;
  drop?: number;
  /**
   * A hostile or broken server: 60002 with an ErrorInfo of hugeBytes that starts with the request's
   * own URL, UserSig included, and goes on with one long run of letters. Nothing is changed.
   */
  hugeErrorInfo?: number;
  /** The real answer (the work is done), with a `Padding` field of hugeBytes. */
  hugeBody?: number;
  /** Size of those two, in bytes (the ErrorInfo is never shorter than the URL it echoes); default 10,000,000. */
  hugeBytes?: number;
}

/** Calls per second: one number for every API, or per API (the others keep theirs; default 100 each). */
export type SimQpsLimit = number | Partial<Record<SimApi, number>>;

export interface SimConfig {
  /** Per API: Tencent limits each API separately, per SDKAppID. */
  qpsLimit: Record<SimApi, number>;
  latencyMs: number;
  latencyJitterMs: number;
  faults: Required<SimFaults>;
}

export interface SimConfigPatch {
  /** Rotates the app's key (as in the Chat console): sigs made with the old key then fail with 70009. Never echoed back. */
  secretKey?: string;
  qpsLimit?: SimQpsLimit;
  latencyMs?: number;
  latencyJitterMs?: number;
  faults?: SimFaults;
}

/** One SDKAppID hosted by the simulator: its own key, admins, attribute state, rate windows and stats. */
export interface SimAppOptions {
  sdkAppId: number;
  secretKey: string;
  /** A name for people (e.g. "staging"), shown by GET /__sim/apps. */
  label?: string;
  /** Default ['administrator']. */
  admins?: string[];
  /** Slot i ↔ name (at most 10). */
  attrNames?: string[];
  /** Slot i ↔ account type of attrNames[i]: 0 = UserID (default), 1 = RegistrationID. */
  attrTypes?: AttrType[];
  /** UserID accounts: id → attribute values; a user with {} exists but has no attributes. Never mutated. */
  users?: Record<string, Record<string, string>>;
  /** RegistrationID accounts, the same shape; an id may not also be in users. Never mutated. */
  registrationIds?: Record<string, Record<string, string>>;
  qpsLimit?: SimQpsLimit;
}

/** Server-wide options; latency and faults are every app's starting config. */
export interface SimServerOptions {
  /** 0 = pick a free port (default). */
  port?: number;
  /** Only loopback is supported: the control API has no auth. */
  host?: '127.0.0.1';
  latencyMs?: number;
  latencyJitterMs?: number;
  faults?: SimFaults;
  /** Source of randomness for faults and jitter, injectable so tests are deterministic. */
  random?: () => number;
  /** Clock (ms) for UserSig expiry only; rate limiting uses a monotonic clock. */
  now?: () => number;
  /** Ring-buffer size of the request log (shared by all apps); default 20,000. */
  logLimit?: number;
  /** Only the newest this-many log entries keep their account list; default 2,000. */
  logAccountsLimit?: number;
}

type NoAppKeys = { [K in keyof SimAppOptions]?: undefined };

/**
 * Either one app given by the top-level app options (as before `apps` existed), or `apps`: several
 * apps, the first being the default one of the control API. Mixing the two is rejected.
 */
export type SimulatorOptions = SimServerOptions &
  ((SimAppOptions & { apps?: undefined }) | (NoAppKeys & { apps: SimAppOptions[] }));

export interface RequestLogEntry {
  /** Wall-clock ms at arrival. */
  at: number;
  /** Path only: the query holds the UserSig, which must never be logged. */
  path: string;
  /** The app the request's sdkappid named; null when it named none (missing, malformed or unknown). */
  sdkAppId: number | null;
  /** 'unknown' for a /v4 path that is not one of the five APIs (answered 60009). */
  api: SimApi | 'unknown';
  userCount: number;
  accounts?: string[];
  /** null when no JSON answer was sent (drop, hang, HTTP 5xx). */
  errorCode: number | null;
  /** 0 when no HTTP answer was sent (drop, hang). */
  httpStatus: number;
  fault?: FaultKind;
}

/** Counters of one app (requests whose sdkappid named it). */
export interface SimAppStats {
  requests: number;
  byApi: Record<string, number>;
  rateLimited: number;
  /** Highest arrivals in any one second, in any of this app's per-API windows. */
  maxPerSecond: number;
  maxPerSecondByApi: Record<string, number>;
  sigFailures: number;
  faultsInjected: Record<string, number>;
  usersRemoved: number;
}

/**
 * Totals over all apps, plus requests that matched no app (counted in requests and byApi only).
 * maxPerSecond and maxPerSecondByApi are the highest of any app, not sums: each app has its own windows.
 */
export interface SimStats extends SimAppStats {
  /** Keyed by SDKAppID as a decimal string. */
  byApp: Record<string, SimAppStats>;
}

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
export interface Simulator {
  url: string;
  port: number;
  close(): Promise<void>;
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

const MAX_USERS_PER_REQUEST = 100;
const MAX_VALUE_BYTES = 50;
const MAX_NAME_BYTES = 50;
// 100 users × (32-byte id + 10 × (50 + 50) bytes) is ~110 kB; anything far above is not a valid call.
const MAX_BODY_BYTES = 1024 * 1024;
const MAX_UINT32 = 4294967295;
const WINDOW_MS = 1000;
/** Well under V8's longest string (about 512 MB): the answer is built whole in memory, JSON and all. */
export const MAX_HUGE_BYTES = 100_000_000;

const rate = z.number().min(0).max(1);
const perSecond = z.number().int().positive();
const qpsLimitSchema = z.union([
  perSecond,
  z.strictObject({
    remove_attr: perSecond.optional(),
    get_attr: perSecond.optional(),
    set_attr: perSecond.optional(),
    get_attr_name: perSecond.optional(),
    set_attr_name: perSecond.optional(),
  }),
]);
const configPatchSchema = z.strictObject({
  secretKey: z.string().min(1).optional(),
  qpsLimit: qpsLimitSchema.optional(),
  latencyMs: z.number().min(0).max(600_000).optional(),
  latencyJitterMs: z.number().min(0).max(600_000).optional(),
  faults: z
    .strictObject({
      error91000: rate.optional(),
      http5xx: rate.optional(),
      slow: rate.optional(),
      slowMs: z.number().min(0).max(600_000).optional(),
      hang: rate.optional(),
      drop: rate.optional(),
      hugeErrorInfo: rate.optional(),
      hugeBody: rate.optional(),
      hugeBytes: z.number().int().min(0).max(MAX_HUGE_BYTES).optional(),
    })
    .optional(),
});
const usersQuerySchema = z.strictObject({ ids: z.array(z.string()).max(100_000) });

interface Route {
  api: SimApi;
  /** The old all_member_push family has no AttrTypes. */
  legacy: boolean;
}

const ROUTES = new Map<string, Route>();
for (const api of SIM_APIS) {
  ROUTES.set(`/v4/timpush/${api}`, { api, legacy: false });
  ROUTES.set(`/v4/all_member_push/im_${api}`, { api, legacy: true });
}

/** Arrival timestamps of the last second, as a deque so each request costs amortised O(1). */
class SlidingWindow {
  private times: number[] = [];
  private head = 0;

  /** Records an arrival and returns how many arrived in (now − 1000 ms, now]. */
  hit(now: number): number {
    while (this.head < this.times.length && (this.times[this.head] ?? 0) <= now - WINDOW_MS) this.head++;
    if (this.head > 4096 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    this.times.push(now);
    return this.times.length - this.head;
  }
}

/** Fixed-size ring buffer; only the newest entries keep their (memory-heavy) account lists. */
class RequestLog {
  private buf: (RequestLogEntry | undefined)[];
  private next = 0;
  private size = 0;

  constructor(
    private readonly limit: number,
    private readonly accountsLimit: number,
  ) {
    this.buf = new Array<RequestLogEntry | undefined>(limit);
  }

  push(e: RequestLogEntry): void {
    this.buf[this.next] = e;
    const stale = (this.next - this.accountsLimit + this.limit) % this.limit;
    if (this.accountsLimit < this.limit) {
      const old = this.buf[stale];
      if (old) delete old.accounts;
    }
    this.next = (this.next + 1) % this.limit;
    this.size = Math.min(this.size + 1, this.limit);
  }

  list(keep: (e: RequestLogEntry) => boolean = () => true): RequestLogEntry[] {
    const out: RequestLogEntry[] = [];
    const start = (this.next - this.size + this.limit) % this.limit;
    for (let i = 0; i < this.size; i++) {
      const e = this.buf[(start + i) % this.limit];
      if (e && keep(e)) out.push(e.accounts ? { ...e, accounts: [...e.accounts] } : { ...e });
    }
    return out;
  }

  /** Drops the matching entries, keeping the others in order. */
  removeWhere(drop: (e: RequestLogEntry) => boolean): void {
    const kept = this.list((e) => !drop(e));
    this.clear();
    for (const e of kept) this.push(e);
  }

  clear(): void {
    this.buf = new Array<RequestLogEntry | undefined>(this.limit);
    this.next = 0;
    this.size = 0;
  }
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

class ApiError {
  constructor(
    readonly code: number,
    readonly info: string,
  ) {}
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function utf8Bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

function emptyStats(): SimAppStats {
  return {
    requests: 0,
    byApi: Object.fromEntries(SIM_APIS.map((a) => [a, 0])),
    rateLimited: 0,
    maxPerSecond: 0,
    maxPerSecondByApi: Object.fromEntries(SIM_APIS.map((a) => [a, 0])),
    sigFailures: 0,
    faultsInjected: Object.fromEntries(FAULT_KINDS.map((f) => [f, 0])),
    usersRemoved: 0,
  };
}

function applyPatch(base: SimConfig, patch: SimConfigPatch): SimConfig {
  const p = configPatchSchema.parse(patch);
  const q = p.qpsLimit;
  return {
    qpsLimit:
      q === undefined
        ? base.qpsLimit
        : typeof q === 'number'
          ? perApi(q)
          : { ...base.qpsLimit, ...(stripUndefined(q) as Partial<Record<SimApi, number>>) },
    latencyMs: p.latencyMs ?? base.latencyMs,
    latencyJitterMs: p.latencyJitterMs ?? base.latencyJitterMs,
    faults: { ...base.faults, ...stripUndefined(p.faults ?? {}) },
  };
}

function perApi(n: number): Record<SimApi, number> {
  return Object.fromEntries(SIM_APIS.map((a) => [a, n])) as Record<SimApi, number>;
}

function copyConfig(c: SimConfig): SimConfig {
  return { ...c, qpsLimit: { ...c.qpsLimit }, faults: { ...c.faults } };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Best-effort account list for the log, from whatever the body looks like. */
function accountsOf(api: SimApi, body: unknown): string[] | undefined {
  if (!isObject(body)) return undefined;
  if (api === 'get_attr') {
    const list = body.To_Account;
    return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : undefined;
  }
  if (api === 'remove_attr' || api === 'set_attr') {
    const list = body.UserAttrs;
    if (!Array.isArray(list)) return undefined;
    const out: string[] = [];
    for (const e of list) if (isObject(e) && typeof e.To_Account === 'string') out.push(e.To_Account);
    return out;
  }
  return undefined;
}

function userCountOf(api: SimApi, body: unknown): number {
  if (!isObject(body)) return 0;
  const list = api === 'get_attr' ? body.To_Account : api === 'remove_attr' || api === 'set_attr' ? body.UserAttrs : undefined;
  return Array.isArray(list) ? list.length : 0;
}

interface UserOp<T> {
  account: string;
  value: T;
}

function parseUserAttrs<T>(body: Json, parseAttrs: (v: unknown) => T): UserOp<T>[] {
  const list = body.UserAttrs;
  if (!Array.isArray(list) || list.length === 0) throw new ApiError(90001, 'UserAttrs must be a non-empty array');
  if (list.length > MAX_USERS_PER_REQUEST) {
    throw new ApiError(90018, `too many accounts: ${list.length} > ${MAX_USERS_PER_REQUEST}`);
  }
  return list.map((entry, i) => {
    if (!isObject(entry)) throw new ApiError(90001, `UserAttrs[${i}] must be an object`);
    const account = entry.To_Account;
    if (typeof account !== 'string' || account.length === 0) {
      throw new ApiError(60015, `UserAttrs[${i}].To_Account must be a non-empty string`);
    }
    return { account, value: parseAttrs(entry.Attrs) };
  });
}

function parseRemoveAttrs(v: unknown): string[] {
  if (!Array.isArray(v) || !v.every((x): x is string => typeof x === 'string')) {
    throw new ApiError(90001, 'Attrs must be an array of attribute names');
  }
  return v;
}

function parseSetAttrs(v: unknown): Attrs {
  if (!isObject(v)) throw new ApiError(90001, 'Attrs must be an object of name → value');
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== 'string') throw new ApiError(90001, `value of attribute ${k} must be a string`);
    if (utf8Bytes(val) > MAX_VALUE_BYTES) {
      throw new ApiError(90001, `value of attribute ${k} is longer than ${MAX_VALUE_BYTES} bytes`);
    }
  }
  return v as Attrs;
}

function parseGetAttr(body: Json): string[] {
  const list = body.To_Account;
  if (!Array.isArray(list) || list.length === 0) throw new ApiError(90001, 'To_Account must be a non-empty array');
  if (list.length > MAX_USERS_PER_REQUEST) {
    throw new ApiError(90018, `too many accounts: ${list.length} > ${MAX_USERS_PER_REQUEST}`);
  }
  list.forEach((a, i) => {
    if (typeof a !== 'string' || a.length === 0) throw new ApiError(60015, `To_Account[${i}] must be a non-empty string`);
  });
  return list as string[];
}

function parseSlot(key: string): number {
  if (!/^[0-9]$/.test(key)) throw new ApiError(90001, `attribute index ${JSON.stringify(key)} must be "0".."${ATTR_SLOTS - 1}"`);
  return Number(key);
}

function parseSetAttrName(body: Json, legacy: boolean): { names: Map<number, string>; types: Map<number, AttrType> } {
  const rawNames = body.AttrNames;
  if (!isObject(rawNames) || Object.keys(rawNames).length === 0) {
    throw new ApiError(90001, 'AttrNames must be a non-empty object');
  }
  const names = new Map<number, string>();
  for (const [k, v] of Object.entries(rawNames)) {
    const slot = parseSlot(k);
    if (typeof v !== 'string' || v.length === 0 || utf8Bytes(v) > MAX_NAME_BYTES) {
      throw new ApiError(90001, `AttrNames.${k} must be a string of 1..${MAX_NAME_BYTES} bytes`);
    }
    names.set(slot, v);
  }
  const types = new Map<number, AttrType>();
  // AttrTypes exists only on the timpush family; the old family ignores the field.
  if (!legacy && body.AttrTypes !== undefined) {
    const rawTypes = body.AttrTypes;
    if (!isObject(rawTypes)) throw new ApiError(90001, 'AttrTypes must be an object');
    for (const [k, v] of Object.entries(rawTypes)) {
      const slot = parseSlot(k);
      if (!names.has(slot)) throw new ApiError(90001, `AttrTypes.${k} has no matching AttrNames entry`);
      if (v !== 0 && v !== 1) throw new ApiError(90001, `AttrTypes.${k} must be 0 or 1`);
      types.set(slot, v);
    }
  }
  return { names, types };
}

const APP_OPTION_KEYS = ['sdkAppId', 'secretKey', 'label', 'admins', 'attrNames', 'attrTypes', 'users', 'registrationIds', 'qpsLimit'] as const;

/** The app list the options describe, validated; the first one is the control API's default app. */
function appsOf(opts: SimulatorOptions): SimAppOptions[] {
  let list: SimAppOptions[];
  if (opts.apps !== undefined) {
    const mixed = APP_OPTION_KEYS.filter((k) => opts[k] !== undefined);
    if (mixed.length > 0) {
      throw new Error(`give either apps or the single-app options, not both (also given: ${mixed.join(', ')})`);
    }
    if (!Array.isArray(opts.apps) || opts.apps.length === 0) throw new Error('apps must be a non-empty array');
    list = opts.apps;
  } else {
    list = [opts];
  }
  const seen = new Set<number>();
  list.forEach((a, i) => {
    const where = opts.apps === undefined ? '' : `apps[${i}].`;
    if (!Number.isSafeInteger(a.sdkAppId) || a.sdkAppId <= 0) throw new Error(`${where}sdkAppId must be a positive integer`);
    if (typeof a.secretKey !== 'string' || a.secretKey.length === 0) throw new Error(`${where}secretKey must be non-empty`);
    if (seen.has(a.sdkAppId)) throw new Error(`${where}sdkAppId ${a.sdkAppId} is given twice`);
    seen.add(a.sdkAppId);
  });
  return list;
}

function copyStats(c: SimAppStats): SimAppStats {
  return { ...c, byApi: { ...c.byApi }, maxPerSecondByApi: { ...c.maxPerSecondByApi }, faultsInjected: { ...c.faultsInjected } };
}

/** Everything one SDKAppID owns. Reset puts it back to the seed. */
interface App {
  readonly sdkAppId: number;
  readonly label: string | undefined;
  readonly seedKey: string;
  readonly admins: ReadonlySet<string>;
  readonly state: SimState;
  readonly initialConfig: SimConfig;
  secretKey: string;
  config: SimConfig;
  stats: SimAppStats;
  /** One sliding window per API: Tencent limits calls per SDKAppID and per API. */
  windows: Map<SimApi, SlidingWindow>;
}

export async function startSimulator(opts: SimulatorOptions): Promise<Simulator> {
  const host = opts.host ?? '127.0.0.1';
  if (host !== '127.0.0.1') throw new Error('the simulator only binds 127.0.0.1');
  const random = opts.random ?? Math.random;
  const now = opts.now ?? Date.now;
  const baseConfig = applyPatch(
    {
      qpsLimit: perApi(100),
      latencyMs: 0,
      latencyJitterMs: 0,
      faults: { error91000: 0, http5xx: 0, slow: 0, slowMs: 15_000, hang: 0, drop: 0, hugeErrorInfo: 0, hugeBody: 0, hugeBytes: 10_000_000 },
    },
    { latencyMs: opts.latencyMs, latencyJitterMs: opts.latencyJitterMs, faults: opts.faults },
  );
  const apps = new Map<number, App>();
  for (const a of appsOf(opts)) {
    const initialConfig = applyPatch(baseConfig, { qpsLimit: a.qpsLimit });
    apps.set(a.sdkAppId, {
      sdkAppId: a.sdkAppId,
      label: a.label,
      seedKey: a.secretKey,
      admins: new Set(a.admins ?? ['administrator']),
      state: new SimState(a.attrNames ?? [], a.users ?? {}, { attrTypes: a.attrTypes, registrationIds: a.registrationIds }),
      initialConfig,
      secretKey: a.secretKey,
      config: initialConfig,
      stats: emptyStats(),
      windows: new Map(),
    });
  }
  const firstApp = apps.values().next().value as App;
  const logLimit = opts.logLimit ?? 20_000;
  const logAccountsLimit = opts.logAccountsLimit ?? 2_000;
  if (!Number.isSafeInteger(logLimit) || logLimit < 1) throw new Error('logLimit must be a positive integer');

  /** Requests that matched no app (no or unknown sdkappid): counted in the totals only. */
  let unmatched = emptyStats();
  const log = new RequestLog(logLimit, Math.min(Math.max(0, logAccountsLimit), logLimit));
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  let closed = false;

  function resetApp(app: App): void {
    app.state.reset();
    app.config = app.initialConfig;
    app.secretKey = app.seedKey;
    app.stats = emptyStats();
    app.windows = new Map();
  }

  function later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  }

  function sendJson(res: ServerResponse, status: number, body: unknown): void {
    if (closed || res.destroyed || res.writableEnded) return;
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  function sendText(res: ServerResponse, status: number, text: string): void {
    if (closed || res.destroyed || res.writableEnded) return;
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  function envelope(code: number, info: string): Json {
    return { ActionStatus: code === 0 ? 'OK' : 'FAIL', ErrorCode: code, ErrorInfo: info };
  }

  /** Resolves null when the client went away mid-body: there is nobody left to answer. */
  function readBody(req: IncomingMessage): Promise<{ text: string; tooLarge: boolean } | null> {
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let tooLarge = false;
      req.on('data', (c: Buffer) => {
        size += c.length;
        // Keep draining so the connection stays usable, but stop buffering.
        if (size > MAX_BODY_BYTES) tooLarge = true;
        else chunks.push(c);
      });
      req.on('end', () => resolve({ text: tooLarge ? '' : Buffer.concat(chunks).toString('utf8'), tooLarge }));
      req.on('error', () => resolve(null));
      req.on('close', () => {
        if (!req.complete) resolve(null);
      });
    });
  }

  function pickFault(config: SimConfig): FaultKind | undefined {
    for (const f of FAULT_KINDS) {
      const r = config.faults[f];
      if (r > 0 && random() < r) return f;
    }
    return undefined;
  }

  function latency(config: SimConfig): number {
    const { latencyMs, latencyJitterMs } = config;
    if (latencyJitterMs <= 0) return latencyMs;
    return Math.max(0, latencyMs + (random() * 2 - 1) * latencyJitterMs);
  }

  /** The app a TIM request addresses: its sdkappid, when that is a well-formed known one. */
  function appOfQuery(url: URL): App | undefined {
    const text = url.searchParams.get('sdkappid');
    return text !== null && /^\d{1,16}$/.test(text) ? apps.get(Number(text)) : undefined;
  }

  /** Steps 1–4 of the check order: URL, UserSig, admin, rate limit. Throws ApiError; returns the app. */
  function checkRequest(req: IncomingMessage, url: URL, api: SimApi, app: App | undefined): App {
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

  function checkNames(state: SimState, names: Iterable<string>): void {
    for (const n of names) {
      if (!state.hasAttrName(n)) throw new ApiError(90033, `attrName:${n} does not exist`);
    }
  }

  /**
   * Steps 5–6 (validation) return a closure that performs step 8, so a fault can be decided between
   * validation and mutation and leave the state untouched.
   */
  function prepare(app: App, api: SimApi, legacy: boolean, body: unknown): () => Json {
    const { state } = app;
    if (!isObject(body)) throw new ApiError(90001, 'request body must be a JSON object');
    switch (api) {
      case 'remove_attr': {
        const ops = parseUserAttrs(body, parseRemoveAttrs);
        for (const op of ops) checkNames(state, op.value);
        return () => {
          const errors: Json[] = [];
          for (const op of ops) {
            if (state.removeAttrs(op.account, op.value)) app.stats.usersRemoved++;
            else errors.push({ To_Account: op.account, ErrorCode: 70107, ErrorInfo: 'account not found' });
          }
          return withErrorList(envelope(0, ''), errors);
        };
      }
      case 'set_attr': {
        const ops = parseUserAttrs(body, parseSetAttrs);
        for (const op of ops) checkNames(state, Object.keys(op.value));
        return () => {
          const errors: Json[] = [];
          for (const op of ops) {
            const kind = state.accountKind(op.account);
            if (kind === undefined) {
              errors.push({ To_Account: op.account, ErrorCode: 70107, ErrorInfo: 'account not found' });
              continue;
            }
            // An attribute bound to the other account type: that account is not written at all.
            const wrong = Object.keys(op.value).find((n) => state.attrType(n) !== kind);
            if (wrong !== undefined) {
              const bound = ACCOUNT_KIND_NAMES[kind === 0 ? 1 : 0];
              errors.push({
                To_Account: op.account,
                ErrorCode: 90035,
                ErrorInfo: `attrName:${wrong} is bound to ${bound} accounts, ${op.account} is a ${ACCOUNT_KIND_NAMES[kind]}`,
              });
              continue;
            }
            state.setAttrs(op.account, op.value);
          }
          return withErrorList(envelope(0, ''), errors);
        };
      }
      case 'get_attr': {
        const accounts = parseGetAttr(body);
        return () => {
          const found: Json[] = [];
          const errors: Json[] = [];
          for (const account of accounts) {
            const a = state.peekUser(account);
            if (a === undefined) errors.push({ To_Account: account, ErrorCode: 70107, ErrorInfo: 'account not found' });
            else found.push({ To_Account: account, Attrs: { ...a } });
          }
          return withErrorList({ ...envelope(0, ''), UserAttrs: found }, errors);
        };
      }
      case 'get_attr_name':
        return () => {
          const t = state.attrTable();
          const out: Json = { ...envelope(0, ''), AttrNames: t.names };
          if (!legacy) out.AttrTypes = t.types;
          return out;
        };
      case 'set_attr_name': {
        const { names, types } = parseSetAttrName(body, legacy);
        return () => {
          const r = state.setAttrNames(names, types);
          return r.ok ? envelope(0, '') : envelope(90033, r.info);
        };
      }
    }
  }

  function withErrorList(out: Json, errors: Json[]): Json {
    if (errors.length > 0) out.ErrorList = errors;
    return out;
  }

  async function handleTim(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const at = Date.now();
    const path = url.pathname;
    const route = ROUTES.get(path);
    const addressed = appOfQuery(url);
    const counters = addressed?.stats ?? unmatched;
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
      app = checkRequest(req, url, api, addressed);
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
    const fault = pickFault(config);
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
    const delay = latency(config) + (fault === 'slow' ? config.faults.slowMs : 0);
    if (delay > 0) later(delay, respond);
    else respond();
  }

  /** An app by id for the programmatic API and ?sdkappid=; undefined = the first app. */
  function appById(sdkAppId: number | undefined): App {
    if (sdkAppId === undefined) return firstApp;
    const app = apps.get(sdkAppId);
    if (!app) throw new ControlError(404, `unknown sdkappid ${sdkAppId}`);
    return app;
  }

  /** The control API's optional ?sdkappid=N. */
  function sdkAppIdParam(url: URL): number | undefined {
    const text = url.searchParams.get('sdkappid');
    if (text === null) return undefined;
    if (!/^\d{1,16}$/.test(text)) throw new ControlError(400, 'sdkappid must be a positive integer');
    return appById(Number(text)).sdkAppId;
  }

  async function handleControl(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const received = await readBody(req);
    if (!received) return;
    const { text } = received;
    const parse = (): unknown => (text.length === 0 ? {} : JSON.parse(text));
    try {
      const id = sdkAppIdParam(url);
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
      const { state } = appById(id);
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

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sim.invalid');
    const work = url.pathname.startsWith('/__sim/')
      ? handleControl(req, res, url)
      : url.pathname.startsWith('/v4/')
        ? handleTim(req, res, url)
        : Promise.resolve(sendText(res, 404, 'not found'));
    work.catch((err: unknown) => {
      // A bug in the simulator must be loud, not look like a TIM answer.
      console.error('[sim] internal error', err);
      sendText(res, 500, 'simulator internal error');
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  function stats(): SimStats;
  function stats(sdkAppId: number): SimAppStats;
  function stats(sdkAppId?: number): SimStats | SimAppStats;
  function stats(sdkAppId?: number): SimStats | SimAppStats {
    return sdkAppId === undefined ? totals() : copyStats(appById(sdkAppId).stats);
  }

  function totals(): SimStats {
    const out: SimStats = { ...emptyStats(), byApp: {} };
    const add = (into: Record<string, number>, from: Record<string, number>) => {
      for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
    };
    for (const c of [unmatched, ...[...apps.values()].map((a) => a.stats)]) {
      out.requests += c.requests;
      out.rateLimited += c.rateLimited;
      out.sigFailures += c.sigFailures;
      out.usersRemoved += c.usersRemoved;
      out.maxPerSecond = Math.max(out.maxPerSecond, c.maxPerSecond);
      add(out.byApi, c.byApi);
      add(out.faultsInjected, c.faultsInjected);
      for (const [k, v] of Object.entries(c.maxPerSecondByApi)) out.maxPerSecondByApi[k] = Math.max(out.maxPerSecondByApi[k] ?? 0, v);
    }
    for (const app of apps.values()) out.byApp[String(app.sdkAppId)] = copyStats(app.stats);
    return out;
  }

  const sim: Simulator = {
    url: `http://${host}:${port}`,
    port,
    async close() {
      if (closed) return;
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      // server.close() alone waits for hung requests forever.
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      await done;
    },
    getUser: (id, sdkAppId) => appById(sdkAppId).state.getUser(id),
    setConfig(patch, sdkAppId) {
      const app = appById(sdkAppId);
      app.config = applyPatch(app.config, patch);
      if (patch.secretKey !== undefined) app.secretKey = patch.secretKey;
    },
    getConfig: (sdkAppId) => copyConfig(appById(sdkAppId).config),
    reset(sdkAppId) {
      if (sdkAppId !== undefined) {
        resetApp(appById(sdkAppId));
        log.removeWhere((e) => e.sdkAppId === sdkAppId);
        return;
      }
      for (const app of apps.values()) resetApp(app);
      unmatched = emptyStats();
      log.clear();
    },
    stats,
    requests: (sdkAppId) => {
      if (sdkAppId === undefined) return log.list();
      appById(sdkAppId);
      return log.list((e) => e.sdkAppId === sdkAppId);
    },
    clearRequests(sdkAppId) {
      if (sdkAppId === undefined) return log.clear();
      appById(sdkAppId);
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
  return sim;
}
