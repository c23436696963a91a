import { expect, it } from 'vitest';
import type { UserOutcome } from '../../engine/engine';
import type { Fence } from '../../lease/fence';
import { runTurns, type OutcomeGroup } from './run-turns';

const AT = 1_700_000_000_000;
const batch = (...seqs: number[]): UserOutcome[] => seqs.map((seq) => ({ seq, account: `u${seq}`, status: 'removed', attempts: 1 }));
const fence = (token: number): Fence => ({ scope: 'app', appId: 'app1', holder: 'p1', token });

/** Writes that finish when the test says: what each was given, in order. */
function heldWrites() {
  const log: string[] = [];
  const release: (() => void)[] = [];
  const fail: ((err: Error) => void)[] = [];
  const hold = (entry: string) => {
    log.push(entry);
    return new Promise<void>((resolve, reject) => {
      release.push(resolve);
      fail.push(reject);
    });
  };
  const turns = runTurns((runId, g: OutcomeGroup) => hold(`run ${runId}: ${g.outcomes.map((o) => o.seq).join(',')} (${g.requests} requests, at ${g.atMs - AT})`));
  return { turns, log, hold, release: (i: number) => release[i]!(), fail: (i: number, err: Error) => fail[i]!(err) };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

it('writes the batches asked while a run’s turn is taken as one group when it comes, and answers each once its group is written', async () => {
  const { turns, log, release } = heldWrites();
  const settled: number[] = [];
  const first = turns.recordOutcomes(7, batch(1, 2), 1, AT, fence(3)).then(() => settled.push(1));
  await tick();
  const later = [batch(3), batch(4, 5), batch(6)].map((b, i) => turns.recordOutcomes(7, b, 2, AT + 100 * i, fence(3)).then(() => settled.push(b[0]!.seq)));
  await tick();
  expect(log).toEqual(['run 7: 1,2 (1 requests, at 0)']);

  release(0);
  await first;
  await tick();
  expect(log).toEqual(['run 7: 1,2 (1 requests, at 0)', 'run 7: 3,4,5,6 (6 requests, at 200)']);
  expect(settled).toEqual([1]);
  release(1);
  await Promise.all(later);
  expect(settled).toEqual([1, 3, 4, 6]);
});

it('keeps apart what one statement cannot hold: another run, another second, another fence', async () => {
  const { turns, log, release } = heldWrites();
  const all = [
    turns.recordOutcomes(7, batch(1), 1, AT, fence(3)),
    turns.recordOutcomes(8, batch(1), 1, AT, fence(3)),
    turns.recordOutcomes(7, batch(2), 1, AT + 1_000, fence(3)),
    turns.recordOutcomes(7, batch(3), 1, AT + 1_000, fence(4)),
    turns.recordOutcomes(7, batch(4), 1, AT + 1_000, null),
  ];
  for (let i = 0; i < 5; i++) {
    await tick();
    release(i);
  }
  await Promise.all(all);
  expect(log).toEqual([
    'run 7: 1 (1 requests, at 0)',
    'run 8: 1 (1 requests, at 0)',
    'run 7: 2 (1 requests, at 1000)',
    'run 7: 3 (1 requests, at 1000)',
    'run 7: 4 (1 requests, at 1000)',
  ]);
});

it('writes nothing ahead of a write taken in turn before it: outcomes asked after a run’s close wait for the close', async () => {
  const { turns, log, hold, release } = heldWrites();
  const a = turns.recordOutcomes(7, batch(1), 1, AT, null);
  const closed = turns.inTurn(7, () => hold('run 7: close'));
  const b = turns.recordOutcomes(7, batch(2), 1, AT, null);
  for (let i = 0; i < 3; i++) {
    await tick();
    release(i);
  }
  await Promise.all([a, closed, b]);
  expect(log).toEqual(['run 7: 1 (1 requests, at 0)', 'run 7: close', 'run 7: 2 (1 requests, at 0)']);
});

it('fails every batch of a group whose write failed, and no other', async () => {
  const { turns, fail, release } = heldWrites();
  const first = turns.recordOutcomes(7, batch(1), 1, AT, null);
  await tick();
  const grouped = [turns.recordOutcomes(7, batch(2), 1, AT, null), turns.recordOutcomes(7, batch(3), 1, AT, null)];
  release(0);
  await first;
  await tick();
  fail(1, new Error('connection lost'));
  for (const p of grouped) await expect(p).rejects.toThrow('connection lost');
  const next = turns.recordOutcomes(7, batch(4), 1, AT, null);
  await tick();
  release(2);
  await expect(next).resolves.toBeUndefined();
});
