// TIM simulator: a node:http server that answers the push user-attribute REST APIs the way the real
// service does (fact sheet /work/shared/tim-api-facts.md), plus a small /__sim/ control API.
// Deliberately independent of lib/: it exists to check the console's requests, not to share its code.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { emptyStats, type App } from './apps';
import { applyPatch, perApi, type SimQpsLimit } from './config';
import type { SimContext } from './context';
import { createControl, handleControl, type SimControl } from './control';
import type { SimFaults } from './faults';
import { RequestLog } from './request-log';
import { SimState, type AttrType } from './state';
import { handleTim } from './tim';

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

/** A running simulator: where it listens, how to stop it, and its control API. */
export interface Simulator extends SimControl {
  url: string;
  port: number;
  close(): Promise<void>;
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

  const log = new RequestLog(logLimit, Math.min(Math.max(0, logAccountsLimit), logLimit));
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  let closed = false;

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

  const ctx: SimContext = { host, random, now, apps, firstApp, log, logAccountsLimit, unmatched: emptyStats(), sendJson, sendText, later };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sim.invalid');
    const work = url.pathname.startsWith('/__sim/')
      ? handleControl(ctx, sim, req, res, url)
      : url.pathname.startsWith('/v4/')
        ? handleTim(ctx, req, res, url)
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
    ...createControl(ctx),
  };
  return sim;
}
