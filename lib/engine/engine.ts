import type { HaltReason, RunEnd as AnyRunEnd } from '../runs/state-machine';
import type { CallResult, TimClient } from '../tim/client';
import type { Failure, UserReading } from '../tim/outcomes';
import { MAX_USERS_PER_REQUEST } from '../tim/wire';
import type { Attrs, BatchApi, BatchTarget, Call, Operation, Settled } from './operations';
import type { Clock, RateLimiter } from './rate-limiter';

/** Every user of a batch ends in exactly one of these, once. */
export type UserOutcome =
  | ({ seq: number; account: string; attempts: number } & Settled)
  | { seq: number; account: string; status: 'failed'; failure: Failure; attempts: number };

/** Values an operation keeps durably between its look and its call (a removal's snapshot). */
export interface KeptValues {
  seq: number;
  values: Attrs;
}

interface Settlement<T> {
  through: { target: T; user: UserReading }[];
  failed: UserOutcome[];
  requests: number;
}

export type RunEnd = AnyRunEnd<Failure>;

export interface RetryPolicy {
  /** Requests per user for transient errors (91000, 5xx, timeouts) before the user is failed. */
  maxAttempts: number;
  /** Requests of a batch answered 60007/60011 (each slows the app's budget) before its users are failed with that code. */
  maxRateLimitWaits: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  maxRateLimitWaits: 20,
  baseDelayMs: 250,
  maxDelayMs: 10_000,
};

export interface EngineOptions<T extends BatchTarget> {
  operation: Operation<T>;
  client: Pick<TimClient, 'call' | 'renewUserSig'>;
  /** The app's budget for each API: shared by every run of the app, and by its two steps only if the app says so. */
  budgets: (api: BatchApi) => RateLimiter;
  clock: Clock;
  /**
   * Batches in flight at once; the limiter, not this, bounds the rate. Enough lanes keep the budget
   * busy only if they cover what it lets be in flight: about the ceiling × the round trip in seconds.
   */
  concurrency: number;
  policy?: RetryPolicy;
  random?: () => number;
  /** Checked between requests: a cancelled run sends no new batch. */
  isCancelled?: () => boolean;
  /** Checked right before every request: the process may no longer send (lease lost, shutting down). */
  halt?: () => HaltReason | null;
  /**
   * Called once per finished batch; persist here. If it throws, every lane stops before its next
   * request and the pass ends halted, with the unrecorded users still pending.
   */
  onOutcomes(outcomes: UserOutcome[], requestsSent: number): void | Promise<void>;
  /**
   * Called between a batch's look and its call with what the operation keeps (a removal's
   * snapshot), so a crash after the call cannot lose it. If it throws, the call is not made.
   */
  onKept?(kept: KeptValues[]): void | Promise<void>;
  onStoreError?: (err: unknown) => void;
}

/** Exponential back-off with jitter in [½, 1] of the step, so retries of parallel batches spread out. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step * (0.5 + random() / 2));
}

export function toBatches<T>(targets: readonly T[], size = MAX_USERS_PER_REQUEST): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < targets.length; i += size) batches.push(targets.slice(i, i + size));
  return batches;
}

/**
 * Sends the batches with SPEC's retry rules and reports every user's outcome once. Users of
 * batches never started are left to the caller to mark "not sent" (after a cancel or a stop).
 */
