import { describe, expect, it } from 'vitest';
import type { CallResult } from './client';
import { appFailure, readBatchReply, timFailure, transportFailure } from './outcomes';

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

describe('failures', () => {
  it('carry the policy key and handling, and keep what they were told as info', () => {
    expect(timFailure(60007, 'too fast')).toEqual({ key: '60007', code: 60007, info: 'too fast', handling: 'rate-limited' });
    expect(timFailure(12345, '')).toEqual({ key: '12345', code: 12345, info: '', handling: 'permanent' });
    expect(transportFailure('http-status', 'HTTP 404')).toEqual({ key: 'transport.http-status', code: null, info: 'HTTP 404', handling: 'fatal' });
    expect(appFailure('removed', 'staging')).toEqual({ key: 'app.removed', code: null, info: 'staging', handling: 'fatal' });
  });

  it('hold the words cleaned, so they are stored and shown without a URL or a UserSig', () => {
    expect(timFailure(70009, 'sig failed for https://x/v4/timpush/remove_attr?usersig=eJySECRET&identifier=admin\n').info).toBe('sig failed for [address hidden]');
    expect(transportFailure('network', `usersig=eJySECRET ${'x'.repeat(5000)}`).info).toMatch(/^\[parameter hidden\] x+…$/);
  });
});
