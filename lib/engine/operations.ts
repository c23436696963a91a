import type { CallResult } from '../tim/client';
import { readBatchReply, readUserAttrsReply, type BatchReading, type UserReading } from '../tim/outcomes';
import { TIM_PATHS, type Attrs } from '../tim/wire';

/** A user the engine sends in a batch: its durable position in the run, and the account. */
export interface BatchTarget {
  seq: number;
  account: string;
}

/** The TIM APIs that take users in batches; each has its own per-second budget per app. */
export const BATCH_APIS = ['remove_attr', 'get_attr', 'set_attr'] as const;
export type BatchApi = (typeof BATCH_APIS)[number];

/** One request kind as the engine sends it: where it goes, what a batch sends, and how the reply reads per user. */
export interface Call<T extends BatchTarget> {
  api: BatchApi;
  path: string;
  body(batch: readonly T[]): unknown;
  read(batch: readonly T[], result: CallResult): BatchReading;
}

/** How a user ends without failing, and what is kept with it. */
export interface Settled {
  status: 'removed' | 'nothing_to_remove' | 'checked' | 'restored' | 'skipped';
  /** The attributes the user was asked about (counted per attribute). */
  attrs?: readonly string[];
  /** The values the run keeps for this user: removed (the snapshot), read (a check) or written (a restore). */
  values?: Attrs;
  /** `values` were stored before the call (the snapshot): count them, do not write them again. */
  valuesKept?: boolean;
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

/** A user of a stored run: its attributes, and the values the run keeps for it (a restore's to write, a removal's snapshot so far). */
export interface RunTarget extends RemovalTarget {
  values: Attrs | null;
}

const getAttrCall: Call<RunTarget> = {
  api: 'get_attr',
  path: TIM_PATHS.getAttr,
  body: (batch) => ({ To_Account: batch.map((t) => t.account) }),
  read: (batch, result) =>
    readUserAttrsReply(
      batch.map((t) => t.account),
      result,
    ),
};

/** The values of these attributes only, and only those that are set. */
export function valuesOf(current: Attrs, attrs: readonly string[]): Attrs {
  const out: Attrs = {};
  for (const a of attrs) {
    const v = current[a];
    if (v !== undefined && v !== '') out[a] = v;
  }
  return out;
}

/** Dry run: reads each user's current values of the run's attributes and changes nothing. */
export const checkValues: Operation<RunTarget> = {
  call: getAttrCall,
  done: (t, user) => ({ status: 'checked', values: valuesOf(user.values ?? {}, t.attrs), attrs: t.attrs }),
};

/**
 * Removal with its snapshot: each batch reads the values it is about to remove, keeps them, then
 * removes. A user with no value for any of its attributes is settled as nothing to remove without
 * a remove_attr: that call would change nothing. A value kept by an earlier pass of this batch (a crash after its remove_attr) survives
 * a reread that finds it already gone.
 */
export const removeWithSnapshot: Operation<RunTarget> = {
  look: {
    call: getAttrCall,
    // `current` is only ever a reply that listed the user: one it did not list is retried by the
    // engine as unread (readUserAttrsReply), never taken for "has no values" here.
    decide: (t, current) => {
      const snapshot = { ...(t.values ?? {}), ...valuesOf(current, t.attrs) };
      if (Object.keys(snapshot).length === 0) return { status: 'nothing_to_remove', values: {}, attrs: t.attrs };
      return { send: { ...t, values: snapshot }, keep: snapshot };
    },
  },
  call: removeAttrCall,
  done: (t) => ({ status: 'removed', values: t.values ?? {}, valuesKept: true, attrs: t.attrs }),
};

interface RestoreTarget extends RunTarget {
  /** Already holding the recorded value: restored without a write (a resumed batch, or someone set the same). */
  already: Attrs;
  skipped: string[];
}

const setAttrCall: Call<RestoreTarget> = {
  api: 'set_attr',
  path: TIM_PATHS.setAttr,
  body: (batch) => ({ UserAttrs: batch.map((t) => ({ To_Account: t.account, Attrs: t.values ?? {} })) }),
  read: (batch, result) =>
    readBatchReply(
      batch.map((t) => t.account),
      result,
    ),
};

/** Shared by every decision that has none: a million-user restore holds its decisions for the round trip of their call. */
const NO_VALUES: Attrs = Object.freeze({});
const NO_NAMES: string[] = Object.freeze([]) as unknown as string[];

/**
 * Restore: writes back what a removal recorded, but only where the attribute is empty now. One
 * that has another value was set again since the removal and is skipped, never overwritten.
 */
export const restoreValues: Operation<RunTarget> = {
  look: {
    call: getAttrCall,
    decide: (t, current) => {
      let toSet: Attrs | null = null;
      let already: Attrs | null = null;
      let skipped: string[] | null = null;
      const recorded = t.values ?? NO_VALUES;
      for (const attr in recorded) {
        const value = recorded[attr]!;
        const now = current[attr];
        if (now === undefined || now === '') (toSet ??= {})[attr] = value;
        else if (now === value) (already ??= {})[attr] = value;
        else (skipped ??= []).push(attr);
      }
      if (toSet) {
        return { send: { seq: t.seq, account: t.account, attrs: t.attrs, values: toSet, already: already ?? NO_VALUES, skipped: skipped ?? NO_NAMES } satisfies RestoreTarget };
      }
      return already ? { status: 'restored', values: already, skipped: skipped ?? NO_NAMES } : { status: 'skipped', skipped: skipped ?? NO_NAMES };
    },
  },
  call: setAttrCall,
  done: (t: RestoreTarget) => ({ status: 'restored', values: t.already === NO_VALUES ? t.values! : { ...t.already, ...t.values }, skipped: t.skipped }),
};
