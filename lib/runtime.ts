import 'server-only';
import { getConfig } from './config';
import { openDatabase, type Db } from './db/database';
import { createRateLimiter, type RateLimiter } from './removal/rate-limiter';
import { createTimClient, type TimClient } from './tim/client';
import { createUserSigCache } from './tim/usersig-cache';

/**
 * Process-wide singletons. Kept on globalThis because Next.js may load a server module more than
 * once (per route bundle); there must be one database handle and, above all, one rate limiter for
 * every run in the process, or the QPS ceiling would be shared by nothing.
 */
interface Runtime {
  db: Db;
  databasePath: string;
  tim: TimClient;
  limiter: RateLimiter;
}

const holder = globalThis as typeof globalThis & { __timConsoleRuntime?: Runtime };

export function getRuntime(): Runtime {
  if (holder.__timConsoleRuntime) return holder.__timConsoleRuntime;
  const config = getConfig();
  const db = openDatabase(config.databasePath);
  const tim = createTimClient({
    sdkAppId: config.sdkAppId,
    identifier: config.adminIdentifier,
    baseUrl: config.baseUrl,
    timeoutMs: config.timeoutMs,
    userSig: createUserSigCache({
      sdkAppId: config.sdkAppId,
      identifier: config.adminIdentifier,
      secretKey: () => config.secretKey.reveal(),
    }),
  });
  holder.__timConsoleRuntime = { db, databasePath: config.databasePath, tim, limiter: createRateLimiter(config.maxQps) };
  return holder.__timConsoleRuntime;
}
