import 'server-only';
import type { UserOutcome } from '../../engine/engine';
import type { Fence } from '../../lease/fence';
import { progressSlot } from '../../runs/progress';

/** Batches of one run written as one statement: their outcomes, their requests, the latest time they were finished at. */
export interface OutcomeGroup {
  outcomes: UserOutcome[];
  requests: number;
  atMs: number;
  fence: Fence | null;
}

function sameFence(a: Fence | null, b: Fence | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.scope === 'database' || b.scope === 'database') return a.scope === b.scope && a.holder === b.holder;
  return a.appId === b.appId && a.holder === b.holder && a.token === b.token;
}

/**
 * A pass's writes of one run (outcomes, copying users, closing it) each lock the run's row first,
 * so the database takes them one at a time anyway. Taking turns here, before a connection is
 * taken, keeps the lanes waiting for that lock from holding the whole pool, which pages and
 * /api/health need too.
 *
 * Outcomes that arrive while the run's turn is taken wait together and go as one statement when it
 * comes (group commit). A run's statements go one after another, so at 100 batches a second each
 * must take under 10 ms, its round trip and commit included. A database slower than that (loaded,
 * or far away) would otherwise cap the run's rate; now the batches that arrive meanwhile share the
 * next statement. A group holds only one second's batches under one fence, and a write taken in
 * turn meanwhile (a copy, the close) ends it, so nothing is written before what was asked ahead of
 * it.
 */
export function runTurns<R>(writeOutcomes: (runId: number, group: OutcomeGroup) => Promise<R>) {
  const turns = new Map<number, Promise<unknown>>();
  const waiting = new Map<number, OutcomeGroup & { second: number; written: Promise<R> }>();

  const inTurn = <T>(runId: number, write: () => Promise<T>): Promise<T> => {
    waiting.delete(runId);
    const mine = (turns.get(runId) ?? Promise.resolve()).then(write);
    const settled = mine.then(
      () => undefined,
      () => undefined,
    );
    turns.set(runId, settled);
    void settled.then(() => {
      if (turns.get(runId) === settled) turns.delete(runId);
    });
    return mine;
  };

  const recordOutcomes = (runId: number, outcomes: readonly UserOutcome[], requests: number, atMs: number, fence: Fence | null): Promise<R> => {
    const { second } = progressSlot(atMs);
    const open = waiting.get(runId);
    if (open && open.second === second && sameFence(open.fence, fence)) {
      open.outcomes.push(...outcomes);
      open.requests += requests;
      open.atMs = Math.max(open.atMs, atMs);
      return open.written;
    }
    const fields: OutcomeGroup & { second: number } = { outcomes: [...outcomes], requests, atMs, fence, second };
    const group = {
      ...fields,
      written: inTurn(runId, (): Promise<R> => {
        // The turn comes after this call returns (a promise's then): `group` is set by then.
        if (waiting.get(runId) === group) waiting.delete(runId);
        return writeOutcomes(runId, group);
      }),
    };
    waiting.set(runId, group);
    return group.written;
  };

  return { inTurn, recordOutcomes };
}