export async function runBatches<T extends BatchTarget>(batches: Iterable<T[]> | AsyncIterable<T[]>, opts: EngineOptions<T>): Promise<RunEnd> {
  const op = opts.operation;
  const policy = opts.policy ?? DEFAULT_RETRY_POLICY;
  const random = opts.random ?? Math.random;
  let stopped: Failure | null = null;
  let haltedBy: HaltReason | null = null;
  const halt = (): HaltReason | null => (haltedBy ??= opts.halt?.() ?? null);
  const halted = () => halt() !== null || stopped !== null || (opts.isCancelled?.() ?? false);

  /**
   * One call for these users, repeated as SPEC's rules say until each has gone through or failed.
   * Users left in neither list were never settled: a cancel or a halt came first.
   * `attempts` is shared by every call of the batch (and the halves of a 90018 split), so a user's
   * count is every request that held it.
   */
  async function settle(call: Call<T>, batch: T[], attempts: Map<number, number>): Promise<Settlement<T>> {
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
      const permit = await opts.budgets(call.api).acquire();
      // The wait may have been long: whatever happened meanwhile wins over this request.
      if (mustStop()) {
        permit.release();
        break;
      }
      out.requests++;
      for (const t of pending) attempts.set(t.seq, (attempts.get(t.seq) ?? 0) + 1);
      let result: CallResult;
      try {
        result = await opts.client.call(call.path, call.body(pending));
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
                const settled = await settle(call, part, attempts);
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
              opts.client.renewUserSig();
              lastFailure = failure;
              continue;
            }
            stopped ??= failure;
            fail(pending, failure);
            pending = [];
            continue;
          case 'fatal':
            stopped ??= failure;
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
            await opts.clock.sleep(backoffDelay(transientTries, policy, random));
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
        await opts.clock.sleep(backoffDelay(transientTries, policy, random));
      }
    }
    return out;
  }

  async function sendBatch(batch: T[]): Promise<void> {
    const attempts = new Map<number, number>();
    const outcomes: UserOutcome[] = [];
    const settled = (t: T, s: Settled): UserOutcome => ({ seq: t.seq, account: t.account, attempts: attempts.get(t.seq) ?? 0, ...s });
    let requests = 0;
    let toSend = batch;
    if (op.look) {
      const looked = await settle(op.look.call, batch, attempts);
      requests += looked.requests;
      outcomes.push(...looked.failed);
      toSend = [];
      const kept: KeptValues[] = [];
      for (const { target, user } of looked.through) {
        const decision = op.look.decide(target, user.values ?? {});
        if ('send' in decision) {
          toSend.push(decision.send);
          if (decision.keep) kept.push({ seq: target.seq, values: decision.keep });
        } else {
          outcomes.push(settled(target, decision));
        }
      }
      if (kept.length > 0 && toSend.length > 0 && !(await store(() => opts.onKept?.(kept)))) toSend = [];
    }
    if (toSend.length > 0) {
      const sent = await settle(op.call, toSend, attempts);
      requests += sent.requests;
      outcomes.push(...sent.failed);
      for (const { target, user } of sent.through) outcomes.push(settled(target, op.done(target, user)));
    }
    if (outcomes.length > 0 || requests > 0) await store(() => opts.onOutcomes(outcomes, requests));
  }

  /** A write that fails halts the pass: every lane stops before its next request. */
  async function store(write: () => void | Promise<void>): Promise<boolean> {
    try {
      await write();
      return true;
    } catch (err) {
      haltedBy ??= 'error';
      opts.onStoreError?.(err);
      return false;
    }
  }

  const iterator = toAsyncIterator(batches);
  await Promise.all(
    Array.from({ length: Math.max(1, opts.concurrency) }, async () => {
      for (;;) {
        if (halted()) return;
        const next = await iterator.next();
        if (next.done) return;
        await sendBatch(next.value);
      }
    }),
  );

  // A halt outranks a stop: outcomes may be unrecorded, so the run must not be closed yet.
  if (haltedBy) return { status: 'halted', reason: haltedBy };
  if (stopped) return { status: 'stopped', failure: stopped };
  if (opts.isCancelled?.()) return { status: 'cancelled' };
  return { status: 'completed' };
}

function toAsyncIterator<T>(source: Iterable<T> | AsyncIterable<T>): AsyncIterator<T> {
  if (Symbol.asyncIterator in source) return source[Symbol.asyncIterator]();
  const it = source[Symbol.iterator]();
  return { next: async () => it.next() };
}
