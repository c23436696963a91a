import { describe, expect, it } from 'vitest';
import type { Handling } from '../tim/policy';
import {
  assertRunMove,
  assertUserMove,
  canMoveRun,
  canMoveUser,
  IllegalTransition,
  isRetryable,
  movesInto,
  RUN_START,
  RUN_STATUSES,
  statusAfter,
  UPLOAD_START,
  UPLOAD_STATUSES,
  USER_RESULTS,
  type StoredStatus,
  type UserResult,
} from './state-machine';

const STORED = [...UPLOAD_STATUSES, ...RUN_STATUSES];
const allowedRun: [StoredStatus, StoredStatus][] = [
  ['uploading', 'staged'],
  ['uploading', 'discarding'],
  ['staged', 'running'],
  ['staged', 'discarding'],
  ['running', 'completed'],
  ['running', 'failed'],
  ['running', 'cancelled'],
];
const allowedUser: [UserResult, UserResult][] = [
  ['pending', 'removed'],
  ['pending', 'nothing_to_remove'],
  ['pending', 'checked'],
  ['pending', 'restored'],
  ['pending', 'skipped'],
  ['pending', 'failed'],
  ['pending', 'not_sent'],
];

describe('run state machine', () => {
  it.each(STORED.flatMap((from) => STORED.map((to) => [from, to] as const)))('run %s → %s', (from, to) => {
    const allowed = allowedRun.some(([f, t]) => f === from && t === to);
    expect(canMoveRun(from, to)).toBe(allowed);
    if (allowed) expect(() => assertRunMove(from, to)).not.toThrow();
    else expect(() => assertRunMove(from, to)).toThrow(IllegalTransition);
  });

  it.each(USER_RESULTS.flatMap((from) => USER_RESULTS.map((to) => [from, to] as const)))('user %s → %s', (from, to) => {
    const allowed = allowedUser.some(([f, t]) => f === from && t === to);
    expect(canMoveUser(from, to)).toBe(allowed);
    if (allowed) expect(() => assertUserMove(from, to)).not.toThrow();
    else expect(() => assertUserMove(from, to)).toThrow(IllegalTransition);
  });

  it('an upload only moves forward, to running or to its deletion; of the runs only running has a way out; interrupted (old rows) is final', () => {
    expect(STORED.filter((from) => STORED.some((to) => canMoveRun(from, to)))).toEqual(['uploading', 'staged', 'running']);
  });

  it('writes runs as running and uploads as uploading, and names what each status write expects to find', () => {
    expect([RUN_START, UPLOAD_START]).toEqual(['running', 'uploading']);
    expect(STORED.map((to) => [to, movesInto(to)])).toEqual([
      ['uploading', []],
      ['staged', ['uploading']],
      ['discarding', ['uploading', 'staged']],
      ['running', ['staged']],
      ['completed', ['running']],
      ['failed', ['running']],
      ['cancelled', ['running']],
      ['interrupted', []],
    ]);
  });

  it('maps each end of a pass to a status, and a halt to none', () => {
    expect(statusAfter({ status: 'completed' })).toBe('completed');
    expect(statusAfter({ status: 'cancelled' })).toBe('cancelled');
    expect(statusAfter({ status: 'stopped', failure: {} })).toBe('failed');
    expect(statusAfter({ status: 'halted', reason: 'error' })).toBeNull();
    expect(statusAfter({ status: 'halted', reason: 'lease-lost' })).toBeNull();
  });

  it('has one definition of retryable: everything but a permanent failure', () => {
    const all: Handling[] = ['permanent', 'retry', 'rate-limited', 'renew-usersig', 'split-batch', 'fatal'];
    expect(all.filter(isRetryable)).toEqual(['retry', 'rate-limited', 'renew-usersig', 'split-batch', 'fatal']);
  });
});
