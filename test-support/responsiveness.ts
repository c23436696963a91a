import { createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';

const ASK_EVERY_MS = 20;

/**
 * Runs `work` while a health-like HTTP server in this same process is asked, over and over, for
 * `{"ok":true}`: what a blocked event loop does to /api/health shows as the slowest answer, in ms.
 * Each wait is counted from when the question was due, so a block that delayed the asking itself
 * counts as well, as it would for a prober in another process.
 */
export async function slowestAnswerDuring<T>(work: () => Promise<T>): Promise<{ value: T; slowestMs: number }> {
  const server = createServer((_req, res) => res.end('{"ok":true}'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/health`;
  const ask = () =>
    new Promise<void>((resolve, reject) => {
      get(url, { agent: false }, (res) => res.resume().on('end', resolve)).on('error', reject);
    });
  let done = false;
  let slowestMs = 0;
  const asking = (async () => {
    let due = performance.now();
    while (!done) {
      await ask();
      const answered = performance.now();
      slowestMs = Math.max(slowestMs, answered - due);
      due = answered + ASK_EVERY_MS;
      await new Promise((resolve) => setTimeout(resolve, ASK_EVERY_MS));
      // A late timer was held up by a block: a question due then would have waited as long.
      slowestMs = Math.max(slowestMs, performance.now() - due);
    }
  })();
  let value: T;
  try {
    value = await work();
  } finally {
    done = true;
    // The answer still outstanding counts too: a loop blocked at the very end shows there.
    await asking;
    server.close();
  }
  return { value, slowestMs };
}
