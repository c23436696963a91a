/** The slowest of a console's /api/health answers, asked every `everyMs` while `during` runs (Infinity if one failed). */
export async function slowestHealth(baseUrl: string, during: () => Promise<unknown>, everyMs = 100): Promise<number> {
  let slowest = 0;
  const asking = setInterval(() => {
    const started = Date.now();
    void fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(5_000) }).then(
      () => (slowest = Math.max(slowest, Date.now() - started)),
      () => (slowest = Infinity),
    );
  }, everyMs);
  try {
    await during();
    // The last answers asked for are still on their way.
    await new Promise((resolve) => setTimeout(resolve, 200));
  } finally {
    clearInterval(asking);
  }
  return slowest;
}
