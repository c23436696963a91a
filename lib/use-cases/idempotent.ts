import 'server-only';
import { fingerprint, IDEMPOTENCY_KEY, requestKeyOf } from '../tokens/idempotency';
import type { ApiToken } from '../tokens/tokens';
import type { UseCaseContext } from './context';
import { fail, ok, type Result } from '../errors';

/** An answer as it goes out and as it is kept for a key: its status and JSON text. */
export interface ApiAnswer {
  status: number;
  body: string;
}

/** How long a request waits for another with its key to finish, before it is told to ask again. */
const WAIT_FOR_OTHER_MS = 15_000;
const POLL_MS = 100;

/**
 * A POST with an Idempotency-Key: the first request with a key runs; any other with the same key
 * and the same request gets the first one's answer (waiting for it if it is still running), and a
 * different request with that key is refused. Without a key, the request simply runs. An answer of
 * 5xx or 429 is not kept: trying again with the same key runs it again.
 */
export async function idempotent(
  ctx: UseCaseContext,
  token: ApiToken,
  request: { key: string | null; method: string; path: string; body: string },
  run: (requestKey: string | undefined) => Promise<ApiAnswer>,
): Promise<Result<ApiAnswer & { replayed: boolean }>> {
  if (request.key === null) return ok({ ...(await run(undefined)), replayed: false });
  if (!IDEMPOTENCY_KEY.test(request.key)) return fail('api.idempotencyKey');
  const print = fingerprint(request.method, request.path, request.body);
  const { idempotency } = ctx.store;
  const deadline = ctx.clock.nowMs() + WAIT_FOR_OTHER_MS;
  for (;;) {
    const claim = await idempotency.claim(token.id, request.key, print, ctx.clock.nowMs());
    if (claim.state === 'mismatch') return fail('api.idempotencyMismatch');
    if (claim.state === 'done') return ok({ status: claim.status, body: claim.body, replayed: true });
    if (claim.state === 'claimed') break;
    if (ctx.clock.nowMs() >= deadline) return fail('api.idempotencyInProgress');
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  let answer: ApiAnswer;
  try {
    answer = await run(requestKeyOf(token.id, request.key));
  } catch (err) {
    await idempotency.release(token.id, request.key);
    throw err;
  }
  if (answer.status >= 500 || answer.status === 429) await idempotency.release(token.id, request.key);
  else await idempotency.complete(token.id, request.key, answer.status, answer.body);
  return ok({ ...answer, replayed: false });
}
