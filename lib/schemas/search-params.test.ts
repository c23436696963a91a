import { describe, expect, it } from 'vitest';
import { auditSearchSchema, historySearchSchema, loginSearchSchema, readSearchParams, runPageSearchSchema } from './search-params';

describe('page search parameters', () => {
  it('reads well-formed values', () => {
    expect(readSearchParams(runPageSearchSchema, { after: '500', result: 'failed', error: '70107' })).toEqual({ after: 500, result: 'failed', error: '70107' });
    expect(readSearchParams(historySearchSchema, { user: '  alice ' })).toEqual({ user: 'alice' });
  });

  it('ignores a repeated parameter instead of failing', () => {
    expect(readSearchParams(runPageSearchSchema, { error: ['a', 'b'], result: ['failed', 'removed'] })).toEqual({});
    expect(readSearchParams(auditSearchSchema, { operator: ['a', 'b'], action: 'sign-in' })).toEqual({ action: 'sign-in' });
    expect(readSearchParams(loginSearchSchema, { next: ['/history', '/audit'] })).toEqual({});
  });

  it('ignores malformed and out-of-range values', () => {
    expect(readSearchParams(runPageSearchSchema, { after: 'abc', result: 'deleted', error: 'x'.repeat(65) })).toEqual({});
    expect(readSearchParams(runPageSearchSchema, { after: '-3' })).toEqual({});
    expect(readSearchParams(runPageSearchSchema, { after: '1e400' })).toEqual({});
    expect(readSearchParams(auditSearchSchema, { before: '0', operator: '   ' })).toEqual({});
    expect(readSearchParams(historySearchSchema, { user: '' })).toEqual({});
  });

  it('drops parameters it does not know', () => {
    expect(readSearchParams(historySearchSchema, { user: 'bob', __proto__: 'x', other: '1' } as Record<string, string>)).toEqual({ user: 'bob' });
  });
});
