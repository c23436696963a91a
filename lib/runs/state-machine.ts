import type { Handling } from '../tim/policy';

/**
 * Run and per-user statuses and the only moves between them. The store writes a run with its
 * starting status from here (RUN_START, UPLOAD_START), and moves one only by a compare-and-set on
 * the statuses this machine lets move (movesInto), so two processes or two clicks can never both
 * move the same run.
 */
export const RUN_STATUSES = ['running', 'completed', 'failed', 'cancelled', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/**
 * A CSV upload is a run before it is one: `uploading` while its rows arrive, `staged` once the
 * server has read the whole file and the operator reads the preview. Neither sends; only a start
 * moves a staged upload to `running`. An upload that is discarded, expires or dies mid-way moves
 * to `discarding` first, and only then are its rows deleted, a slice at a time: a start and a
 * discard are each one compare-and-set on the status, so one of them loses before any row goes.
 */
export const UPLOAD_STATUSES = ['uploading', 'staged', 'discarding'] as const;
export type UploadStatus = (typeof UPLOAD_STATUSES)[number];
export type StoredStatus = UploadStatus | RunStatus;

/** The status every run is written with: running from its first row, before its first request is sent. */
export const RUN_START: RunStatus = 'running';
/** The status every upload is written with, while its rows arrive. */
export const UPLOAD_START: UploadStatus = 'uploading';

/**
 * What a run does to its users: remove attributes; check their current values and change nothing
 * (a dry run); or restore what a removal took away.
 */
export type RunKind = 'remove' | 'check' | 'restore';

/**
 * `removed`, `checked` and `restored` end a user of a remove, check and restore run that went
 * through; `skipped` is a restore's user whose attributes all have a value again, left alone;
 * `nothing_to_remove` is a removal's user whose snapshot held no value for any of its attributes:
 * no remove_attr is sent for it, and a restore has nothing to write back.
 */
export const USER_RESULTS = ['pending', 'removed', 'nothing_to_remove', 'checked', 'restored', 'skipped', 'failed', 'not_sent'] as const;
export type UserResult = (typeof USER_RESULTS)[number];

/** `interrupted` has no way in any more: runs left by a dead process are resumed, never closed. Old rows keep it. */
const RUN_MOVES: Readonly<Record<StoredStatus, readonly StoredStatus[]>> = {
  uploading: ['staged', 'discarding'],
  staged: ['running', 'discarding'],
  discarding: [],
  running: ['completed', 'failed', 'cancelled'],
  completed: [],
  failed: [],
  cancelled: [],
  interrupted: [],
};

const USER_MOVES: Readonly<Record<UserResult, readonly UserResult[]>> = {
  pending: ['removed', 'nothing_to_remove', 'checked', 'restored', 'skipped', 'failed', 'not_sent'],
  removed: [],
  nothing_to_remove: [],
  checked: [],
  restored: [],
  skipped: [],
  failed: [],
  not_sent: [],
};

export class IllegalTransition extends Error {
  constructor(
    readonly what: 'run' | 'user',
    readonly from: string,
    readonly to: string,
  ) {
    super(`illegal ${what} transition ${from} → ${to}`);
    this.name = 'IllegalTransition';
  }
}

export function canMoveRun(from: StoredStatus, to: StoredStatus): boolean {
  return RUN_MOVES[from].includes(to);
}

/** The statuses that may move to `to`: what a compare-and-set writing `to` expects to find. */
export function movesInto(to: StoredStatus): StoredStatus[] {
  return (Object.keys(RUN_MOVES) as StoredStatus[]).filter((from) => canMoveRun(from, to));
}

export function canMoveUser(from: UserResult, to: UserResult): boolean {
  return USER_MOVES[from].includes(to);
}

export function assertRunMove(from: StoredStatus, to: StoredStatus): void {
  if (!canMoveRun(from, to)) throw new IllegalTransition('run', from, to);
}

export function assertUserMove(from: UserResult, to: UserResult): void {
  if (!canMoveUser(from, to)) throw new IllegalTransition('user', from, to);
}

/**
 * How the engine ended a pass over a run. `halted` means it stopped sending without deciding the
 * run: the run stays running and is resumed.
 */
export type RunEnd<F = unknown> =
  | { status: 'completed' }
  | { status: 'cancelled' }
  | { status: 'stopped'; failure: F }
  | { status: 'halted'; reason: HaltReason };

/** `error`: recording an outcome (or reading the next users) failed. */
export type HaltReason = 'error' | 'lease-lost' | 'shutdown';

/** The status a run moves to after a pass, or null when the pass decided nothing. */
export function statusAfter(end: RunEnd): RunStatus | null {
  switch (end.status) {
    case 'completed':
      return 'completed';
    case 'cancelled':
      return 'cancelled';
    case 'stopped':
      return 'failed';
    case 'halted':
      return null;
  }
}

/**
 * The one definition of "retryable": a failed user that "Retry failed users" sends again. Every
 * handling but `permanent` is a failure of the moment (transient, rate, credentials, configuration)
 * that can succeed once it has passed or been fixed; users never sent are always included.
 */
export function isRetryable(handling: Handling): boolean {
  return handling !== 'permanent';
}
