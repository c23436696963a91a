import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../store';
import type { Store } from '../store/store';
import { addOperator } from '../../test-support/operators';
import { knownDeviceCookie } from '../auth/known-device';
import { decoyHash, verifyPassword } from '../auth/passwords';
import { createSignInGuard, SIGN_IN_LANES, signIn, type SignInGuard } from './sign-in-check';

const SECRET = 'x'.repeat(40);
const PASSWORD = 'correct-horse-battery';
const NOW = 1_800_000_000_000;
const ADMITTED = SIGN_IN_LANES.anyone.running + SIGN_IN_LANES.anyone.waiting;
const FLOOD = 60;

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sign-in-flood-test-'));
  store = openSqliteStore(join(dir, 'console.db'));
  await addOperator(store, { username: 'alice', password: PASSWORD, role: 'operator' });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The real argon2 check, counted: how many calls, and the most running at once. */
function countedVerify() {
  const seen = { calls: 0, running: 0, most: 0 };
  const verify = async (hash: string, password: string) => {
    seen.calls++;
    seen.most = Math.max(seen.most, ++seen.running);
    try {
      return await verifyPassword(hash, password);
    } finally {
      seen.running--;
    }
  };
  return { seen, verify };
}

/** Sign-ins at made-up usernames, all sent at once, with no client address (TRUSTED_PROXY_HOPS=0). */
const flood = (guard: SignInGuard, nowMs: number) =>
  Promise.all(Array.from({ length: FLOOD }, () => signIn(store, { username: `guess-${randomUUID().slice(0, 8)}`, password: 'guess', clientIp: null }, { secret: SECRET, nowMs, guard })));

const alice = (knownDevice?: string) => ({ username: 'alice', password: PASSWORD, clientIp: null, knownDevice });
const codes = (results: Awaited<ReturnType<typeof signIn>>[]) => results.map((r) => (r.ok ? 'ok' : r.code));
const count = (list: string[], code: string) => list.filter((c) => c === code).length;

describe('a flood of sign-ins at random usernames', () => {
  it('checks one password at a time, unknown names against the decoy inside the same bound, and refuses the excess at once', async () => {
    const { seen, verify } = countedVerify();
    const counted = vi.spyOn(store.signIns, 'begin');
    const results = codes(await flood(createSignInGuard({ verify }), NOW));
    expect(seen.most).toBe(SIGN_IN_LANES.anyone.running);
    expect(seen.calls).toBe(ADMITTED);
    expect(count(results, 'auth.badCredentials')).toBe(ADMITTED);
    expect(count(results, 'auth.busy')).toBe(FLOOD - ADMITTED);
    // Refused before anything was counted: the lockout counts guesses that were checked.
    expect(counted).toHaveBeenCalledTimes(ADMITTED);
  });

  it('is audited as a row per minute and outcome, with the count and a few of the names', async () => {
    const guard = createSignInGuard();
    for (const minute of [0, 1, 2]) await flood(guard, NOW + minute * 60_000 + 5_000);
    const rows = await store.audit.list({ limit: 1000 });
    expect(rows).toHaveLength(6);
    for (const minute of [0, 1, 2]) {
      const inMinute = rows.filter((r) => Date.parse(r.at) === NOW + minute * 60_000 + 5_000);
      expect(inMinute.map((r) => [r.action, r.operator, r.detail?.reason, r.detail?.count])).toEqual([
        ['sign-in-unknown', null, 'credentials', ADMITTED],
        ['sign-in-unknown', null, 'busy', FLOOD - ADMITTED],
      ]);
      for (const r of inMinute) expect(String(r.detail?.names).split(', ')).toHaveLength(5);
    }
  });

  it('keeps a row for each failure of a real operator, and counts their refusals', async () => {
    const guard = createSignInGuard();
    for (let i = 0; i < 3; i++) await signIn(store, { ...alice(), password: `wrong-${i}` }, { secret: SECRET, nowMs: NOW + i, guard });
    const running = flood(guard, NOW + 10);
    for (let i = 0; i < 4; i++) expect(await signIn(store, alice(), { secret: SECRET, nowMs: NOW + 20 + i, guard })).toEqual({ ok: false, code: 'auth.busy' });
    await running;
    expect((await store.audit.list({ action: 'sign-in-failed', limit: 10 })).map((r) => [r.operator, r.detail])).toEqual(Array(3).fill(['alice', { reason: 'credentials' }]));
    expect((await store.audit.list({ action: 'sign-in-refused', limit: 10 })).map((r) => [r.operator, r.detail])).toEqual([['alice', { reason: 'busy', count: 4 }]]);
  });

  it('lets an operator in during the flood from a browser that signed in as them before, and from any browser once it passes', async () => {
    const guard = createSignInGuard();
    const before = await signIn(store, alice(), { secret: SECRET, nowMs: NOW, guard });
    if (!before.ok) throw new Error(before.code);

    const at = NOW + 60_000;
    const running = flood(guard, at);
    const during = (knownDevice?: string) => signIn(store, alice(knownDevice), { secret: SECRET, nowMs: at, guard });
    expect(await during()).toEqual({ ok: false, code: 'auth.busy' });
    for (const notAlices of [knownDeviceCookie('bob', SECRET, NOW), knownDeviceCookie('alice', 'y'.repeat(40), NOW), knownDeviceCookie('alice', SECRET, at - 31 * 86_400_000), `${before.knownDevice}x`, before.cookie]) {
      expect(await during(notAlices)).toEqual({ ok: false, code: 'auth.busy' });
    }
    expect(await during(before.knownDevice)).toMatchObject({ ok: true, operator: { username: 'alice' } });
    await running;
    expect(await signIn(store, alice(), { secret: SECRET, nowMs: at + 1, guard })).toMatchObject({ ok: true });
  });

  it('leaves the thread pool free: a file read answers within 200 ms and a timer fires on time while it runs', async () => {
    await decoyHash();
    const probe = join(dir, 'probe');
    writeFileSync(probe, 'x');
    const running = flood(createSignInGuard(), NOW);
    const reads: number[] = [];
    const timers: number[] = [];
    for (let i = 0; i < 5; i++) {
      let t = performance.now();
      await readFile(probe);
      reads.push(performance.now() - t);
      t = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 20));
      timers.push(performance.now() - t - 20);
    }
    await running;
    expect(Math.max(...reads)).toBeLessThan(200);
    expect(Math.max(...timers)).toBeLessThan(200);
  });
});
