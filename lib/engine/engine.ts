import type { HaltReason, RunEnd as AnyRunEnd } from '../runs/state-machine';
import type { TimClient } from '../tim/client';
import type { Failure } from '../tim/outcomes';
import { MAX_USERS_PER_REQUEST } from '../tim/wire';
import type { BatchApi, BatchTarget, Operation, Settled } from './operations';
import type { Attrs } from '../tim/wire';
import type { Clock, RateLimiter } from '../tim/rate-limiter';
import { LeaseLost } from '../lease/fence';
import { settle, type FailedUser, type Pass } from './settle';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../tim/policy';

/** Every user of a batch ends in exactly one of these, once. */
export type UserOutcome = ({ seq: number; account: string; attempts: number } & Settled) | FailedUser;

/** Values an operation keeps durably between its look and its call (a removal's snapshot). */
export interface KeptValues {
  seq: number;
  values: Attrs;
}

export type RunEnd = AnyRunEnd<Failure>;

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

  const pass: Pass = {
    client: opts.client,
    budgets: opts.budgets,
    clock: opts.clock,
    policy,
    random,
    halt,
    halted,
    stop: (failure) => {
      stopped ??= failure;
    },
  };

  async function sendBatch(batch: T[]): Promise<void> {
    const attempts = new Map<number, number>();
    const outcomes: UserOutcome[] = [];
    const settled = (t: T, s: Settled): UserOutcome => ({ seq: t.seq, account: t.account, attempts: attempts.get(t.seq) ?? 0, ...s });
    let requests = 0;
    let toSend = batch;
    if (op.look) {
      const looked = await settle(pass, op.look.call, batch, attempts);
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
      const sent = await settle(pass, op.call, toSend, attempts);
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
      // Refused by its fence: another process sends for this app now, and is sending these users.
      haltedBy ??= err instanceof LeaseLost ? 'lease-lost' : 'error';
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
