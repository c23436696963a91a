import { afterEach, beforeEach, expect, it } from 'vitest';
import { freshPostgres, type FreshPostgres } from './test-database';
import { keepValues, recordOutcomes } from './users-results';

let db: FreshPostgres;
beforeEach(async () => {
  db = await freshPostgres();
});
afterEach(() => db.dispose());

const USERS = 20_000;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}

/** Every node of the plan that reads run_users (the update itself aside). */
function readsOfRunUsers(node: PlanNode): PlanNode[] {
  const own = node['Relation Name'] === 'run_users' && node['Node Type'] !== 'ModifyTable' ? [node] : [];
  return [...own, ...(node.Plans ?? []).flatMap(readsOfRunUsers)];
}

/** Runs each statement the function sends as EXPLAIN, without executing it, and keeps the plans. */
function explaining() {
  const plans: PlanNode[] = [];
  const explain = {
    query: async (sql: string, params: unknown[]) => {
      const [row] = await db.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(`EXPLAIN (FORMAT JSON) ${sql}`, params);
      plans.push(row!['QUERY PLAN'][0]!.Plan);
      return { rows: [{ held: true }], rowCount: 1 };
    },
  };
  return { db: explain as never, plans };
}

// A run's users copied into a table analyzed before they were there (a removal from a dry run, a
// restore, a retry) look like a handful of rows to the planner, whose statistics know only the
// runs before. Hashing "every pending user of the run" then looks cheap, and costs a scan of all of
// them per batch: 55 ms a batch at 300,000 users, where looking up the batch's 100 users costs 2 ms.
it('looks up a batch’s users by position, whatever the statistics say about the run: no statement reads all of the run’s users', async () => {
  await db.query(`INSERT INTO runs (id, created_at, source, kind, app_id, sdkappid, region, attrs, status, total)
                  VALUES (101, now(), 'csv', 'check', 'default', 1400000000, 'china', '{sex}', 'completed', ${USERS}),
                         (102, now(), 'csv', 'remove', 'default', 1400000000, 'china', '{sex}', 'running', ${USERS})`);
  await db.query(`INSERT INTO run_users (run_id, seq, user_id, attrs, with_picked) SELECT 101, g, 'u' || g, '{sex}', false FROM generate_series(1, ${USERS}) g`);
  await db.query('ANALYZE run_users');
  await db.query('INSERT INTO run_users (run_id, seq, user_id, attrs, with_picked) SELECT 102, seq, user_id, attrs, with_picked FROM run_users WHERE run_id = 101');

  const seqs = Array.from({ length: 100 }, (_, i) => USERS / 2 + i);
  const { db: explain, plans } = explaining();
  await keepValues(explain, 102, seqs.map((seq) => ({ seq, values: { sex: 'f' } })));
  await recordOutcomes(explain, 102, seqs.map((seq) => ({ seq, account: `u${seq}`, status: 'removed' as const, attempts: 1 })), 1);

  expect(plans).toHaveLength(2);
  for (const plan of plans) {
    const reads = readsOfRunUsers(plan);
    expect(reads.length).toBeGreaterThan(0);
    for (const read of reads) {
      expect(read['Node Type']).toBe('Index Scan');
      expect(read['Index Cond']).toMatch(/\(seq = \w+\.seq\)/);
    }
  }
});
