/** A source that sent nothing for longer than it was allowed. */
export class StalledError extends Error {
  constructor(readonly idleMs: number) {
    super(`no data for ${idleMs} ms`);
  }
}

/**
 * The chunks of `source`, or StalledError once none has arrived for `idleMs`. The source is told
 * to stop (its `return`), so a request body that stalls lets go of what it holds.
 */
export async function* withIdleTimeout<T>(source: AsyncIterable<T>, idleMs: number): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let finished = false;
  try {
    for (;;) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const stalled = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new StalledError(idleMs)), idleMs);
      });
      try {
        const next = await Promise.race([iterator.next(), stalled]);
        if (next.done) {
          finished = true;
          return;
        }
        yield next.value;
      } finally {
        clearTimeout(timer);
      }
    }
  } finally {
    // Not awaited: a source stuck in its own read may never settle its return either.
    if (!finished) void iterator.return?.()?.catch(() => undefined);
  }
}
