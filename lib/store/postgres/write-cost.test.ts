import type pg from 'pg';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { timFailure } from '../../tim/outcomes';
import { freshPostgres, type FreshPostgres } from './test-database';
import { keepValues, recordOutcomes } from './users-results';

// What one batch of a removal costs the database: each of its users is written twice, once for the
// snapshot and once for the outcome, and at three apps at once Postgres is the busiest process on
// the machine. These tests check where the writes go, not how long they take (that is the bench).

const USERS = 20_000;
let db: FreshPostgres;
let pool: pg.Pool;
beforeEach(async () => {
  db = await freshPostgres();
  pool = db.pool();
  await db.query(`INSERT INTO runs (id, created_at, source, kind, app_id, sdkappid, region, attrs, status, total)
                  VALUES (201, now(), 'csv', 'remove', 'default', 1400000000, 'china', '{sex}', 'running', ${USERS})`);
  await db.query(`INSERT INTO run_users (run_id, seq, user_id, attrs, with_picked) SELECT 201, g, 'u' || g, '{sex}', false FROM generate_series(1, ${USERS}) g`);
});
afterEach(() => db.dispose());

const blocksOf = async (seqs: number[]) =>
  (await db.query<{ block: string }>('SELECT (ctid::text::point)[0]::text AS block FROM run_users WHERE run_id = 201 AND seq = ANY ($1) ORDER BY seq', [seqs])).map((r) => r.block);

it('keeps a removal’s snapshot on its user’s own page for nearly every user, so no index is written for them', async () => {
  const seqs = Array.from({ length: 100 }, (_, i) => USERS / 2 + i);
  const before = await blocksOf(seqs);

  await keepValues(pool, 201, seqs.map((seq) => ({ seq, values: { sex: 'f' } })));

  // A new version on the same page, no indexed column changed: a HOT update, which adds no index
  // entry. The last users of a page may not fit beside the new versions of those before them.
  const after = await blocksOf(seqs);
  expect(after.filter((block, i) => block === before[i]).length).toBeGreaterThanOrEqual(90);
  const [kept] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM run_users WHERE run_id = 201 AND attr_values->>'sex' = 'f'");
  expect(kept!.n).toBe(100);
});

it('enters only failed users in the index of reasons', async () => {
  const all = Array.from({ length: USERS - 1 }, (_, i) => i + 2);
  for (let i = 0; i < all.length; i += 1_000) {
    const seqs = all.slice(i, i + 1_000);
    await recordOutcomes(pool, 201, seqs.map((seq) => ({ seq, account: `u${seq}`, status: 'removed' as const, attempts: 1 })), 10);
  }
  const failed = timFailure(70107, 'no such user');
  await recordOutcomes(pool, 201, [{ seq: 1, account: 'u1', status: 'failed' as const, attempts: 1, failure: failed }], 1);

  // One failed user among 20,000 outcomes (an index of all of them takes over 50 pages): the
  // metapage and one leaf are what one entry needs.
  const [index] = await db.query<{ pages: number }>("SELECT (pg_relation_size('run_users_by_error') / current_setting('block_size')::int)::int AS pages");
  expect(index!.pages).toBeLessThanOrEqual(2);
  const [reason] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM run_users WHERE run_id = 201 AND error_key = $1", [failed.key]);
  expect(reason!.n).toBe(1);
});
