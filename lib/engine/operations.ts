import type { CallResult } from '../tim/client';
import { readBatchReply, type BatchReading, type UserReading } from '../tim/outcomes';
import { TIM_PATHS } from '../tim/wire';

/** A user the engine sends in a batch: its durable position in the run, and the account. */
export interface BatchTarget {
  seq: number;
  account: string;
}

/** The TIM APIs that take users in batches; each has its own per-second budget per app. */
export const BATCH_APIS = ['remove_attr', 'get_attr', 'set_attr'] as const;
export type BatchApi = (typeof BATCH_APIS)[number];

/** Attribute name → value, as get_attr reports and set_attr writes them. */
export type Attrs = Record<string, string>;

/** One request kind as the engine sends it: where it goes, what a batch sends, and how the reply reads per user. */
export interface Call<T extends BatchTarget> {
  api: BatchApi;
  path: string;
  body(batch: readonly T[]): unknown;
  read(batch: readonly T[], result: CallResult): BatchReading;
}

/** How a user ends without failing, and what is kept with it. */
export interface Settled {
  status: 'removed';
  /** The values the run keeps for this user: removed (the snapshot), read (a check) or written (a restore). */
  values?: Attrs;
  /** Attributes a restore left alone because they have a value again. */
  skipped?: string[];
}

/** After the look: send this user (with what to keep first), or it is settled without the call. */
export type Decision<T> = { send: T; keep?: Attrs } | Settled;

/**
 * One operation as the engine drives it: an optional look at the users' current values just
 * before the call, and the call. The engine owns batching, pacing, retries, splits and stops for
 * both steps alike.
 */
export interface Operation<T extends BatchTarget> {
  look?: { call: Call<T>; decide(target: T, current: Attrs): Decision<T> };
  call: Call<T>;
  /** The outcome of a user the call went through for. */
  done(target: T, user: UserReading): Settled;
}

export interface RemovalTarget extends BatchTarget {
  attrs: string[];
}

const removeAttrCall: Call<RemovalTarget> = {
  api: 'remove_attr',
  path: TIM_PATHS.removeAttr,
  body: (batch) => ({ UserAttrs: batch.map((t) => ({ To_Account: t.account, Attrs: t.attrs })) }),
  read: (batch, result) =>
    readBatchReply(
      batch.map((t) => t.account),
      result,
    ),
};

export const removeAttr: Operation<RemovalTarget> = {
  call: removeAttrCall,
  done: () => ({ status: 'removed' }),
};
