import 'server-only';

/**
 * Connections of a process's pool that its passes (the lanes' snapshots, outcomes, copies, reads
 * of pending users) leave to pages and /api/health. Snapshots take no turn, so the 32 lanes of a
 * run (96 for three apps) could take every connection, and a page asked after them waited for them
 * all (turns.test.ts).
 */
export const CONNECTIONS_FOR_PAGES = 3;

/** Runs at most `n` of the calls at once; the others wait, in the order they were asked. */
export function limitConcurrency(n: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (running < n) running++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await fn();
    } finally {
      // A slot freed goes straight to the next waiter, so no later caller can take it first.
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}
