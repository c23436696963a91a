import { describe, expect, it } from 'vitest';
import { isRestorable, restoreStateFrom } from './restore';

const removal = { kind: 'remove' as const, status: 'completed' as const, withValues: 10, valuesPurgedAt: null };

describe('isRestorable', () => {
  it('takes a removed user with a recorded value that no earlier restore settled', () => {
    expect(isRestorable({ result: 'removed', values: { city: 'sz' } }, [])).toBe(true);
    expect(isRestorable({ result: 'removed', values: { city: 'sz' } }, ['failed', 'not_sent'])).toBe(true);
  });

  it('leaves out users an earlier restore restored or skipped', () => {
    expect(isRestorable({ result: 'removed', values: { city: 'sz' } }, ['failed', 'restored'])).toBe(false);
    expect(isRestorable({ result: 'removed', values: { city: 'sz' } }, ['skipped'])).toBe(false);
  });

  it('leaves out users with nothing recorded, nothing to write back, or not removed', () => {
    expect(isRestorable({ result: 'removed', values: null }, [])).toBe(false);
    expect(isRestorable({ result: 'removed', values: {} }, [])).toBe(false);
    expect(isRestorable({ result: 'nothing_to_remove', values: { city: 'sz' } }, [])).toBe(false);
    expect(isRestorable({ result: 'failed', values: { city: 'sz' } }, [])).toBe(false);
  });
});

describe('restoreStateFrom', () => {
  it('offers the users with values not yet settled by earlier restores', () => {
    expect(restoreStateFrom(removal, [{ id: 7, status: 'failed', settled: 4 }])).toEqual({ kind: 'restorable', users: 6, restoreRunIds: [7] });
  });

  it('names the restore still running, before anything else', () => {
    expect(restoreStateFrom({ ...removal, valuesPurgedAt: '2026-01-01T00:00:00.000Z' }, [{ id: 7, status: 'running', settled: 0 }])).toEqual({
      kind: 'in-progress',
      restoreRunId: 7,
    });
  });

  it('says why there is nothing to restore', () => {
    expect(restoreStateFrom({ ...removal, kind: 'check' }, [])).toMatchObject({ kind: 'none', reason: 'not-a-removal' });
    expect(restoreStateFrom({ ...removal, status: 'running' }, [])).toMatchObject({ kind: 'none', reason: 'still-running' });
    expect(restoreStateFrom({ ...removal, withValues: 0 }, [])).toMatchObject({ kind: 'none', reason: 'no-values' });
    expect(restoreStateFrom({ ...removal, valuesPurgedAt: '2026-01-01T00:00:00.000Z' }, [])).toEqual({
      kind: 'none',
      reason: 'purged',
      purgedAt: '2026-01-01T00:00:00.000Z',
      restoreRunIds: [],
    });
    expect(restoreStateFrom(removal, [{ id: 7, status: 'completed', settled: 10 }])).toEqual({ kind: 'none', reason: 'all-restored', restoreRunIds: [7] });
  });
});
