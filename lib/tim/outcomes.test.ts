import { describe, expect, it } from 'vitest';
import type { CallResult } from './client';
import { readBatchReply } from './outcomes';
import { presentUser } from '../results/present';

function reply(ErrorCode: number, ErrorList: { To_Account: string; ErrorCode: number; ErrorInfo?: string }[] = [], ErrorInfo = ''): CallResult {
  const r = { ActionStatus: ErrorCode === 0 ? 'OK' : 'FAIL', ErrorCode, ErrorInfo, ErrorList: ErrorList.map((e) => ({ ErrorInfo: '', ...e })) };
  return { kind: 'reply', reply: r, raw: r };
}

describe('readBatchReply', () => {
  it('a top-level OK with ErrorList: listed users failed, the rest removed', () => {
    const r = readBatchReply(['Mary', 'xiaoming'], reply(0, [{ To_Account: 'Mary', ErrorCode: 70107 }]));
    expect(r.kind).toBe('per-user');
    expect(r.users.map((u) => u.failure?.code ?? 'removed')).toEqual([70107, 'removed']);
  });

  it('ignores ErrorList entries for accounts not in the batch and entries with code 0', () => {
    const r = readBatchReply(['a'], reply(0, [{ To_Account: 'zzz', ErrorCode: 70107 }, { To_Account: 'a', ErrorCode: 0 }]));
    expect(r.users).toEqual([{ account: 'a', failure: null }]);
  });

  it('a request-level error applies to every user, keeping ErrorInfo, unless a user has its own code', () => {
    const r = readBatchReply(['a', 'b'], reply(90033, [{ To_Account: 'b', ErrorCode: 70107 }], 'attr shoe not exist'));
    expect(r).toMatchObject({ kind: 'request-failed', failure: { key: '90033', code: 90033, info: 'attr shoe not exist', handling: 'permanent' } });
    expect(r.users.map((u) => u.failure?.code)).toEqual([90033, 70107]);
  });

  it('transport failures become catalogue keys without a code', () => {
    const r = readBatchReply(['a'], { kind: 'transport', failure: 'timeout', detail: 'after 10000 ms' });
    expect(r).toMatchObject({ kind: 'request-failed', failure: { key: 'transport.timeout', code: null, handling: 'retry' } });
  });
});

describe('presentUser', () => {
  const run = { status: 'completed' as const, error: null };
  it('starts the Result text with Removed / Failed / Not sent and keeps the code bare', () => {
    expect(presentUser({ userId: 'a', result: 'removed', failure: null }, run)).toMatchObject({ resultText: 'Removed', code: '' });
    const failed = presentUser({ userId: 'b', result: 'failed', failure: { key: '70107', code: 70107, info: 'x' } }, run);
    expect(failed.resultText).toMatch(/^Failed/);
    expect(failed.code).toBe('70107');
    expect(failed.serverInfo).toBe('x');
    const timeout = presentUser({ userId: 'c', result: 'failed', failure: { key: 'transport.timeout', code: null, info: 'after 10 ms' } }, run);
    expect(timeout.code).toBe('');
    expect(timeout.explanation).toMatch(/10 ms/);
  });

  it('explains why a user was not sent', () => {
    const stopped = { status: 'failed' as const, error: { key: '70009', code: 70009, info: '' } };
    expect(presentUser({ userId: 'a', result: 'not_sent', failure: null }, stopped).explanation).toMatch(/run stopped/);
    expect(presentUser({ userId: 'a', result: 'not_sent', failure: null }, { status: 'cancelled', error: null }).explanation).toMatch(/cancelled/);
  });
});
