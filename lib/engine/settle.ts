// SPEC's retry rules for one call: what each handling of a failure (split, slow down, renew the
// UserSig, stop, retry, fail) does to the users still pending. The lanes and the recording are engine.ts.
import type { HaltReason } from '../runs/state-machine';
import type { CallResult, TimClient } from '../tim/client';
import type { Failure, UserReading } from '../tim/outcomes';
import type { BatchApi, BatchTarget, Call } from './operations';
import type { Clock, RateLimiter } from '../tim/rate-limiter';
import { backoffDelay, type RetryPolicy } from '../tim/policy';

/** A user settle gave up on, with every request that held it. */
export interface FailedUser {
  seq: number;
  account: string;
  status: 'failed';
  failure: Failure;
  attempts: number;
}

interface Settlement<T> {
  through: { target: T; user: UserReading }[];
  failed: FailedUser[];
  requests: number;
}

/** What settle needs of the pass it runs in. */
export interface Pass {
  client: Pick<TimClient, 'call' | 'renewUserSig'>;
  budgets: (api: BatchApi) => RateLimiter;
  clock: Clock;
  policy: RetryPolicy;
  random: () => number;
  /** Why the process may no longer send, or null. */
  halt(): HaltReason | null;
  /** A halt, a stop or a cancel: no new request. */
  halted(): boolean;
  /** A failure that ends the run; the first one counts. */
  stop(failure: Failure): void;
}

/**
 * One call for these users, repeated as SPEC's rules say until each has gone through or failed.
 * Users left in neither list were never settled: a cancel or a halt came first.
 * `attempts` is shared by every call of the batch (and the halves of a 90018 split), so a user's
 * count is every request that held it.
 */
export async function settle<T extends BatchTarget>(pass: Pass, call: Call<T>, batch: T[], attempts: Map<number, number>): Promise<Settlement<T>> {
  const { policy, random, halt, halted } = pass;
  const out: Settlement<T> = { through: [], failed: [], requests: 0 };
  let pending = batch;
  let lastFailure: Failure | null = null;
  let transientTries = 0;
  let rateLimitWaits = 0;
  let renewedForThisBatch = false;

  const fail = (targets: T[], failure: Failure) => {
    for (const t of targets) {
      out.failed.push({ seq: t.seq, account: t.account, status: 'failed', failure, attempts: attempts.get(t.seq) ?? 0 });
    }
  };

  const mustStop = (): boolean => {
    if (!halted()) return false;
    // Already sent at least once and failed transiently: report that failure rather than "not sent".
    // A halt decides nothing: those users stay pending for the pass that resumes the run.
    if (lastFailure && halt() === null) fail(pending, lastFailure);
    return true;
  };

  while (pending.length > 0) {
    if (mustStop()) break;
    const permit = await pass.budgets(call.api).acquire();
    // The wait may have been long: whatever happened meanwhile wins over this request.
    if (mustStop()) {
      permit.release();
      break;
    }
    out.requests++;
    for (const t of pending) attempts.set(t.seq, (attempts.get(t.seq) ?? 0) + 1);
    let result: CallResult;
    try {
      result = await pass.client.call(call.path, call.body(pending));
    } finally {
      // Only once the reply (or the error) is back can the server no longer count this request.
      permit.release();
    }
    const reading = call.read(pending, result);
    const bySeq = new Map(pending.map((t, i) => [t.seq, reading.users[i]!]));

    if (reading.kind === 'request-failed') {
      const { failure } = reading;
      switch (failure.handling) {
        case 'split-batch': {
          if (pending.length > 1) {
            const half = Math.ceil(pending.length / 2);
            for (const part of [pending.slice(0, half), pending.slice(half)]) {
              const settled = await settle(pass, call, part, attempts);
              out.through.push(...settled.through);
              out.failed.push(...settled.failed);
              out.requests += settled.requests;
            }
            return out;
          }
          fail(pending, failure);
          pending = [];
          continue;
        }
        case 'rate-limited':
          // The budget, shared by every run of the app, slows down; this batch just takes another slot.
          permit.rateLimited();
          lastFailure = failure;
          if (++rateLimitWaits > policy.maxRateLimitWaits) {
            fail(pending, failure);
            pending = [];
          }
          continue;
        case 'renew-usersig':
          if (!renewedForThisBatch) {
            renewedForThisBatch = true;
            // Batches in flight may each renew once; a renewal is only an HMAC, and a second
            // rejection of a fresh sig means the key or identity is wrong, which stops the run.
            pass.client.renewUserSig();
            lastFailure = failure;
            continue;
          }
          pass.stop(failure);
          fail(pending, failure);
          pending = [];
          continue;
        case 'fatal':
          pass.stop(failure);
          fail(pending, failure);
          pending = [];
          continue;
        case 'retry':
          lastFailure = failure;
          if (++transientTries >= policy.maxAttempts) {
            fail(pending, failure);
            pending = [];
            continue;
          }
          await pass.clock.sleep(backoffDelay(transientTries, policy, random));
          continue;
        case 'permanent':
          // Users the reply listed keep their own code; the rest carry the request's.
          for (const t of pending) fail([t], bySeq.get(t.seq)?.failure ?? failure);
          pending = [];
          continue;
      }
    }

    const retryLater: T[] = [];
    let transient = false;
    let limited = false;
    for (const t of pending) {
      const user = bySeq.get(t.seq)!;
      const failure = user.failure;
      if (failure === null) {
        out.through.push({ target: t, user });
      } else if (failure.handling === 'retry' || failure.handling === 'rate-limited') {
        lastFailure = failure;
        retryLater.push(t);
        if (failure.handling === 'retry') transient = true;
        else limited = true;
      } else {
        fail([t], failure);
      }
    }
    pending = retryLater;
    if (pending.length === 0) continue;
    if (limited) permit.rateLimited();
    // Users held back only by a rate limit are not failing: that counts against the rate-limit cap, not their attempts.
    const exhausted = transient ? ++transientTries >= policy.maxAttempts : ++rateLimitWaits > policy.maxRateLimitWaits;
    if (exhausted) {
      for (const t of pending) fail([t], bySeq.get(t.seq)!.failure!);
      pending = [];
    } else if (transient) {
      await pass.clock.sleep(backoffDelay(transientTries, policy, random));
    }
  }
  return out;
}
