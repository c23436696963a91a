import 'server-only';

/**
 * A pass's writes of one run (outcomes, copying users, closing it) each lock the run's row first,
 * so the database takes them one at a time anyway. Taking turns here, before a connection is
 * taken, keeps the lanes waiting for that lock from holding the whole pool, which pages and
 * /api/health need too.
 */
export function runTurns() {
  const turns = new Map<number, Promise<unknown>>();
  return <T>(runId: number, write: () => Promise<T>): Promise<T> => {
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
}
