import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StalledError, withIdleTimeout } from './idle-timeout';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

/** Chunks pushed by the test, one at a time, and whether the reader told it to stop. */
function source() {
  const waiting: ((r: IteratorResult<string>) => void)[] = [];
  const state = { returned: false };
  const iterable: AsyncIterable<string> = {
    [Symbol.asyncIterator]: () => ({
      next: () => new Promise((resolve) => waiting.push(resolve)),
      return: async () => {
        state.returned = true;
        return { done: true, value: undefined };
      },
    }),
  };
  return { iterable, state, push: (value: string) => waiting.shift()!({ done: false, value }), end: () => waiting.shift()!({ done: true, value: undefined }) };
}

describe('withIdleTimeout', () => {
  it('passes chunks through however long the whole takes, as long as none is late', async () => {
    const s = source();
    const read = (async () => {
      const got: string[] = [];
      for await (const chunk of withIdleTimeout(s.iterable, 1_000)) got.push(chunk);
      return got;
    })();
    for (let i = 0; i < 10; i++) {
      await vi.advanceTimersByTimeAsync(900);
      s.push(`c${i}`);
    }
    await vi.advanceTimersByTimeAsync(900);
    s.end();
    expect(await read).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9']);
    expect(s.state.returned).toBe(false);
  });

  it('fails with StalledError once nothing arrives for the idle time, and tells the source to stop', async () => {
    const s = source();
    const read = (async () => {
      for await (const chunk of withIdleTimeout(s.iterable, 1_000)) void chunk;
    })();
    const failed = expect(read).rejects.toBeInstanceOf(StalledError);
    await vi.advanceTimersByTimeAsync(500);
    s.push('first');
    await vi.advanceTimersByTimeAsync(1_001);
    await failed;
    expect(s.state.returned).toBe(true);
  });
});
