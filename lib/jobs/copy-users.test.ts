import { describe, expect, it } from 'vitest';
import type { RunStore } from '../store/store';
import { COPY_AHEAD, startCopy } from './copy-users';

// Neither store's own size: the copy must take the one it is given.
const COPY_SLICE = 1_000;

/** A parent of `users` users, copied a slice per call; only copyUsers and copySlice are used by the copy. */
function parentOf(users: number) {
  const state = { slices: 0 };
  const runs = {
    copySlice: COPY_SLICE,
    copyUsers: async (_runId: number, slice = COPY_SLICE) => {
      state.slices += 1;
      return { done: state.slices * slice >= users };
    },
  } as unknown as RunStore;
  return { runs, state };
}

const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('the copy of a run’s users ahead of its lanes', () => {
  it('stops COPY_AHEAD users past what the lanes have read, and goes on as they read more', async () => {
    const { runs, state } = parentOf(1_000_000);
    const copy = startCopy(runs, 1);
    await turns(100);
    expect(state.slices).toBe(COPY_AHEAD / COPY_SLICE);
    copy.readUpTo(10_000);
    await turns(100);
    expect(state.slices).toBe((COPY_AHEAD + 10_000) / COPY_SLICE);
    copy.stop();
    await copy.finished;
    expect(copy.isDone()).toBe(false);
  });

  it('copies on while the lanes wait for it, even when what they read lags far behind (a restore that takes few of its parent’s users)', async () => {
    const { runs, state } = parentOf(200_000);
    const copy = startCopy(runs, 1);
    while (!copy.isDone()) await copy.next();
    await copy.finished;
    expect(state.slices).toBe(200_000 / COPY_SLICE);
  });

  it('copies the rest at once when the lanes are done before it (a cancel marks every user, copied or not)', async () => {
    const { runs, state } = parentOf(200_000);
    const copy = startCopy(runs, 1);
    await turns(100);
    expect(state.slices).toBe(COPY_AHEAD / COPY_SLICE);
    copy.unpace();
    await copy.finished;
    expect(copy.isDone()).toBe(true);
    expect(state.slices).toBe(200_000 / COPY_SLICE);
  });

  it('ends at once when stopped while it waits for the lanes', async () => {
    const { runs, state } = parentOf(1_000_000);
    const copy = startCopy(runs, 1);
    await turns(100);
    copy.stop();
    await copy.finished;
    expect(state.slices).toBe(COPY_AHEAD / COPY_SLICE);
  });
});
