/**
 * What must run before the process exits on SIGTERM, handed from the code Next.js loads (the
 * worker, started by instrumentation) to server.ts, which loads lib/ on its own: the two meet on
 * globalThis. No server-only import here, for server.ts runs outside the react-server condition.
 */
/** SIGTERM: the worker's own wait for batches in flight is 15 s; its release of the apps gets the rest. */
export const SHUTDOWN_BOUND_MS = 20_000;

const holder = globalThis as typeof globalThis & { __timConsoleShutdown?: (() => Promise<void>)[] };

export function onShutdown(step: () => Promise<void>): void {
  (holder.__timConsoleShutdown ??= []).push(step);
}

/** Runs every step, together, for at most `boundMs`; never rejects. */
export async function shutDown(boundMs: number): Promise<void> {
  let bound: NodeJS.Timeout | undefined;
  const steps = (holder.__timConsoleShutdown ?? []).map((step) => step().catch(() => undefined));
  await Promise.race([Promise.all(steps), new Promise((resolve) => (bound = setTimeout(resolve, boundMs)))]);
  clearTimeout(bound);
}
