import { describe, expect, it } from 'vitest';
import { isAbandoned, UPLOAD_ABANDONED_MS } from './in-progress';

const me = { id: 'me', pid: 10, host: 'host-a' };
const upload = (owner: { id: string; pid: number; host: string } | null, heartbeatMs: number | null) => ({ id: 1, appId: 'default', operator: 'ann', owner, heartbeatMs, finishing: null });
const alive = () => true;
const gone = () => false;

describe('isAbandoned', () => {
  it('leaves an upload whose owner beat within the bound, on any host, this process’s own included', () => {
    const now = 1_000_000;
    expect(isAbandoned(upload({ id: 'other', pid: 20, host: 'host-b' }, now - UPLOAD_ABANDONED_MS), me, now, gone)).toBe(false);
    expect(isAbandoned(upload({ id: 'other', pid: 20, host: 'host-a' }, now - 1_000), me, now, alive)).toBe(false);
    expect(isAbandoned(upload(me, now - 1_000), me, now, gone)).toBe(false);
  });

  it('takes one whose owner has been silent past the bound, wherever it is, and one with no owner recorded', () => {
    const now = 1_000_000;
    expect(isAbandoned(upload({ id: 'other', pid: 20, host: 'host-b' }, now - UPLOAD_ABANDONED_MS - 1), me, now, alive)).toBe(true);
    expect(isAbandoned(upload(me, now - UPLOAD_ABANDONED_MS - 1), me, now, alive)).toBe(true);
    expect(isAbandoned(upload(null, null), me, now, alive)).toBe(true);
  });

  it('takes at once one from an earlier life of a process on this host: this pid under another identity, or a pid that is gone', () => {
    const now = 1_000_000;
    expect(isAbandoned(upload({ id: 'before-restart', pid: 10, host: 'host-a' }, now), me, now, alive)).toBe(true);
    expect(isAbandoned(upload({ id: 'crashed', pid: 20, host: 'host-a' }, now), me, now, gone)).toBe(true);
    // Another host's pids say nothing here.
    expect(isAbandoned(upload({ id: 'elsewhere', pid: 10, host: 'host-b' }, now), me, now, gone)).toBe(false);
  });
});
