import type { ApiRun } from '../lib/schemas/api';

/** SPEC "API and command line". */
export const EXIT = { ok: 0, someFailed: 1, usage: 2, stopped: 3 } as const;

/** A finished run: stopped (failed, cancelled, interrupted) is 3; some users failed or not sent is 1; else 0. */
export function exitCodeOf(run: Pick<ApiRun, 'status' | 'failed' | 'notSent'>): number {
  if (run.status !== 'completed') return EXIT.stopped;
  return run.failed + run.notSent > 0 ? EXIT.someFailed : EXIT.ok;
}
