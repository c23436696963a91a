import { afterEach, beforeEach, expect, it } from 'vitest';
import { freshPostgres, type FreshPostgres } from './test-database';
import { findUserAcrossRuns, listRunUsers, pendingTargets } from './users-results';

let db: FreshPostgres;
beforeEach(async () => {
  db = await freshPostgres();
});
afterEach(() => db.dispose());

const USERS = 20_000;
const PAGE = 50;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

/** Rows of run_users each node of the plan read: those it returned and those it read and dropped. */
function runUsersRead(node: PlanNode): number {
  const own =
    node['Relation Name'] === 'run_users'
      ? (node['Actual Rows'] + (node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Index Recheck'] ?? 0)) * node['Actual Loops']
      : 0;
  return own + (node.Plans ?? []).reduce((sum, p) => sum + runUsersRead(p), 0);
}

/** Runs each statement as the page's read does, and also EXPLAIN ANALYZE of those on run_users: how many of its rows each read. */
function counting() {
  const reads: { sql: string; rows: number }[] = [];
  const client = {
    query: async (sql: string, params: unknown[]) => {
      if (sql.includes('run_users')) {
        const [row] = await db.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params);
        reads.push({ sql, rows: runUsersRead(row!['QUERY PLAN'][0]!.Plan) });
      }
      return { rows: await db.query(sql, params) };
    },
  };
  return { db: client as never, reads };
}

// A run copied into run_users after its last ANALYZE (a removal from a dry run, a restore, a
// retry) is unknown to the planner's statistics, which take it for a handful of rows: a filter it
// then applies to "all of the run's users" reads the whole run. The run page, its filters, a
// resumed pass and the user search must read about a page, wherever the page is in the run.
it('reads about a page of run_users for the run page, its filters, a resumed pass and the user search, whatever the statistics say about the run', async () => {
  await db.query('ALTER TABLE run_users SET (autovacuum_enabled = false)');
  await db.query(`INSERT INTO runs (id, created_at, source, kind, app_id, sdkappid, region, attrs, status, total)
                  VALUES (101, now(), 'csv', 'check', 'default', 1400000000, 'china', '{sex}', 'completed', ${USERS}),
                         (102, now(), 'csv', 'remove', 'default', 1400000000, 'china', '{sex}', 'running', ${USERS})`);
  await db.query(`INSERT INTO run_users (run_id, seq, user_id, attrs, with_picked, result) SELECT 101, g, 'u' || g, '{sex}', false, 'checked' FROM generate_series(1, ${USERS}) g`);
  await db.query('ANALYZE run_users');
  await db.query('INSERT INTO run_users (run_id, seq, user_id, attrs, with_picked) SELECT 102, seq, user_id, attrs, with_picked FROM run_users WHERE run_id = 101');
  // The run as a pass resumed after a restart finds it: nine users in ten settled, a few failed near the end.
  await db.query(`UPDATE run_users SET result = 'removed' WHERE run_id = 102 AND seq <= ${(USERS * 9) / 10}`);
  await db.query(`UPDATE run_users SET result = 'failed', error_key = 'tim.70107', error_code = 70107 WHERE run_id = 102 AND seq % 1000 = 999`);

  const { db: counted, reads } = counting();
  const pending = await pendingTargets(counted, 102, 0, PAGE);
  const failed = await listRunUsers(counted, 102, { limit: PAGE, filter: { result: 'failed' } });
  const byError = await listRunUsers(counted, 102, { limit: PAGE, filter: { errorKey: 'tim.70107' } });
  const oneUser = await listRunUsers(counted, 102, { limit: PAGE, filter: { userId: `u${USERS - 1}` } });
  const deepPage = await listRunUsers(counted, 102, { afterSeq: USERS - PAGE - 1, limit: PAGE });
  const search = await findUserAcrossRuns(counted, `u${USERS / 2}`);

  expect(pending[0]!.seq).toBe((USERS * 9) / 10 + 1);
  expect(failed.map((u) => u.seq)).toEqual(Array.from({ length: USERS / 1000 }, (_, i) => i * 1000 + 999));
  expect(byError).toHaveLength(USERS / 1000);
  expect(oneUser.map((u) => u.seq)).toEqual([USERS - 1]);
  expect(deepPage).toHaveLength(PAGE);
  expect(search.map((s) => s.run.id)).toEqual([102, 101]);
  expect(reads).toHaveLength(6);
  expect(reads.filter((r) => r.rows > 2 * PAGE + 2)).toEqual([]);
});
