import type { CallResult } from '../tim/client';
import { readBatchReply, type BatchReading } from '../tim/outcomes';
import { TIM_PATHS } from '../tim/wire';

/** A user the engine sends in a batch: its durable position in the run, and the account. */
export interface BatchTarget {
  seq: number;
  account: string;
}

/** The TIM APIs that take users in batches; each has its own per-second budget per app. */
export type BatchApi = 'remove_attr';

/**
 * One TIM API as the engine drives it: where it goes, what a batch sends, and how the reply reads
 * per user. The engine owns batching, pacing, retries, splits and stops for every operation alike.
 */
export interface Operation<T extends BatchTarget> {
  api: BatchApi;
  path: string;
  body(batch: readonly T[]): unknown;
  read(batch: readonly T[], result: CallResult): BatchReading;
}

export interface RemovalTarget extends BatchTarget {
  attrs: string[];
}

export const removeAttr: Operation<RemovalTarget> = {
  api: 'remove_attr',
  path: TIM_PATHS.removeAttr,
  body: (batch) => ({ UserAttrs: batch.map((t) => ({ To_Account: t.account, Attrs: t.attrs })) }),
  read: (batch, result) =>
    readBatchReply(
      batch.map((t) => t.account),
      result,
    ),
};
