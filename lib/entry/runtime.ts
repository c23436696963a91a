import 'server-only';
import { getConfig } from '../config';
import { createRuntime, type Runtime } from '../runtime';

/**
 * This process's runtime. Kept on globalThis because Next.js may load a server module more than
 * once (per route bundle); there must be one store and, above all, one set of rate budgets per
 * app for every run in the process, or the QPS ceilings would be shared by nothing.
 */
const holder = globalThis as typeof globalThis & { __timConsoleRuntime?: Runtime };

export function runtime(): Runtime {
  holder.__timConsoleRuntime ??= createRuntime(getConfig());
  return holder.__timConsoleRuntime;
}
